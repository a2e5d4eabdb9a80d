#include "asset_response.hpp"

#include <gtest/gtest.h>

namespace processhost::plugins::web {
namespace {

std::string header_of(const HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

StaticAsset script() { return StaticAsset{"text/javascript; charset=utf-8", "export {};", "\"abc-10\""}; }

TEST(AssetResponse, AppFilesAreRevalidatedEachLoad) {
  const HttpResponse response = asset_response(HttpRequest{}, "js/main.js", script());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "export {};");
  EXPECT_EQ(header_of(response, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(header_of(response, "Cache-Control"), "no-cache");
  EXPECT_EQ(header_of(response, "ETag"), "\"abc-10\"");
  EXPECT_EQ(header_of(response, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header_of(response, "Content-Security-Policy"), "<absent>");
}

TEST(AssetResponse, VendoredFilesAreCachedForADay) {
  const HttpResponse response = asset_response(HttpRequest{}, "vendor/bpmn-js/bpmn-viewer.production.min.js", script());
  EXPECT_EQ(header_of(response, "Cache-Control"), "public, max-age=86400");
}

TEST(AssetResponse, CurrentBrowserCopyIsNotModified) {
  HttpRequest request;
  request.headers.emplace_back("if-none-match", "\"old-1\", \"abc-10\"");
  const HttpResponse response = asset_response(request, "js/main.js", script());
  EXPECT_EQ(response.status, 304);
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(header_of(response, "ETag"), "\"abc-10\"");
}

TEST(AssetResponse, StaleBrowserCopyGetsTheBody) {
  HttpRequest request;
  request.headers.emplace_back("if-none-match", "\"old-1\"");
  EXPECT_EQ(asset_response(request, "js/main.js", script()).status, 200);
}

TEST(AssetResponse, IndexCarriesTheContentSecurityPolicy) {
  const HttpResponse response =
      asset_response(HttpRequest{}, "index.html", StaticAsset{"text/html; charset=utf-8", "<html>", "\"x-6\""});
  EXPECT_NE(header_of(response, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(header_of(response, "Referrer-Policy"), "no-referrer");
}

}  // namespace
}  // namespace processhost::plugins::web
