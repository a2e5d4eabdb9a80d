#include "content_type.hpp"

#include <gtest/gtest.h>

namespace processhost::plugins::web {
namespace {

TEST(ContentType, ModulesAreJavaScriptSoBrowsersRunThem) {
  EXPECT_EQ(content_type_for("js/main.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("lib.mjs"), "text/javascript; charset=utf-8");
}

TEST(ContentType, KnownExtensions) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("config.json"), "application/json");
  EXPECT_EQ(content_type_for("logo.svg"), "image/svg+xml");
}

TEST(ContentType, UnknownOrMissingExtensionIsOpaqueBytes) {
  EXPECT_EQ(content_type_for("LICENSE"), "application/octet-stream");
  EXPECT_EQ(content_type_for("archive.tar.gz"), "application/octet-stream");
  EXPECT_EQ(content_type_for("page.HTML"), "application/octet-stream");
}

}  // namespace
}  // namespace processhost::plugins::web
