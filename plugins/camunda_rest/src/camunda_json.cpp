#include "camunda_json.hpp"

#include <cstdio>
#include <ctime>
#include <initializer_list>

#include <rapidjson/document.h>

#include "plugin_common/http_api/json_writer.hpp"

namespace processhost::plugins::camunda_rest {
namespace {

using namespace http_api::json_writer;  // NOLINT(google-build-using-namespace): the writer helpers

void null_members(Writer& writer, std::initializer_list<std::string_view> names) {
  for (auto name : names) {
    null_field(writer, name);
  }
}

void write_definition(Writer& writer, const DefinitionVersion& version) {
  writer.StartObject();
  field(writer, "id", version.id());
  field(writer, "key", version.key);
  null_members(writer, {"category", "description", "name"});
  key(writer, "version");
  writer.Int(version.version);
  field(writer, "resource", version.key + ".bpmn");
  field(writer, "deploymentId", version.deployment_id());
  null_members(writer, {"diagram"});
  key(writer, "suspended");
  writer.Bool(false);
  null_members(writer, {"tenantId", "versionTag", "historyTimeToLive"});
  key(writer, "startableInTasklist");
  writer.Bool(true);
  writer.EndObject();
}

void write_deployment_fields(Writer& writer, const DefinitionVersion& version) {
  key(writer, "links");
  writer.StartArray();
  writer.EndArray();
  field(writer, "id", version.deployment_id());
  // ProcessHost keeps no deployment name: a deployment holds one process, named by its key.
  field(writer, "name", version.key);
  null_members(writer, {"source", "tenantId"});
  field(writer, "deploymentTime", camunda_time(version.deployed_at_ms));
}


std::string_view exception_type(ErrorStatus status) {
  switch (status) {
    case ErrorStatus::unauthorized:
    case ErrorStatus::forbidden:
      return "AuthorizationException";
    case ErrorStatus::bad_request:
    case ErrorStatus::not_found:
    case ErrorStatus::unprocessable:
      return "InvalidRequestException";
    default:
      return "RestException";
  }
}

}  // namespace

std::string camunda_time(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  const auto length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char millis[16];
  std::snprintf(millis, sizeof millis, ".%03d+0000", static_cast<int>(unix_ms % 1000));
  return std::string(text, length) + millis;
}

std::string deployment_json(const DefinitionVersion& version) {
  return render([&](Writer& writer) {
    writer.StartObject();
    write_deployment_fields(writer, version);
    writer.EndObject();
  });
}

std::string deployment_with_definitions_json(const DefinitionVersion& version) {
  return render([&](Writer& writer) {
    writer.StartObject();
    write_deployment_fields(writer, version);
    key(writer, "deployedProcessDefinitions");
    writer.StartObject();
    key(writer, version.id());
    write_definition(writer, version);
    writer.EndObject();
    null_members(writer, {"deployedCaseDefinitions", "deployedDecisionDefinitions",
                          "deployedDecisionRequirementsDefinitions"});
    writer.EndObject();
  });
}

std::string deployment_list_json(const std::vector<const DefinitionVersion*>& versions) {
  return render([&](Writer& writer) {
    writer.StartArray();
    for (const auto* version : versions) {
      writer.StartObject();
      write_deployment_fields(writer, *version);
      writer.EndObject();
    }
    writer.EndArray();
  });
}

std::string definition_json(const DefinitionVersion& version) {
  return render([&](Writer& writer) { write_definition(writer, version); });
}

std::string definition_list_json(const std::vector<const DefinitionVersion*>& versions) {
  return render([&](Writer& writer) {
    writer.StartArray();
    for (const auto* version : versions) write_definition(writer, *version);
    writer.EndArray();
  });
}

std::string definition_xml_json(const DefinitionVersion& version) {
  return render([&](Writer& writer) {
    writer.StartObject();
    field(writer, "id", version.id());
    field(writer, "bpmn20Xml", version.xml);
    writer.EndObject();
  });
}

std::string process_instance_json(const StartedInstance& instance) {
  return render([&](Writer& writer) {
    writer.StartObject();
    key(writer, "links");
    writer.StartArray();
    writer.EndArray();
    field(writer, "id", instance.id);
    field(writer, "definitionId", instance.definition_id);
    key(writer, "businessKey");
    if (instance.business_key) {
      string(writer, *instance.business_key);
    } else {
      writer.Null();
    }
    null_members(writer, {"caseInstanceId"});
    key(writer, "ended");
    writer.Bool(false);
    key(writer, "suspended");
    writer.Bool(false);
    null_members(writer, {"tenantId"});
    if (instance.variables) {
      key(writer, "variables");
      writer.RawValue(instance.variables->data(), instance.variables->size(), rapidjson::kObjectType);
    }
    writer.EndObject();
  });
}

std::string count_json(std::size_t count) {
  return render([&](Writer& writer) {
    writer.StartObject();
    key(writer, "count");
    writer.Uint64(count);
    writer.EndObject();
  });
}

std::string exception_json(const Error& error) {
  return render([&](Writer& writer) {
    writer.StartObject();
    field(writer, "type", exception_type(error.status));
    field(writer, "message", error.message);
    writer.EndObject();
  });
}

std::string parse_exception_json(const Error& error, std::string_view resource) {
  rapidjson::Document problems;
  problems.Parse(error.additional_information.c_str());
  return render([&](Writer& writer) {
    writer.StartObject();
    field(writer, "type", "ParseException");
    field(writer, "message", error.message);
    key(writer, "details");
    writer.StartObject();
    key(writer, resource);
    writer.StartObject();
    key(writer, "errors");
    writer.StartArray();
    if (!problems.HasParseError() && problems.IsArray()) {
      for (const auto& problem : problems.GetArray()) {
        if (!problem.IsObject()) continue;
        const auto text = [&](const char* name) -> std::string_view {
          auto found = problem.FindMember(name);
          return found != problem.MemberEnd() && found->value.IsString()
                     ? std::string_view(found->value.GetString(), found->value.GetStringLength())
                     : std::string_view();
        };
        writer.StartObject();
        field(writer, "message", text("message"));
        key(writer, "line");
        writer.Int(0);
        key(writer, "column");
        writer.Int(0);
        field(writer, "mainElementId", text("elementId"));
        key(writer, "elementIds");
        writer.StartArray();
        if (!text("elementId").empty()) string(writer, text("elementId"));
        writer.EndArray();
        writer.EndObject();
      }
    }
    writer.EndArray();
    key(writer, "warnings");
    writer.StartArray();
    writer.EndArray();
    writer.EndObject();
    writer.EndObject();
    writer.EndObject();
  });
}

}  // namespace processhost::plugins::camunda_rest
