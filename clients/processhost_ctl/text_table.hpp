#pragma once
// Rows printed as columns aligned under their headings, for people reading a terminal.

#include <ostream>
#include <string>
#include <vector>

namespace processhost::ctl {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headings);
  void add(std::vector<std::string> row);
  // Headings and rows, columns two spaces apart; "(none)" under the headings without rows.
  void print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;  // the headings first
};

}  // namespace processhost::ctl
