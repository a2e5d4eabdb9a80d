#pragma once
// Orders the nodes of the host (plugins and built-in parts) so that every node starts
// after the providers of the services it requires.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace processhost::host {

struct DependencyNode {
  std::string name;
  std::string file;  // shown in messages; empty for built-in nodes
  std::vector<std::string> provides;
  std::vector<std::string> requires_services;
};

class DependencyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Returns indexes into nodes, providers first; ties keep config order. Throws
// DependencyError for a service provided twice, a required service nobody provides
// (naming the consumer and the id) and a cycle (naming the plugins on it).
std::vector<std::size_t> order_by_dependencies(const std::vector<DependencyNode>& nodes);

}  // namespace processhost::host
