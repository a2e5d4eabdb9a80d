#include <stdexcept>
#include <utility>

#include "processhost/testing/host_cluster.hpp"

namespace processhost::testing {

RoundRobinClient::RoundRobinClient(std::vector<std::uint16_t> ports, Headers headers, std::chrono::milliseconds timeout)
    : ports_(std::move(ports)), headers_(std::move(headers)), timeout_(timeout) {
  if (ports_.empty()) throw std::invalid_argument("RoundRobinClient: no host");
  connections_.resize(ports_.size());
}

RoundRobinClient::~RoundRobinClient() = default;

HttpClient& RoundRobinClient::connection(std::size_t host) {
  auto& client = connections_.at(host);
  if (!client) client = std::make_unique<HttpClient>(ports_[host], "127.0.0.1", timeout_);
  return *client;
}

HttpReply RoundRobinClient::request(std::string_view method, std::string_view target, std::string_view body,
                                    const Headers& headers) {
  const std::size_t host = next_;
  next_ = (next_ + 1) % ports_.size();
  return request_to(host, method, target, body, headers);
}

HttpReply RoundRobinClient::request_to(std::size_t host, std::string_view method, std::string_view target,
                                       std::string_view body, const Headers& headers) {
  Headers all = headers_;
  all.insert(all.end(), headers.begin(), headers.end());
  if (!body.empty()) {
    bool typed = false;
    for (const auto& [name, value] : all) typed = typed || name == "Content-Type" || name == "content-type";
    if (!typed) all.emplace_back("Content-Type", "application/json");
  }
  last_ = host;
  try {
    return connection(host).request(method, target, body, all);
  } catch (const HttpClientError&) {
    // Not sent again: the request may have reached the host. The next one gets a new
    // connection.
    connections_.at(host).reset();
    throw;
  }
}

}  // namespace processhost::testing
