#include "processhost/engine/process_model.hpp"

namespace processhost::engine {

const std::string* FlowNode::property(std::string_view name) const {
  for (const auto& [key, value] : properties) {
    if (key == name) return &value;
  }
  return nullptr;
}

const FlowNode* ProcessModel::find(std::string_view node_id) const {
  const auto index = index_of(node_id);
  return index == kNoIndex ? nullptr : &nodes[index];
}

std::size_t ProcessModel::index_of(std::string_view node_id) const {
  const auto found = node_index.find(std::string(node_id));
  return found == node_index.end() ? kNoIndex : found->second;
}

}  // namespace processhost::engine
