#include "commands.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <pugixml.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "processhost/client/event_stream.hpp"
#include "text_table.hpp"

namespace processhost::ctl {
namespace {

constexpr const char* kManagement = "/api/management/v1";
// Every list in one answer: limit 0 means no limit (models are few).
constexpr const char* kAll = "?offset=0&limit=0";

// The first page of a list that may be long (instances, tasks): the host cuts it.
std::string first(std::size_t limit) { return "?offset=0&limit=" + std::to_string(limit); }

// Says on err how much of a list was shown when the host holds more.
void note_more(std::ostream& err, std::size_t shown, std::size_t total, const char* what) {
  if (total > shown) {
    err << "processhost-ctl: showing " << shown << " of " << total << " " << what << " (--limit N shows more)\n";
  }
}

std::size_t total_of(const rapidjson::Document& list) {
  return list.HasMember("totalCount") && list["totalCount"].IsUint64() ? list["totalCount"].GetUint64() : 0;
}

std::string text(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return {};
  auto found = object.FindMember(name);
  return found != object.MemberEnd() && found->value.IsString() ? found->value.GetString() : std::string();
}

std::string quoted(const std::string& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  return buffer.GetString();
}

// A path segment with everything but RFC 3986's unreserved characters percent-encoded.
std::string segment(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return encoded;
}

CtlResult<rapidjson::Document> get_json(CtlClient& client, const std::string& target) {
  auto body = client.call("GET", target);
  if (!body) return body.error();
  rapidjson::Document document;
  document.Parse(body.value().c_str());
  if (document.HasParseError() || !document.IsObject()) {
    return CtlFailure{kUnreachable, "the answer to GET " + target + " is not a JSON object"};
  }
  return document;
}

int fail(std::ostream& err, const CtlFailure& failure) {
  err << "processhost-ctl: " << failure.message << "\n";
  return failure.exit_code;
}

// The process id of a BPMN document: the Management API deploys one process per document.
CtlResult<std::string> process_id_of(const std::string& xml) {
  pugi::xml_document document;
  if (auto parsed = document.load_buffer(xml.data(), xml.size()); !parsed) {
    return CtlFailure{kRefused, std::string("not well-formed XML: ") + parsed.description()};
  }
  for (const auto& child : document.document_element().children()) {
    std::string_view name = child.name();
    if (name.substr(name.rfind(':') == std::string_view::npos ? 0 : name.rfind(':') + 1) == "process") {
      return std::string(child.attribute("id").value());
    }
  }
  return CtlFailure{kRefused, "the document holds no process"};
}

int deploy(const CtlOptions& options, CtlClient& client, std::ostream& out, std::ostream& err) {
  int exit_code = kSuccess;
  for (const auto& file : options.arguments) {
    std::ifstream stream(file, std::ios::binary);
    if (!stream) {
      err << "processhost-ctl: " << file << ": cannot be read\n";
      exit_code = std::max<int>(exit_code, kRefused);
      continue;
    }
    std::stringstream xml;
    xml << stream.rdbuf();
    auto id = process_id_of(xml.str());
    if (!id) {
      err << "processhost-ctl: " << file << ": " << id.error().message << "\n";
      exit_code = std::max<int>(exit_code, kRefused);
      continue;
    }
    auto deployed = client.call("POST", std::string(kManagement) + "/process_models/" + segment(id.value()) + "/update",
                                "{\"xml\":" + quoted(xml.str()) + ",\"overwriteExisting\":true}");
    if (!deployed) {
      err << "processhost-ctl: " << file << ": " << deployed.error().message << "\n";
      if (deployed.error().exit_code != kRefused) return deployed.error().exit_code;
      exit_code = std::max<int>(exit_code, kRefused);
      continue;
    }
    if (options.json) {
      out << "{\"file\":" << quoted(file) << ",\"processModelId\":" << quoted(id.value()) << "}\n";
    } else {
      out << "deployed " << id.value() << " from " << file << "\n";
    }
  }
  return exit_code;
}

int models(const CtlOptions& options, CtlClient& client, std::ostream& out, std::ostream& err) {
  auto list = get_json(client, std::string(kManagement) + "/process_models" + kAll);
  if (!list) return fail(err, list.error());
  if (options.json) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    list.value().Accept(writer);
    out << buffer.GetString() << "\n";
    return kSuccess;
  }
  TextTable table({"MODEL", "START EVENTS", "END EVENTS"});
  for (const auto& model : list.value()["processModels"].GetArray()) {
    const auto ids = [&](const char* name) {
      std::string joined;
      for (const auto& event : model[name].GetArray()) joined += (joined.empty() ? "" : ",") + text(event, "id");
      return joined;
    };
    table.add({text(model, "id"), ids("startEvents"), ids("endEvents")});
  }
  table.print(out);
  return kSuccess;
}

void print_json_array(std::ostream& out, const std::vector<const rapidjson::Value*>& items, const char* wrapper) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key(wrapper);
  writer.StartArray();
  for (const auto* item : items) item->Accept(writer);
  writer.EndArray();
  writer.Key("totalCount");
  writer.Uint64(items.size());
  writer.EndObject();
  out << buffer.GetString() << "\n";
}

