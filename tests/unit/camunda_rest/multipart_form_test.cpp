// multipart/form-data as Camunda Modeler, browsers and curl -F send it, and what is refused.

#include "multipart_form.hpp"

#include <gtest/gtest.h>

namespace processhost::plugins::camunda_rest {
namespace {

std::string part(const std::string& boundary, const std::string& headers, const std::string& data) {
  return "--" + boundary + "\r\n" + headers + "\r\n\r\n" + data + "\r\n";
}

TEST(MultipartBoundary, ComesFromTheContentTypeQuotedOrNot) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxk").value(),
            "----WebKitFormBoundary7MA4YWxk");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data;charset=utf-8; BOUNDARY=\"a b\"").value(), "a b");
}

TEST(MultipartBoundary, IsRefusedWhenMissingTooLongOrOfAnotherType) {
  for (const char* type : {"application/json", "multipart/form-data", "multipart/form-data; boundary=",
                           "multipart/mixed; boundary=x", "multipart/form-data; boundary=\"unclosed"}) {
    auto boundary = multipart_boundary(type);
    ASSERT_FALSE(boundary.ok()) << type;
    EXPECT_EQ(boundary.error().status, ErrorStatus::bad_request);
  }
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'b')).ok());
  EXPECT_TRUE(multipart_boundary("multipart/form-data; boundary=" + std::string(70, 'b')).ok());
}

TEST(MultipartForm, ReadsFieldsAndFilesInOrder) {
  const std::string body = part("XyZ", "Content-Disposition: form-data; name=\"deployment-name\"", "sample") +
                           part("XyZ",
                                "Content-Disposition: form-data; name=\"upload\"; filename=\"a \\\"b\\\".bpmn\"\r\n"
                                "Content-Type: application/octet-stream",
                                "<xml>--XyZ not at a line start\r\n</xml>") +
                           "--XyZ--\r\n";
  auto parts = parse_multipart_form(body, "XyZ");
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts.value().size(), 2U);
  EXPECT_EQ(parts.value()[0].name, "deployment-name");
  EXPECT_FALSE(parts.value()[0].filename.has_value());
  EXPECT_EQ(parts.value()[0].data, "sample");
  EXPECT_EQ(parts.value()[1].name, "upload");
  EXPECT_EQ(parts.value()[1].filename.value(), "a \"b\".bpmn");
  EXPECT_EQ(parts.value()[1].content_type, "application/octet-stream");
  EXPECT_EQ(parts.value()[1].data, "<xml>--XyZ not at a line start\r\n</xml>");
}

TEST(MultipartForm, SkipsAPreambleAndKeepsEmptyAndBinaryData) {
  std::string binary("a\0b\r\nc", 6);
  const std::string body = "ignored preamble\r\n" + part("b", "Content-Disposition: form-data; name=\"e\"", "") +
                           part("b", "Content-Disposition: form-data; name=\"bin\"", binary) + "--b--";
  auto parts = parse_multipart_form(body, "b");
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts.value().size(), 2U);
  EXPECT_EQ(parts.value()[0].data, "");
  EXPECT_EQ(parts.value()[1].data, binary);
}

TEST(MultipartForm, RefusesMalformedBodiesWithTheirReason) {
  const std::string field = part("b", "Content-Disposition: form-data; name=\"f\"", "v");
  const struct {
    std::string body;
    std::string message_part;
  } cases[] = {
      {"no boundary at all", "does not contain its boundary"},
      {field, "no closing boundary"},
      {"--b\r\nContent-Disposition: form-data; name=\"f\"\r\nv\r\n--b--", "no end of its headers"},
      {part("b", "Content-Type: text/plain", "v") + "--b--", "Content-Disposition of form-data with a name"},
      {part("b", "Content-Disposition: attachment; name=\"f\"", "v") + "--b--", "Content-Disposition of form-data"},
      {part("b", "no colon here", "v") + "--b--", "malformed header line"},
      {"--b junk\r\n", "followed by a line break"},
  };
  for (const auto& [body, message_part] : cases) {
    auto parts = parse_multipart_form(body, "b");
    ASSERT_FALSE(parts.ok()) << body;
    EXPECT_EQ(parts.error().status, ErrorStatus::bad_request);
    EXPECT_NE(parts.error().message.find(message_part), std::string::npos) << parts.error().message;
  }
}

TEST(MultipartForm, EnforcesThePartAndHeaderLimits) {
  std::string body;
  for (int i = 0; i < 3; ++i) body += part("b", "Content-Disposition: form-data; name=\"f\"", "v");
  body += "--b--";
  EXPECT_TRUE(parse_multipart_form(body, "b", {.max_parts = 3}).ok());
  auto too_many = parse_multipart_form(body, "b", {.max_parts = 2});
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.error().message.find("more than 2 parts"), std::string::npos);

  const std::string long_header =
      part("b", "Content-Disposition: form-data; name=\"f\"\r\nX-Padding: " + std::string(300, 'p'), "v") + "--b--";
  auto refused = parse_multipart_form(long_header, "b", {.max_header_bytes = 256});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("longer than 256 bytes"), std::string::npos) << refused.error().message;
}

}  // namespace
}  // namespace processhost::plugins::camunda_rest
