#pragma once
// Camunda-style expressions over process variables: `${amount > 1000}`, `${approved}`,
// `${not empty comment and status eq 'open'}`, `${execution.getVariable("x")}`.
//
// Camunda 7 evaluates these as JUEL over the execution's variables. Here they become
// JavaScript function bodies (run like every other script: budget, memory cap, no I/O) over
// the variables view of the token (docs/bpmn-support.md, "Variables"): the start payload's,
// each result's (a user task's form_fields) and the current payload's fields, later ones
// winning. JUEL's word operators are translated; a name that is no variable is undefined.
// Plain JavaScript over token, as the original engine's expressions are, keeps working.

#include <string>
#include <string_view>

namespace processhost::engine {

// True for "${...}" and "#{...}" (after trimming).
bool is_variables_expression(std::string_view text);

// The function body that evaluates expression (the part inside ${ }) and returns its value.
std::string variables_expression_body(std::string_view expression);

// A script task's body with `execution` (getVariable, setVariable, hasVariable, getVariables)
// and `variables` bound when the body names them: a script that returns nothing but set
// variables has those variables as its result. Bodies that name neither are returned as they are.
std::string script_body_with_execution(std::string_view body);

}  // namespace processhost::engine
