#include "ctl_client.hpp"

#include <rapidjson/document.h>

#include "processhost/client/iam_client.hpp"

namespace processhost::ctl {
namespace {

// The "message" of an error body, or the body itself when it has none.
std::string error_message(const std::string& body) {
  rapidjson::Document document;
  document.Parse(body.c_str());
  if (!document.HasParseError() && document.IsObject() && document.HasMember("message") &&
      document["message"].IsString()) {
    return document["message"].GetString();
  }
  return body;
}

CtlFailure unreachable(const client::ClientError& error) { return {kUnreachable, error.describe()}; }

}  // namespace

CtlClient::CtlClient(std::unique_ptr<client::HttpTransport> transport, std::string authorization)
    : transport_(std::move(transport)), authorization_(std::move(authorization)) {}

CtlResult<std::unique_ptr<CtlClient>> CtlClient::connect(const CtlOptions& options) {
  auto url = client::BaseUrl::parse(options.url);
  if (!url) return CtlFailure{kUsage, "--url: " + url.error().message};
  auto transport = std::make_unique<client::BeastHttpTransport>(std::move(url.value()));
  std::string authorization;
  if (options.token) {
    authorization = "Bearer " + *options.token;
  } else if (options.user) {
    if (!options.password) return CtlFailure{kUsage, "--user needs --password (or PROCESSHOST_PASSWORD)"};
    client::IamClient iam(*transport);
    auto login = iam.login({*options.user, *options.password});
    if (!login) {
      const auto& error = login.error();
      if (error.kind != client::ErrorKind::http) return unreachable(error);
      return CtlFailure{error.status == 404 ? kNotServed : kRefused,
                        "login as '" + *options.user + "' failed: " + std::to_string(error.status) + " " +
                            (error.status == 404 ? "(the host has no iam plugin)" : error.message)};
    }
    authorization = "Bearer " + login.value().identity.token;
  }
  return std::unique_ptr<CtlClient>(new CtlClient(std::move(transport), std::move(authorization)));
}

CtlResult<std::string> CtlClient::call(const std::string& method, const std::string& target, const std::string& body) {
  client::HttpCall request{method, target, {}, body};
  if (!authorization_.empty()) request.headers.emplace_back("Authorization", authorization_);
  auto reply = transport_->send(request);
  if (!reply) return unreachable(reply.error());
  const auto& answer = reply.value();
  if (answer.status / 100 == 2) return answer.body;
  const std::string message = error_message(answer.body);
  // The host's router answers a path no plugin registered with "no route for ...".
  if (answer.status == 404 && message.rfind("no route for ", 0) == 0) {
    return CtlFailure{kNotServed, "the host does not serve " + method + " " + target.substr(0, target.find('?')) +
                                      ": is the plugin that serves it loaded? (GET /host/plugins lists them)"};
  }
  return CtlFailure{kRefused, std::to_string(answer.status) + " " + message};
}

}  // namespace processhost::ctl
