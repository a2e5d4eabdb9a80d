// The routes the host serves itself: liveness, readiness and what this host offers.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "host.hpp"
#include "processhost/plugin.hpp"

namespace processhost::host {
namespace {

void write_list(rapidjson::Writer<rapidjson::StringBuffer>& writer, const std::vector<std::string>& items) {
  writer.StartArray();
  for (const auto& item : items) writer.String(item.c_str(), static_cast<rapidjson::SizeType>(item.size()));
  writer.EndArray();
}

void write_string(rapidjson::Writer<rapidjson::StringBuffer>& writer, const char* key, const std::string& value) {
  writer.Key(key);
  writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

std::string Host::describe_json() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("host");
  writer.StartObject();
  write_string(writer, "name", "processhost");
  write_string(writer, "version", PROCESSHOST_VERSION);
  writer.Key("apiVersion");
  writer.Uint(kPluginApiVersion);
  write_string(writer, "abiTag", PROCESSHOST_ABI_TAG);
  writer.EndObject();
  writer.Key("ready");
  writer.Bool(ready());
  writer.Key("plugins");
  writer.StartArray();
  for (const auto& node : nodes_) {
    const NodeInfo& info = node->info();
    writer.StartObject();
    write_string(writer, "name", info.name);
    write_string(writer, "version", info.version);
    writer.Key("builtIn");
    writer.Bool(info.library.empty());
    writer.Key("library");
    if (info.library.empty()) {
      writer.Null();
    } else {
      writer.String(info.library.c_str(), static_cast<rapidjson::SizeType>(info.library.size()));
    }
    writer.Key("provides");
    write_list(writer, info.provides);
    writer.Key("requires");
    write_list(writer, info.requires_services);
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("services");
  writer.StartObject();
  for (const auto& node : nodes_) {
    for (const auto& service : node->info().provides) {
      writer.Key(service.c_str(), static_cast<rapidjson::SizeType>(service.size()));
      writer.String(node->info().name.c_str(), static_cast<rapidjson::SizeType>(node->info().name.size()));
    }
  }
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void Host::add_host_routes() {
  routes_.add("host", "GET", "/health", [](HttpRequest, std::shared_ptr<Responder> responder) {
    responder->respond(HttpResponse::json(200, R"({"status":"ok"})"));
  });
  routes_.add("host", "GET", "/ready", [this](HttpRequest, std::shared_ptr<Responder> responder) {
    if (ready()) {
      responder->respond(HttpResponse::json(200, R"({"status":"ready"})"));
    } else {
      responder->respond(HttpResponse::error(ErrorStatus::unavailable, "the host is not ready"));
    }
  });
  // The node list is fixed once start() begins; reading it from I/O threads is safe.
  routes_.add("host", "GET", "/host/plugins", [this](HttpRequest, std::shared_ptr<Responder> responder) {
    responder->respond(HttpResponse::json(200, describe_json()));
  });
  // Prometheus scrapes: every metric of the host and its plugins (docs/operations.md).
  routes_.add("host", "GET", "/metrics", [this](HttpRequest, std::shared_ptr<Responder> responder) {
    HttpResponse response;
    response.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.body = metrics_.render();
    responder->respond(std::move(response));
  });
  // Every file of the config's processModels: deployed, or failed with every problem.
  routes_.add("host", "GET", "/host/process_models", [this](HttpRequest, std::shared_ptr<Responder> responder) {
    responder->respond(HttpResponse::json(200, model_files_.to_json()));
  });
}

}  // namespace processhost::host
