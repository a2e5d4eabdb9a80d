#include "model/variables_expression.hpp"

#include <cctype>
#include <set>
#include <vector>

namespace processhost::engine {
namespace {

bool identifier_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }
bool identifier_part(char c) { return identifier_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

// Names that are never variables: JavaScript's words and what the prelude binds. Globals
// (Math, JSON, ...) are bound to themselves unless a variable of that name exists.
bool is_reserved(const std::string& name) {
  static const std::set<std::string> kReserved = {
      "true", "false", "null", "undefined", "NaN", "Infinity", "this", "token", "identity", "variables",
      "execution", "new", "typeof", "instanceof", "in", "of", "void", "delete", "function", "return", "var",
      "let", "const", "if", "else", "for", "while", "do", "switch", "case", "default", "break", "continue",
      "try", "catch", "finally", "throw", "class", "extends", "super", "yield", "await", "async", "import",
      "export", "with", "debugger", "enum", "static", "arguments", "eval", "globalThis"};
  return kReserved.count(name) > 0;
}

// JUEL's word operators and what they are in JavaScript.
const char* operator_for(const std::string& word) {
  if (word == "and") return "&&";
  if (word == "or") return "||";
  if (word == "not") return "!";
  if (word == "eq") return "==";
  if (word == "ne") return "!=";
  if (word == "lt") return "<";
  if (word == "gt") return ">";
  if (word == "le") return "<=";
  if (word == "ge") return ">=";
  if (word == "div") return "/";
  if (word == "mod") return "%";
  return nullptr;
}

class Translator {
 public:
  explicit Translator(std::string_view text) : text_(text) {}

  std::string run() {
    std::string out;
    while (position_ < text_.size()) out += next();
    return out;
  }

  const std::set<std::string>& free_names() const { return names_; }
  bool uses_empty() const { return uses_empty_; }

 private:
  // One lexical piece of the expression, translated.
  std::string next() {
    const char c = text_[position_];
    if (c == '\'' || c == '"' || c == '`') return string_literal();
    if (!identifier_start(c)) {
      ++position_;
      if (c == '.' || !std::isspace(static_cast<unsigned char>(c))) after_dot_ = c == '.';
      return std::string(1, c);
    }
    const std::size_t start = position_;
    while (position_ < text_.size() && identifier_part(text_[position_])) ++position_;
    std::string word(text_.substr(start, position_ - start));
    if (after_dot_) {  // a property name, never a variable or an operator
      after_dot_ = false;
      return word;
    }
    if (object_key()) return word;
    if (const char* op = operator_for(word)) return std::string(" ") + op + " ";
    if (word == "empty") return empty_operand();
    if (!is_reserved(word)) names_.insert(word);
    return word;
  }

  // Strings are copied as written; a template literal's ${...} parts are expressions too.
  std::string string_literal() {
    const char quote = text_[position_];
    std::string out(1, quote);
    ++position_;
    while (position_ < text_.size() && text_[position_] != quote) {
      if (text_[position_] == '\\' && position_ + 1 < text_.size()) {
        out += text_.substr(position_, 2);
        position_ += 2;
      } else if (quote == '`' && text_.compare(position_, 2, "${") == 0) {
        out += interpolation();
      } else {
        out += text_[position_++];
      }
    }
    if (position_ < text_.size()) out += text_[position_++];
    after_dot_ = false;
    return out;
  }

  std::string interpolation() {
    position_ += 2;
    const std::size_t start = position_;
    int depth = 0;
    while (position_ < text_.size() && !(text_[position_] == '}' && depth == 0)) {
      if (text_[position_] == '{') ++depth;
      if (text_[position_] == '}') --depth;
      ++position_;
    }
    Translator inner(text_.substr(start, position_ - start));
    std::string translated = inner.run();
    names_.insert(inner.free_names().begin(), inner.free_names().end());
    uses_empty_ = uses_empty_ || inner.uses_empty();
    if (position_ < text_.size()) ++position_;
    return "${" + translated + "}";
  }

  // `name:` inside an object literal is a key, not a use of a variable (a ternary's `a ? b : c`
  // is a use, so only a key directly after `{` or `,` counts).
  bool object_key() const {
    std::size_t after = position_;
    while (after < text_.size() && std::isspace(static_cast<unsigned char>(text_[after]))) ++after;
    if (after >= text_.size() || text_[after] != ':') return false;
    std::size_t before = position_;
    while (before > 0 && identifier_part(text_[before - 1])) --before;
    while (before > 0 && std::isspace(static_cast<unsigned char>(text_[before - 1]))) --before;
    return before > 0 && (text_[before - 1] == '{' || text_[before - 1] == ',');
  }

  // `empty x.y[0]` -> `__empty(x.y[0])`: the operand is a name with its property accesses.
  std::string empty_operand() {
    uses_empty_ = true;
    while (position_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[position_]))) ++position_;
    const std::size_t start = position_;
    int depth = 0;
    while (position_ < text_.size()) {
      const char c = text_[position_];
      if (c == '[' || c == '(') {
        ++depth;
      } else if ((c == ']' || c == ')') && depth > 0) {
        --depth;
      } else if (depth == 0 && !identifier_part(c) && c != '.') {
        break;
      }
      ++position_;
    }
    Translator operand(text_.substr(start, position_ - start));
    std::string translated = operand.run();
    names_.insert(operand.free_names().begin(), operand.free_names().end());
    uses_empty_ = true;
    return "__empty(" + translated + ")";
  }

