// Camunda-style ${...} expressions over the variables view of a token, run in the real
// script runtime: JUEL's operators, the view's precedence, globals, and execution in scripts.
#include "model/variables_expression.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "scripting/script_runtime.hpp"

namespace processhost::engine {
namespace {

// The start payload, a script's result, a user task's form fields, then the current payload.
const std::string kToken =
    R"({"current":{"amount":1500,"note":"now"},"history":{"start":{"amount":10,"customer":"ada","tags":[]},)"
    R"("score":{"risk":0.2},"review":{"form_fields":{"comment":"","approved":true}},"last":{"amount":1500,"note":"now"}}})";

Script script_of(std::string source) {
  static std::atomic<std::size_t> next_id{700000};  // a range of its own: compiled scripts are cached by id
  Script script;
  script.id = ++next_id;
  script.source = std::move(source);
  return script;
}

std::string evaluate(const std::string& expression) {
  const Script script = script_of(variables_expression_body(expression));
  ScriptCall call;
  call.script = &script;
  call.token_json = kToken;
  call.identity_json = R"({"userId":"u1","token":"","identity":{}})";
  call.origin = "test";
  auto value = run_expression(call);
  return value ? value.value() : "error: " + value.error().message;
}

TEST(VariablesExpression, RecognisesDollarAndHashBraces) {
  EXPECT_TRUE(is_variables_expression("${amount > 1}"));
  EXPECT_TRUE(is_variables_expression("  #{approved} "));
  EXPECT_FALSE(is_variables_expression("token.current.amount > 1"));
  EXPECT_FALSE(is_variables_expression("${}"));
}

TEST(VariablesExpression, NamesAreVariablesWithLaterValuesWinning) {
  EXPECT_EQ(evaluate("amount"), "1500");       // the current payload wins over the start's 10
  EXPECT_EQ(evaluate("customer"), R"("ada")");  // from the start payload
  EXPECT_EQ(evaluate("risk"), "0.2");           // a script's result
  EXPECT_EQ(evaluate("approved"), "true");      // a user task's form field
  EXPECT_EQ(evaluate("missing"), "null");       // no such variable: undefined
  EXPECT_EQ(evaluate("variables.customer"), R"("ada")");
  EXPECT_EQ(evaluate(R"(execution.getVariable("risk"))"), "0.2");
  EXPECT_EQ(evaluate(R"(execution.getVariable("missing"))"), "null");
}

TEST(VariablesExpression, JuelWordOperators) {
  EXPECT_EQ(evaluate("approved and amount ge 1000"), "true");
  EXPECT_EQ(evaluate("amount lt 1000 or customer eq 'ada'"), "true");
  EXPECT_EQ(evaluate("not approved"), "false");
  EXPECT_EQ(evaluate("amount div 2 gt 700 and amount mod 7 ne 0"), "true");
  EXPECT_EQ(evaluate("empty comment"), "true");
  EXPECT_EQ(evaluate("empty tags"), "true");
  EXPECT_EQ(evaluate("not empty customer"), "true");
  EXPECT_EQ(evaluate("empty missing"), "true");
  // Words inside strings and property names stay as written.
  EXPECT_EQ(evaluate("'rock and roll'"), R"("rock and roll")");
  EXPECT_EQ(evaluate("({and: 1}).and"), "1");
}

TEST(VariablesExpression, JavaScriptOverTheTokenAndGlobalsKeepWorking) {
  EXPECT_EQ(evaluate("token.current.note"), R"("now")");
  EXPECT_EQ(evaluate("Math.max(amount, 2000)"), "2000");
  EXPECT_EQ(evaluate("[1, 2].includes(2) ? 'yes' : 'no'"), R"("yes")");
  EXPECT_EQ(evaluate("`${customer}!`"), R"("ada!")");
}

TEST(VariablesExpression, ScriptsSeeExecutionAndReturnWhatTheySet) {
  const std::string untouched = "return 1;";
  EXPECT_EQ(script_body_with_execution(untouched), untouched);
  const Script script = script_of(script_body_with_execution(
      R"(execution.setVariable("doubled", execution.getVariable("amount") * 2); execution.setVariable("k", variables.customer);)"));
  ScriptCall call;
  call.script = &script;
  call.token_json = kToken;
  call.identity_json = "null";
  call.origin = "test";
  auto result = run_script(call);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result.value(), R"({"doubled":3000,"k":"ada"})");

  // A script that returns a value keeps it as its result.
  const Script returning = script_of(script_body_with_execution(R"(execution.setVariable("x", 1); return "mine";)"));
  call.script = &returning;
  auto returned = run_script(call);
  ASSERT_TRUE(returned) << returned.error().message;
  EXPECT_EQ(returned.value(), R"("mine")");
}

}  // namespace
}  // namespace processhost::engine
