#pragma once
// The JSON shapes of Camunda 7's REST API that /engine-rest answers with: DeploymentDto
// (with its deployed definitions), ProcessDefinitionDto, ProcessInstanceWithVariablesDto,
// and the exception body {"type", "message"}. Fields ProcessHost has no notion of (tenants,
// case and decision definitions, version tags) are null, as Camunda writes them when unset.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "definition_versions.hpp"
#include "processhost/json.hpp"
#include "processhost/result.hpp"

namespace processhost::plugins::camunda_rest {

// Camunda's default date format: "2026-12-02T10:14:17.000+0000" (UTC).
std::string camunda_time(std::int64_t unix_ms);

std::string deployment_json(const DefinitionVersion& version);
// DeploymentWithDefinitionsDto: the deployment and its process definition by id.
std::string deployment_with_definitions_json(const DefinitionVersion& version);
std::string deployment_list_json(const std::vector<const DefinitionVersion*>& versions);

std::string definition_json(const DefinitionVersion& version);
std::string definition_list_json(const std::vector<const DefinitionVersion*>& versions);
// ProcessDefinitionDiagramDto: {"id", "bpmn20Xml"}.
std::string definition_xml_json(const DefinitionVersion& version);

struct StartedInstance {
  std::string id;
  std::string definition_id;
  std::optional<std::string> business_key;
  std::optional<JsonText> variables;  // VariableValueDto map, when asked for
};
std::string process_instance_json(const StartedInstance& instance);

std::string count_json(std::size_t count);

// The exception body; the type follows the status as Camunda's REST layer names it.
std::string exception_json(const Error& error);
// 400 ParseException of a deployment: the engine's problems ([{"elementId", "message"}])
// under details.<resource>.errors.
std::string parse_exception_json(const Error& error, std::string_view resource);

}  // namespace processhost::plugins::camunda_rest
