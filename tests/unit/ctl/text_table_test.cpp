#include "text_table.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace processhost::ctl {
namespace {

TEST(TextTable, AlignsColumnsUnderTheirHeadings) {
  TextTable table({"MODEL", "STATE"});
  table.add({"sample_process", "running"});
  table.add({"a", "finished", "ignored extra"});
  std::ostringstream out;
  table.print(out);
  EXPECT_EQ(out.str(),
            "MODEL           STATE\n"
            "sample_process  running\n"
            "a               finished\n");
}

TEST(TextTable, SaysNoneWithoutRows) {
  TextTable table({"TASK"});
  std::ostringstream out;
  table.print(out);
  EXPECT_EQ(out.str(), "TASK\n(none)\n");
}

}  // namespace
}  // namespace processhost::ctl