int instances(const CtlOptions& options, CtlClient& client, std::ostream& out, std::ostream& err) {
  // The narrowest route the filters allow; the other filters are applied here.
  std::vector<std::string> targets;
  if (options.correlation) {
    targets.push_back("/process_instances/by_correlation/" + segment(*options.correlation));
  } else if (options.model) {
    targets.push_back("/process_instances/by_process_model/" + segment(*options.model));
  } else if (options.state) {
    targets.push_back("/process_instances/by_state/" + segment(*options.state));
  } else {
    for (const char* state : {"running", "error", "terminated", "finished"}) {
      targets.push_back(std::string("/process_instances/by_state/") + state);
    }
  }
  std::vector<rapidjson::Document> answers;
  std::size_t total = 0;
  for (const auto& target : targets) {
    auto list = get_json(client, kManagement + target + first(options.limit));
    if (!list) return fail(err, list.error());
    total += total_of(list.value());
    answers.push_back(std::move(list.value()));
  }
  std::vector<const rapidjson::Value*> selected;
  for (const auto& answer : answers) {
    for (const auto& instance : answer["processInstances"].GetArray()) {
      if (options.state && text(instance, "state") != *options.state) continue;
      if (options.model && text(instance, "processModelId") != *options.model) continue;
      selected.push_back(&instance);
    }
  }
  std::stable_sort(selected.begin(), selected.end(), [](const auto* a, const auto* b) {
    return text(*a, "createdAt") < text(*b, "createdAt");
  });
  std::size_t fetched = 0;
  for (const auto& answer : answers) fetched += answer["processInstances"].Size();
  note_more(err, fetched, total, "instances");
  if (options.json) {
    print_json_array(out, selected, "processInstances");
    return kSuccess;
  }
  TextTable table({"INSTANCE", "MODEL", "CORRELATION", "STATE", "CREATED", "FINISHED"});
  for (const auto* instance : selected) {
    table.add({text(*instance, "processInstanceId"), text(*instance, "processModelId"), text(*instance, "correlationId"),
               text(*instance, "state"), text(*instance, "createdAt"), text(*instance, "finishedAt")});
  }
  table.print(out);
  return kSuccess;
}

int terminate(const CtlOptions& options, CtlClient& client, std::ostream& out, std::ostream& err) {
  const std::string& id = options.arguments.front();
  auto done = client.call("POST", std::string(kManagement) + "/process_instance/" + segment(id) + "/terminate");
  if (!done) return fail(err, done.error());
  if (!options.json) out << "terminated " << id << "\n";
  return kSuccess;
}

int tasks(const CtlOptions& options, CtlClient& client, std::ostream& out, std::ostream& err) {
  std::string target = "/suspended_tasks";
  if (options.instance) {
    target = "/process_instances/" + segment(*options.instance) + "/tasks";
  } else if (options.model && options.correlation) {
    target = "/process_models/" + segment(*options.model) + "/correlations/" + segment(*options.correlation) + "/tasks";
  } else if (options.model) {
    target = "/process_models/" + segment(*options.model) + "/tasks";
  } else if (options.correlation) {
    target = "/correlations/" + segment(*options.correlation) + "/tasks";
  }
  auto list = get_json(client, kManagement + target + first(options.limit));
  if (!list) return fail(err, list.error());
  std::vector<const rapidjson::Value*> selected;
  for (const auto& task : list.value()["tasks"].GetArray()) selected.push_back(&task);
  note_more(err, selected.size(), total_of(list.value()), "tasks");
  if (options.json) {
    print_json_array(out, selected, "tasks");
    return kSuccess;
  }
  static const std::map<std::string, std::string> kKinds = {
      {"bpmn:UserTask", "user"}, {"bpmn:ManualTask", "manual"}, {"bpmn:Task", "empty"}};
  TextTable table({"KIND", "TASK", "NAME", "INSTANCE", "CORRELATION", "TASK INSTANCE"});
  for (const auto* task : selected) {
    const auto kind = kKinds.find(text(*task, "flowNodeType"));
    table.add({kind == kKinds.end() ? text(*task, "flowNodeType") : kind->second, text(*task, "id"),
               text(*task, "name"), text(*task, "processInstanceId"), text(*task, "correlationId"),
               text(*task, "flowNodeInstanceId")});
  }
  table.print(out);
  return kSuccess;
}