  std::string_view text_;
  std::size_t position_ = 0;
  bool after_dot_ = false;
  bool uses_empty_ = false;
  std::set<std::string> names_;
};

// The variables view of the token, and `execution` over it (setVariable also records into
// __set, which a script task may return).
constexpr const char* kVariablesPrelude =
    "const variables = {};"
    "{ const add = (r) => { if (r && typeof r === 'object' && !Array.isArray(r)) {"
    " const f = r.form_fields; if (f && typeof f === 'object' && !Array.isArray(f)) {"
    " Object.assign(variables, f); for (const k of Object.keys(r)) if (k !== 'form_fields') variables[k] = r[k]; }"
    " else Object.assign(variables, r); } };"
    " const h = token && token.history; if (h && typeof h === 'object') for (const k of Object.keys(h)) add(h[k]);"
    " add(token && token.current); add(token && token.loop); }"
    "const __set = {};"
    "const execution = { getVariable: (n) => (n in variables ? variables[n] : null),"
    " hasVariable: (n) => n in variables, getVariables: () => Object.assign({}, variables),"
    " setVariable: (n, v) => { variables[n] = v; __set[n] = v; } };";

constexpr const char* kEmptyHelper =
    "const __empty = (x) => x === null || x === undefined || x === '' ||"
    " (Array.isArray(x) ? x.length === 0 : typeof x === 'object' && Object.keys(x).length === 0);";

bool names(std::string_view body, std::string_view name) {
  for (std::size_t at = body.find(name); at != std::string_view::npos; at = body.find(name, at + 1)) {
    const bool starts = at == 0 || (!identifier_part(body[at - 1]) && body[at - 1] != '.');
    const bool ends = at + name.size() >= body.size() || !identifier_part(body[at + name.size()]);
    if (starts && ends) return true;
  }
  return false;
}

}  // namespace

bool is_variables_expression(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text.size() > 3 && (text.starts_with("${") || text.starts_with("#{")) && text.ends_with("}");
}

std::string variables_expression_body(std::string_view expression) {
  Translator translator(expression);
  const std::string translated = translator.run();
  std::string body = kVariablesPrelude;
  if (translator.uses_empty()) body += kEmptyHelper;
  for (const auto& name : translator.free_names()) {
    body += "const " + name + " = \"" + name + "\" in variables ? variables[\"" + name + "\"] : globalThis[\"" + name +
            "\"];";
  }
  return body + "\nreturn (" + translated + "\n);";
}

std::string script_body_with_execution(std::string_view body) {
  if (!names(body, "execution") && !names(body, "variables")) return std::string(body);
  return std::string(kVariablesPrelude) + "const __result = (() => {\n" + std::string(body) +
         "\n})();\nreturn __result === undefined && Object.keys(__set).length > 0 ? __set : __result;";
}

}  // namespace processhost::engine
