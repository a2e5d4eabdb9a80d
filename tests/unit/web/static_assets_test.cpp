#include "static_assets.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

namespace processhost::plugins::web {
namespace {

class StaticAssetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("web-assets-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(root_ / "js");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void write(const std::filesystem::path& relative, const std::string& text) {
    std::filesystem::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative, std::ios::binary) << text;
  }
  std::filesystem::path root_;
};

TEST_F(StaticAssetsTest, ReadsEveryFileWithItsTypeAndTag) {
  write("index.html", "<!doctype html>");
  write("js/main.js", "export {};");
  const auto assets = load_static_assets(root_);
  ASSERT_EQ(assets.size(), 2u);
  EXPECT_EQ(assets.at("index.html").body, "<!doctype html>");
  EXPECT_EQ(assets.at("index.html").content_type, "text/html; charset=utf-8");
  EXPECT_EQ(assets.at("js/main.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(assets.at("js/main.js").etag.front(), '"');
  EXPECT_EQ(assets.at("js/main.js").etag.back(), '"');
  EXPECT_NE(assets.at("js/main.js").etag, assets.at("index.html").etag);
}

TEST_F(StaticAssetsTest, SameContentSameTagOtherContentOtherTag) {
  write("index.html", "a");
  write("one.js", "same");
  write("two.js", "same");
  write("three.js", "other");
  const auto assets = load_static_assets(root_);
  EXPECT_EQ(assets.at("one.js").etag, assets.at("two.js").etag);
  EXPECT_NE(assets.at("one.js").etag, assets.at("three.js").etag);
}

TEST_F(StaticAssetsTest, SkipsHiddenFilesAndSymbolicLinks) {
  write("index.html", "a");
  write(".secret", "x");
  write(".git/config", "x");
  const auto outside = root_.parent_path() / (root_.filename().string() + "-outside.txt");
  std::ofstream(outside) << "outside";
  std::filesystem::create_symlink(outside, root_ / "link.txt");
  std::filesystem::create_directory_symlink("/etc", root_ / "etc");
  const auto assets = load_static_assets(root_);
  std::filesystem::remove(outside);
  ASSERT_EQ(assets.size(), 1u);
  EXPECT_EQ(assets.begin()->first, "index.html");
}

TEST_F(StaticAssetsTest, MissingFolderOrIndexIsAConfigureError) {
  EXPECT_THROW(load_static_assets(root_ / "nope"), std::runtime_error);
  write("js/main.js", "export {};");
  try {
    load_static_assets(root_);
    FAIL() << "no index.html accepted";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("holds no index.html"), std::string::npos);
  }
}

}  // namespace
}  // namespace processhost::plugins::web
