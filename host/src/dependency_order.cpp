#include "dependency_order.hpp"

#include <algorithm>
#include <map>

namespace processhost::host {
namespace {

std::string describe(const DependencyNode& node) {
  return node.file.empty() ? "'" + node.name + "'" : "'" + node.name + "' (" + node.file + ")";
}

enum class Mark { none, visiting, done };

class Sorter {
 public:
  Sorter(const std::vector<DependencyNode>& nodes, const std::map<std::string, std::size_t>& providers)
      : nodes_(nodes), providers_(providers), marks_(nodes.size(), Mark::none) {}

  std::vector<std::size_t> run() {
    for (std::size_t index = 0; index < nodes_.size(); ++index) visit(index);
    return order_;
  }

 private:
  void visit(std::size_t index) {
    if (marks_[index] == Mark::done) return;
    if (marks_[index] == Mark::visiting) throw DependencyError(cycle_text(index));
    marks_[index] = Mark::visiting;
    path_.push_back(index);
    for (const auto& service : nodes_[index].requires_services) visit(providers_.at(service));
    path_.pop_back();
    marks_[index] = Mark::done;
    order_.push_back(index);
  }

  std::string cycle_text(std::size_t repeated) const {
    const auto start = std::find(path_.begin(), path_.end(), repeated);
    std::string text = "dependency cycle: ";
    for (auto it = start; it != path_.end(); ++it) text += "'" + nodes_[*it].name + "' -> ";
    return text + "'" + nodes_[repeated].name + "'";
  }

  const std::vector<DependencyNode>& nodes_;
  const std::map<std::string, std::size_t>& providers_;
  std::vector<Mark> marks_;
  std::vector<std::size_t> path_;
  std::vector<std::size_t> order_;
};

}  // namespace

std::vector<std::size_t> order_by_dependencies(const std::vector<DependencyNode>& nodes) {
  std::map<std::string, std::size_t> providers;
  for (std::size_t index = 0; index < nodes.size(); ++index) {
    for (const auto& service : nodes[index].provides) {
      const auto [existing, added] = providers.emplace(service, index);
      if (!added && existing->second != index) {
        throw DependencyError("service '" + service + "' is provided by both " + describe(nodes[existing->second]) +
                              " and " + describe(nodes[index]));
      }
    }
  }
  for (const auto& node : nodes) {
    for (const auto& service : node.requires_services) {
      if (providers.count(service) == 0) {
        throw DependencyError("plugin " + describe(node) + " requires service '" + service +
                              "', which no loaded plugin provides");
      }
    }
  }
  return Sorter(nodes, providers).run();
}

}  // namespace processhost::host