int finish(const CtlOptions& options, CtlClient& client, std::ostream& out, std::ostream& err) {
  const auto& args = options.arguments;
  static const std::map<std::string, std::string> kSegments = {
      {"user", "usertasks"}, {"manual", "manual_tasks"}, {"empty", "empty_activities"}};
  std::string body;
  if (options.kind == "user") {
    rapidjson::Document result;
    result.Parse(options.result.c_str());
    if (result.HasParseError() || !result.IsObject()) {
      return fail(err, {kUsage, "--result must be a JSON object of form field values"});
    }
    body = "{\"formFields\":" + options.result + "}";
  }
  auto done = client.call("POST", std::string(kManagement) + "/processes/" + segment(args[0]) + "/correlations/" +
                                      segment(args[1]) + "/" + kSegments.at(options.kind) + "/" + segment(args[2]) +
                                      "/finish",
                          body);
  if (!done) return fail(err, done.error());
  if (!options.json) out << "finished " << options.kind << " task " << args[2] << "\n";
  return kSuccess;
}

std::string query_string(const CtlOptions& options) {
  std::string query;
  const auto add = [&](const char* name, const std::optional<std::string>& value) {
    if (value) query += (query.empty() ? "?" : "&") + std::string(name) + "=" + segment(*value);
  };
  add("process_model_id", options.model);
  add("correlation_id", options.correlation);
  add("process_instance_id", options.instance);
  return query;
}

int watch(const CtlOptions& options, CtlClient& client, std::ostream& out, std::ostream& err) {
  std::size_t seen = 0;
  client::EventStreamRequest request;
  request.target = "/api/consumer/v1/notifications" + query_string(options);
  request.authorization = client.authorization();
  request.user_agent = "processhost-ctl";
  // watch waits as long as it is asked to; the host's comments every 15 s keep it alive.
  const auto outcome = client::follow_event_stream(
      client.base_url(), request,
      [&](const client::StreamEvent& event) {
        if (options.json) {
          out << "{\"id\":" << quoted(event.id) << ",\"event\":" << quoted(event.event) << ",\"data\":" << event.data
              << "}" << std::endl;
        } else {
          rapidjson::Document data;
          data.Parse(event.data.c_str());
          out << event.event;
          for (const char* name : {"processModelId", "processInstanceId", "correlationId", "flowNodeId"}) {
            const std::string value = text(data, name);
            if (!value.empty()) out << "  " << name << "=" << value;
          }
          out << std::endl;
        }
        return options.count == 0 || ++seen < options.count;
      });
  if (outcome.ended_by_handler) return kSuccess;
  if (outcome.status == 404) {
    return fail(err, {kNotServed, "the host serves no notification stream: is the consumer_api plugin loaded?"});
  }
  if (outcome.status != 0) return fail(err, {kRefused, std::to_string(outcome.status) + " " + outcome.error});
  return fail(err, {kUnreachable, outcome.error});
}

}  // namespace

int run_command(const CtlOptions& options, CtlClient& client, std::ostream& out, std::ostream& err) {
  using Command = std::function<int(const CtlOptions&, CtlClient&, std::ostream&, std::ostream&)>;
  static const std::map<std::string, Command> kCommands = {
      {"deploy", deploy}, {"models", models},       {"instances", instances}, {"terminate", terminate},
      {"tasks", tasks},   {"finish", finish},       {"watch", watch},
  };
  return kCommands.at(options.command)(options, client, out, err);
}

}  // namespace processhost::ctl
