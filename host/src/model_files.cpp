#include "model_files.hpp"

#include <fstream>
#include <sstream>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "processhost/engine/engine.hpp"
#include "processhost/json.hpp"

namespace processhost::host {

void ModelFileReport::add(ModelFileOutcome outcome) {
  std::lock_guard lock(mutex_);
  outcomes_.push_back(std::move(outcome));
}

std::vector<ModelFileOutcome> ModelFileReport::outcomes() const {
  std::lock_guard lock(mutex_);
  return outcomes_;
}

std::string ModelFileReport::to_json() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("processModels");
  writer.StartArray();
  for (const auto& outcome : outcomes()) {
    writer.StartObject();
    writer.Key("file");
    writer.String(outcome.file.string());
    writer.Key("state");
    writer.String(outcome.deployed ? "deployed" : "failed");
    if (outcome.deployed) {
      writer.Key("id");
      writer.String(outcome.id);
      writer.Key("hash");
      writer.String(outcome.hash);
    } else {
      writer.Key("problems");
      writer.StartArray();
      for (const auto& problem : outcome.problems) {
        writer.StartObject();
        writer.Key("elementId");
        writer.String(problem.element_id);
        writer.Key("message");
        writer.String(problem.message);
        writer.EndObject();
      }
      writer.EndArray();
    }
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::vector<ModelProblemInfo> check_model_file(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) return {{"", "cannot read the file"}};
  std::ostringstream xml;
  xml << stream.rdbuf();
  const auto outcome = engine::validate_process_model(xml.str());
  std::vector<ModelProblemInfo> problems;
  for (const auto& problem : outcome.problems) problems.push_back({problem.element_id, problem.message});
  return problems;
}

std::vector<ModelProblemInfo> problems_of(const std::string& message, const std::string& additional_information) {
  std::vector<ModelProblemInfo> problems;
  rapidjson::Document document;
  if (!additional_information.empty() && !json_parse(additional_information, document) && document.IsArray()) {
    for (const auto& entry : document.GetArray()) {
      if (!entry.IsObject()) continue;
      const auto element = entry.FindMember("elementId");
      const auto text = entry.FindMember("message");
      if (text == entry.MemberEnd() || !text->value.IsString()) continue;
      problems.push_back({element != entry.MemberEnd() && element->value.IsString() ? element->value.GetString() : "",
                          text->value.GetString()});
    }
  }
  if (problems.empty()) problems.push_back({"", message});
  return problems;
}

std::string describe(const ModelProblemInfo& problem) {
  return problem.element_id.empty() ? problem.message : "'" + problem.element_id + "': " + problem.message;
}

}  // namespace processhost::host
