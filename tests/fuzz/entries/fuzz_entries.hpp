#pragma once
// The entry points the fuzz targets feed untrusted bytes to, shared with the regression test
// of their reproducers so that both exercise exactly the same code.
//
// Each entry hands one input to a real parser of the host and returns a short description of
// the outcome ("400", "rejected", "accepted sample_process", ...). Bad input must come back as
// such a value; a crash, a sanitizer report, an uncaught exception or a broken invariant
// (reported through finding()) is what the fuzzer looks for. Not thread-safe: the entries
// keep their fixtures in function-local statics, as libFuzzer runs one input at a time.

#include <string>
#include <string_view>

namespace processhost::fuzz {

// "METHOD target\nbody" dispatched to the consumer_api plugin's real handlers on a fake host
// whose engine answers every call at once. Outcome: the status, or "no route".
std::string consumer_api_request(std::string_view input);

// A BPMN document through the parser and validator with the engine's own support and script
// checks; timers of an accepted model are evaluated as deploy and start would.
std::string bpmn_document(std::string_view input);

// Raw bytes sent on one connection to the host's HTTP session (Beast parser with the host's
// settings, request-target parsing, route matching). Outcome: the answers' statuses.
std::string http_stream(std::string_view input);

// An Authorization header value through the iam plugin's identity provider and token
// service. "signed:<header json>\n<payload json>" is first signed with the service's secret,
// so that the checks behind the signature are reached too.
std::string authorization_header(std::string_view input);

// A host config file through load_host_config (schema check, paths, plugin entries).
std::string host_config(std::string_view input);

// The text as ISO-8601 duration, ISO-8601 date and 6-field cron expression (with its next
// due time).
std::string timer_text(std::string_view input);

// "<Content-Type value>\n<body>" through the camunda_rest plugin's multipart/form-data parser
// and its deployment form rules (small part and header limits, so the fuzzer reaches them).
std::string multipart_form(std::string_view input);

// Reports a broken invariant of the code under test (not of the input) and aborts, so that the
// fuzzer keeps the input as a crash.
[[noreturn]] void finding(const std::string& what);

}  // namespace processhost::fuzz
