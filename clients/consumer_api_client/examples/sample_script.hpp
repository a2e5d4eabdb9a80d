#pragma once
// The script both sample clients run, given parts they wired up their own way:
//   1. discover the host (GET /host/plugins); stop with a clear message if it has no
//      Consumer API;
//   2. log in (POST /iam/login) if the host has IAM, else call anonymously;
//   3. start sample_process with a fresh correlation id;
//   4. wait until user task UserTask_1 waits: by notification when the host has a
//      notification channel (subscribe, read the task list once, wait for the event), else
//      by polling with backoff; either with a deadline;
//   5. finish it with {"TaskWasSuccessful": true};
//   6. fetch the correlation result and print it.
// Every step is printed as one line "[program] ..."; the last line on success is
// "[program] result: <tokenPayload>". Failures are printed as "[program] failed: ...".

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "client_config.hpp"
#include "processhost/client/client_error.hpp"
#include "processhost/client/consumer_api_client.hpp"
#include "processhost/client/host_discovery.hpp"
#include "processhost/client/iam_client.hpp"
#include "processhost/client/task_waiter.hpp"

namespace processhost::client::examples {

inline constexpr std::string_view kSampleProcessModelId = "sample_process";
inline constexpr std::string_view kSampleUserTaskId = "UserTask_1";
inline constexpr std::string_view kSampleFormFields = R"({"TaskWasSuccessful":true})";

// Prints the steps of one run.
class StepPrinter {
 public:
  StepPrinter(std::ostream& out, std::string program) : out_(out), program_(std::move(program)) {}
  void step(const std::string& text);
  void failure(const ClientError& error);

 private:
  std::ostream& out_;
  std::string program_;
};

// Steps 1 and 2: the identity to call the Consumer API with. Errors: the host is
// unreachable or lacks the Consumer API; login needed but no credentials; login refused.
// What discovery found is stored in *discovered when it is not null (the host is asked once).
ClientResult<Identity> establish_identity(HttpTransport& transport, IamClient& iam,
                                          const std::optional<Credentials>& credentials, StepPrinter& printer,
                                          HostCapabilities* discovered = nullptr);

// The source the script waits with (nullptr: polling), printed as a step.
std::unique_ptr<NotificationSource> choose_notifications(const HostCapabilities& capabilities, const BaseUrl& url,
                                                         WaitPreference preference, StepPrinter& printer);

// Steps 3 to 6, waiting through notifications (polling when null). Returns the correlation
// result of the run.
ClientResult<CorrelationResult> run_sample(ConsumerApiClient& client, NotificationSource* notifications,
                                           const Identity& identity, const WaitOptions& wait, StepPrinter& printer);

// A fresh random (version 4) UUID.
std::string new_correlation_id();

}  // namespace processhost::client::examples
