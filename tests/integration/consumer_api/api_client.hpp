#pragma once
// Test helpers: a running host with the consumer_api plugin and the test models, a JSON
// view of replies, polling until the engine has reached a state.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::consumer_api_integration {

using processhost::testing::Headers;
using processhost::testing::HttpReply;

inline const std::string kBase = "/api/consumer/v1";

// The models the main suites deploy (sample_process is the demo's); the event and external
// task models are deployed by their own suites.
std::vector<std::string> model_files();
std::string model_file(const std::string& name);

// One host process for a whole suite.
class RunningHost {
 public:
  // with_iam: also load the iam plugin with the test users. Throws std::runtime_error with
  // the host's output when the host does not start (a refused model included).
  explicit RunningHost(bool with_iam, std::vector<std::string> models = model_files());
  ~RunningHost();
  std::uint16_t port() const { return host_->port(); }
  std::string output() const { return host_->output(); }
  processhost::testing::HostProcess& process() { return *host_; }

 private:
  std::unique_ptr<processhost::testing::TempDir> dir_;
  std::unique_ptr<processhost::testing::HostProcess> host_;
};

// Starts a suite's host; on failure returns null and puts the reason into error, so that
// every test of the suite fails with it (an exception in SetUpTestSuite would not).
template <class... Args>
std::unique_ptr<RunningHost> start_suite_host(std::string& error, Args&&... args) {
  try {
    return std::make_unique<RunningHost>(std::forward<Args>(args)...);
  } catch (const std::exception& failure) {
    error = failure.what();
    return nullptr;
  }
}

// A parsed reply body; ADD_FAILURE when it is not JSON.
rapidjson::Document json(const HttpReply& reply);
// Serialises a value back to compact JSON (for exact shape comparisons).
std::string compact(const rapidjson::Value& value);
// The member names of an object, in order.
std::vector<std::string> keys(const rapidjson::Value& object);

// Calls probe every 50 ms until it returns true or timeout passes.
bool eventually(const std::function<bool()>& probe, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Short-hands on a fresh connection to the host, with optional extra headers.
HttpReply get(std::uint16_t port, const std::string& path, const Headers& headers = {});
HttpReply post(std::uint16_t port, const std::string& path, const std::string& body = "{}",
               const Headers& headers = {});

// GET until the list member of the reply has at least count items; returns the last reply.
HttpReply wait_for_items(std::uint16_t port, const std::string& path, const char* member, std::size_t count,
                         const Headers& headers = {});

}  // namespace processhost::consumer_api_integration
