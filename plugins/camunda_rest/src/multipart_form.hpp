#pragma once
// multipart/form-data (RFC 7578 on RFC 2046's multipart syntax): the body Camunda Modeler
// and curl -F send to /engine-rest/deployment/create. Pure; bad input is a 400 Error that
// says what is wrong. Neither Boost nor the other libraries the project builds on parse
// multipart bodies, hence this small parser (docs/camunda-rest.md).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "processhost/result.hpp"

namespace processhost::plugins::camunda_rest {

struct FormPart {
  std::string name;                     // the Content-Disposition "name"
  std::optional<std::string> filename;  // present for file uploads
  std::string content_type;             // empty when the part names none
  std::string data;
};

struct MultipartLimits {
  std::size_t max_parts = 64;
  std::size_t max_header_bytes = 8 * 1024;  // one part's header block
};

// The boundary parameter of a Content-Type header value "multipart/form-data; boundary=...".
// 400 when the type is another or the boundary is missing or longer than RFC 2046's 70.
Result<std::string> multipart_boundary(std::string_view content_type);

// The parts of body, in order. 400 when the body does not open with the boundary, a part's
// headers are malformed or lack a form-data Content-Disposition with a name, the closing
// delimiter is missing, or a limit is passed.
Result<std::vector<FormPart>> parse_multipart_form(std::string_view body, std::string_view boundary,
                                                   const MultipartLimits& limits = {});

}  // namespace processhost::plugins::camunda_rest
