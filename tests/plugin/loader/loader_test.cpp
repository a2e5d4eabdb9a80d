// The loader against real shared objects, in process: each failure mode has its own message.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "plugin_library.hpp"

namespace processhost::host {
namespace {

const std::filesystem::path kFixtures = PROCESSHOST_FIXTURE_DIR;

std::string load_error(const std::string& name, const std::filesystem::path& file) {
  try {
    load_plugin_library(name, file);
  } catch (const PluginError& error) {
    return error.what();
  }
  return "loaded";
}

std::string fixture(const std::string& name) { return (kFixtures / (name + ".so")).string(); }

TEST(PluginLibrary, LoadsAGoodPluginAndReadsItsDescriptor) {
  const PluginLibrary loaded = load_plugin_library("greeting_provider", fixture("greeting_provider"));
  ASSERT_NE(loaded.descriptor, nullptr);
  EXPECT_STREQ(loaded.descriptor->name, "greeting_provider");
  EXPECT_STREQ(loaded.descriptor->version, "2.1.0");
  EXPECT_STREQ(loaded.descriptor->provides[0], "test.greeting/1");
  EXPECT_EQ(loaded.descriptor->provides[1], nullptr);
  EXPECT_EQ(loaded.descriptor->requirements[0], nullptr);
  EXPECT_NE(loaded.descriptor->config_schema, nullptr);
  EXPECT_EQ(loaded.file, fixture("greeting_provider"));
}

TEST(PluginLibrary, MissingFile) {
  EXPECT_EQ(load_error("absent", fixture("absent")),
            "plugin 'absent' (" + fixture("absent") + "): no such file");
}

TEST(PluginLibrary, NotASharedObject) {
  const auto file = std::filesystem::temp_directory_path() / "processhost_loader_not_elf.so";
  {
    std::FILE* stream = std::fopen(file.c_str(), "w");
    std::fputs("not an ELF file\n", stream);
    std::fclose(stream);
  }
  const std::string error = load_error("not_elf", file);
  std::filesystem::remove(file);
  EXPECT_EQ(error.rfind("plugin 'not_elf' (" + file.string() + "): cannot load: ", 0), 0u) << error;
  EXPECT_EQ(error, "plugin 'not_elf' (" + file.string() + "): cannot load: " + file.string() + ": file too short");
}

TEST(PluginLibrary, MissingEntrySymbol) {
  EXPECT_EQ(load_error("no_entry", fixture("no_entry")),
            "plugin 'no_entry' (" + fixture("no_entry") +
                "): entry point not found: the library does not export 'processhost_plugin_descriptor'");
}

TEST(PluginLibrary, WrongApiVersion) {
  EXPECT_EQ(load_error("wrong_api_version", fixture("wrong_api_version")),
            "plugin 'wrong_api_version' (" + fixture("wrong_api_version") +
                "): wrong API version: got 99, supported 3");
}

TEST(PluginLibrary, WrongAbiTag) {
  EXPECT_EQ(load_error("wrong_abi_tag", fixture("wrong_abi_tag")),
            "plugin 'wrong_abi_tag' (" + fixture("wrong_abi_tag") +
                "): not binary compatible: plugin built as 'gcc0/cxx11abi0/boost100000/cplusplus201703L', host is '" +
                PROCESSHOST_ABI_TAG + "'; rebuild the plugin against this SDK");
}

TEST(PluginLibrary, NullCreateFunction) {
  EXPECT_EQ(load_error("null_create", fixture("null_create")),
            "plugin 'null_create' (" + fixture("null_create") + "): descriptor field 'create' is null");
}

TEST(PluginLibrary, NameOtherThanConfigured) {
  EXPECT_EQ(load_error("renamed", fixture("greeting_provider")),
            "plugin 'renamed' (" + fixture("greeting_provider") +
                "): the library is plugin 'greeting_provider', not 'renamed'");
}

}  // namespace
}  // namespace processhost::host
