#include "multipart_form.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <utility>

namespace processhost::plugins::camunda_rest {
namespace {

constexpr std::string_view kCrLf = "\r\n";
constexpr std::size_t kMaxBoundaryLength = 70;  // RFC 2046, section 5.1.1

Error bad_request(std::string message) { return make_error(ErrorStatus::bad_request, std::move(message)); }

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// A header's value after its first token: "; name=value; name="quoted value"". Names are
// lower-cased; a quoted value may escape a character with a backslash.
struct HeaderParameter {
  std::string name;
  std::string value;
};

std::optional<std::vector<HeaderParameter>> header_parameters(std::string_view text) {
  std::vector<HeaderParameter> parameters;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == ';' || text[pos] == ' ' || text[pos] == '\t') {
      ++pos;
      continue;
    }
    const auto equals = text.find('=', pos);
    if (equals == std::string_view::npos) return std::nullopt;
    HeaderParameter parameter{lower(trim(text.substr(pos, equals - pos))), {}};
    pos = equals + 1;
    if (pos < text.size() && text[pos] == '"') {
      ++pos;
      bool closed = false;
      while (pos < text.size()) {
        const char c = text[pos++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && pos < text.size()) {
          parameter.value += text[pos++];
        } else {
          parameter.value += c;
        }
      }
      if (!closed) return std::nullopt;
    } else {
      const auto end = text.find(';', pos);
      parameter.value = std::string(trim(text.substr(pos, end == std::string_view::npos ? end : end - pos)));
      pos = end == std::string_view::npos ? text.size() : end;
    }
    parameters.push_back(std::move(parameter));
  }
  return parameters;
}

// Splits "type; parameters" into the lower-cased type and the parameter text.
std::pair<std::string, std::string_view> split_type(std::string_view value) {
  const auto semicolon = value.find(';');
  if (semicolon == std::string_view::npos) return {lower(trim(value)), {}};
  return {lower(trim(value.substr(0, semicolon))), value.substr(semicolon)};
}

// Fills part from its header block (lines separated by CRLF, no final empty line).
std::optional<Error> read_part_headers(std::string_view block, std::size_t index, FormPart& part) {
  bool has_disposition = false;
  const std::string where = "part " + std::to_string(index + 1) + " of the multipart body";
  while (!block.empty()) {
    const auto end = block.find(kCrLf);
    const std::string_view line = block.substr(0, end);
    block = end == std::string_view::npos ? std::string_view() : block.substr(end + kCrLf.size());
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || line.front() == ' ' || line.front() == '\t') {
      return bad_request(where + " has a malformed header line.");
    }
    const std::string name = lower(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (name == "content-type") {
      part.content_type = std::string(value);
    } else if (name == "content-disposition") {
      auto [type, rest] = split_type(value);
      auto parameters = header_parameters(rest);
      if (type != "form-data" || !parameters) {
        return bad_request(where + " needs a Content-Disposition of form-data with a name.");
      }
      for (auto& parameter : *parameters) {
        if (parameter.name == "name") {
          part.name = std::move(parameter.value);
          has_disposition = true;
        } else if (parameter.name == "filename") {
          part.filename = std::move(parameter.value);
        }
      }
    }
  }
  if (!has_disposition || part.name.empty()) {
    return bad_request(where + " needs a Content-Disposition of form-data with a name.");
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> multipart_boundary(std::string_view content_type) {
  auto [type, rest] = split_type(content_type);
  if (type != "multipart/form-data") {
    return bad_request("The body must be multipart/form-data (Content-Type is '" + std::string(content_type) + "').");
  }
  auto parameters = header_parameters(rest);
  if (parameters) {
    for (auto& parameter : *parameters) {
      if (parameter.name != "boundary") continue;
      if (parameter.value.empty() || parameter.value.size() > kMaxBoundaryLength) {
        return bad_request("The multipart boundary must be 1 to 70 characters long.");
      }
      return std::move(parameter.value);
    }
  }
  return bad_request("The multipart/form-data Content-Type names no boundary.");
}

Result<std::vector<FormPart>> parse_multipart_form(std::string_view body, std::string_view boundary,
                                                   const MultipartLimits& limits) {
  const std::string delimiter = "\r\n--" + std::string(boundary);
  // Boyer-Moore: a body of many megabytes is scanned in about body/boundary steps, and no
  // body makes the search for the first occurrence worse than linear (a naive or Horspool
  // search is body x boundary at worst).
  const std::boyer_moore_searcher next_delimiter(delimiter.begin(), delimiter.end());
  const auto find_delimiter = [&](std::size_t from) -> std::size_t {
    const auto found = std::search(body.begin() + static_cast<std::ptrdiff_t>(from), body.end(), next_delimiter);
    return found == body.end() ? std::string_view::npos : static_cast<std::size_t>(found - body.begin());
  };

  // The first delimiter opens the body, or follows a preamble (RFC 2046 allows one).
  std::size_t pos = 0;
  const std::string_view opening = std::string_view(delimiter).substr(kCrLf.size());
  if (body.substr(0, opening.size()) == opening) {
    pos = opening.size();
  } else {
    const auto first = find_delimiter(0);
    if (first == std::string_view::npos) return bad_request("The multipart body does not contain its boundary.");
    pos = first + delimiter.size();
  }

  std::vector<FormPart> parts;
  while (true) {
    if (body.substr(pos, 2) == "--") return parts;  // the closing delimiter
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, kCrLf.size()) != kCrLf) {
      return bad_request("A multipart boundary must be followed by a line break or '--'.");
    }
    pos += kCrLf.size();
    if (parts.size() == limits.max_parts) {
      return bad_request("The multipart body has more than " + std::to_string(limits.max_parts) + " parts.");
    }
    // Headers end with an empty line; a part without headers starts with it.
    const std::size_t window = std::min(body.size() - pos, limits.max_header_bytes + 2 * kCrLf.size());
    const std::string_view head = body.substr(pos, window);
    std::size_t headers_end = 0;
    std::size_t content = 0;
    if (head.substr(0, kCrLf.size()) == kCrLf) {
      content = pos + kCrLf.size();
    } else {
      const auto blank = head.find("\r\n\r\n");
      if (blank == std::string_view::npos) {
        return bad_request(head.size() == window && window > limits.max_header_bytes
                               ? "A part's headers in the multipart body are longer than " +
                                     std::to_string(limits.max_header_bytes) + " bytes."
                               : "A part of the multipart body has no end of its headers.");
      }
      headers_end = blank;
      content = pos + blank + 2 * kCrLf.size();
    }
    FormPart part;
    if (auto error = read_part_headers(body.substr(pos, headers_end), parts.size(), part)) return std::move(*error);
    const auto end = find_delimiter(content);
    if (end == std::string_view::npos) return bad_request("The multipart body has no closing boundary.");
    part.data = std::string(body.substr(content, end - content));
    parts.push_back(std::move(part));
    pos = end + delimiter.size();
  }
}

}  // namespace processhost::plugins::camunda_rest
