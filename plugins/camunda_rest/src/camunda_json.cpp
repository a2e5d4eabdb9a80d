#include "camunda_json.hpp"

#include <cstdio>
#include <ctime>
#include <initializer_list>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace processhost::plugins::camunda_rest {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void string(Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void member(Writer& writer, std::string_view name, std::string_view value) {
  string(writer, name);
  string(writer, value);
}

void null_members(Writer& writer, std::initializer_list<std::string_view> names) {
  for (auto name : names) {
    string(writer, name);
    writer.Null();
  }
}

void write_definition(Writer& writer, const DefinitionVersion& version) {
  writer.StartObject();
  member(writer, "id", version.id());
  member(writer, "key", version.key);
  null_members(writer, {"category", "description", "name"});
  string(writer, "version");
  writer.Int(version.version);
  member(writer, "resource", version.key + ".bpmn");
  member(writer, "deploymentId", version.deployment_id());
  null_members(writer, {"diagram"});
  string(writer, "suspended");
  writer.Bool(false);
  null_members(writer, {"tenantId", "versionTag", "historyTimeToLive"});
  string(writer, "startableInTasklist");
  writer.Bool(true);
  writer.EndObject();
}

void write_deployment_fields(Writer& writer, const DefinitionVersion& version) {
  string(writer, "links");
  writer.StartArray();
  writer.EndArray();
  member(writer, "id", version.deployment_id());
  // ProcessHost keeps no deployment name: a deployment holds one process, named by its key.
  member(writer, "name", version.key);
  null_members(writer, {"source", "tenantId"});
  member(writer, "deploymentTime", camunda_time(version.deployed_at_ms));
}

template <class Fill>
std::string render(Fill fill) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  fill(writer);
  return {buffer.GetString(), buffer.GetSize()};
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
    string(writer, "deployedProcessDefinitions");
    writer.StartObject();
    string(writer, version.id());
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
    member(writer, "id", version.id());
    member(writer, "bpmn20Xml", version.xml);
    writer.EndObject();
  });
}

std::string process_instance_json(const StartedInstance& instance) {
  return render([&](Writer& writer) {
    writer.StartObject();
    string(writer, "links");
    writer.StartArray();
    writer.EndArray();
    member(writer, "id", instance.id);
    member(writer, "definitionId", instance.definition_id);
    string(writer, "businessKey");
    if (instance.business_key) {
      string(writer, *instance.business_key);
    } else {
      writer.Null();
    }
    null_members(writer, {"caseInstanceId"});
    string(writer, "ended");
    writer.Bool(false);
    string(writer, "suspended");
    writer.Bool(false);
    null_members(writer, {"tenantId"});
    if (instance.variables) {
      string(writer, "variables");
      writer.RawValue(instance.variables->data(), instance.variables->size(), rapidjson::kObjectType);
    }
    writer.EndObject();
  });
}

std::string count_json(std::size_t count) {
  return render([&](Writer& writer) {
    writer.StartObject();
    string(writer, "count");
    writer.Uint64(count);
    writer.EndObject();
  });
}

std::string exception_json(const Error& error) {
  return render([&](Writer& writer) {
    writer.StartObject();
    member(writer, "type", exception_type(error.status));
    member(writer, "message", error.message);
    writer.EndObject();
  });
}

std::string parse_exception_json(const Error& error, std::string_view resource) {
  rapidjson::Document problems;
  problems.Parse(error.additional_information.c_str());
  return render([&](Writer& writer) {
    writer.StartObject();
    member(writer, "type", "ParseException");
    member(writer, "message", error.message);
    string(writer, "details");
    writer.StartObject();
    string(writer, resource);
    writer.StartObject();
    string(writer, "errors");
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
        member(writer, "message", text("message"));
        string(writer, "line");
        writer.Int(0);
        string(writer, "column");
        writer.Int(0);
        member(writer, "mainElementId", text("elementId"));
        string(writer, "elementIds");
        writer.StartArray();
        if (!text("elementId").empty()) string(writer, text("elementId"));
        writer.EndArray();
        writer.EndObject();
      }
    }
    writer.EndArray();
    string(writer, "warnings");
    writer.StartArray();
    writer.EndArray();
    writer.EndObject();
    writer.EndObject();
    writer.EndObject();
  });
}

}  // namespace processhost::plugins::camunda_rest
