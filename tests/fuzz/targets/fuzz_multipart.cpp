// libFuzzer target: every input goes to processhost::fuzz::multipart_form (entries/fuzz_entries.hpp).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  processhost::fuzz::multipart_form(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
