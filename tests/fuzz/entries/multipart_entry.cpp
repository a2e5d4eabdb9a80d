#include <string>

#include "camunda_requests.hpp"
#include "fuzz_entries.hpp"
#include "multipart_form.hpp"

namespace processhost::fuzz {

std::string multipart_form(std::string_view input) {
  using namespace plugins::camunda_rest;  // NOLINT(google-build-using-namespace): the code under test
  const auto newline = input.find('\n');
  const std::string_view content_type = newline == std::string_view::npos ? input : input.substr(0, newline);
  const std::string_view body = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  auto boundary = multipart_boundary(content_type);
  if (!boundary.ok()) {
    if (boundary.error().status != ErrorStatus::bad_request) finding("a refused Content-Type did not answer 400");
    return "400 content-type";
  }
  if (boundary.value().empty() || boundary.value().size() > 70) finding("an accepted boundary is empty or too long");
  auto parts = parse_multipart_form(body, boundary.value(), {.max_parts = 8, .max_header_bytes = 256});
  if (!parts.ok()) {
    if (parts.error().status != ErrorStatus::bad_request) finding("a refused body did not answer 400");
    return "400 body";
  }
  std::size_t bytes = 0;
  for (const auto& part : parts.value()) {
    if (part.name.empty()) finding("an accepted part has no name");
    bytes += part.data.size();
  }
  if (parts.value().size() > 8) finding("more parts than the limit were accepted");
  if (bytes > body.size()) finding("the parts hold more bytes than the body");
  const auto count = parts.value().size();
  auto form = read_deployment_form(std::move(parts.value()));
  if (!form.ok()) {
    if (form.error().status != ErrorStatus::bad_request) finding("a refused form did not answer 400");
    return std::to_string(count) + " parts, 400 form";
  }
  return std::to_string(count) + " parts, resource " + form.value().resource_name;
}

}  // namespace processhost::fuzz
