#include "bpmn_processes.hpp"

#include <pugixml.hpp>

namespace processhost::plugins::management_api {
namespace {

std::string_view local_name(std::string_view name) {
  const auto colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

}  // namespace

Result<std::vector<std::string>> bpmn_process_ids(std::string_view xml) {
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = document.load_buffer(xml.data(), xml.size(), pugi::parse_default);
  if (!parsed) {
    return make_error(ErrorStatus::unprocessable, std::string("The BPMN document is not well-formed XML: ") +
                                                      parsed.description() + " at offset " +
                                                      std::to_string(parsed.offset) + ".");
  }
  std::vector<std::string> all;
  std::vector<std::string> executable;
  const pugi::xml_node definitions = document.document_element();
  for (const pugi::xml_node& child : definitions.children()) {
    if (local_name(child.name()) != "process") continue;
    all.emplace_back(child.attribute("id").value());
    if (std::string_view(child.attribute("isExecutable").value()) == "true") executable.push_back(all.back());
  }
  // A Camunda Modeler collaboration draws partners as pools of non-executable processes
  // beside the one that runs: only the executable ones name the document's model.
  return executable.empty() ? all : executable;
}

}  // namespace processhost::plugins::management_api
