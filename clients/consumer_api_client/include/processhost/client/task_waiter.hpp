#pragma once
// Waiting without fixed sleeps: poll a Consumer API query with exponential backoff until
// it yields what is wanted or a deadline passes.

#include <chrono>
#include <string>

#include "processhost/client/client_error.hpp"
#include "processhost/client/consumer_api_client.hpp"

namespace processhost::client {

struct WaitOptions {
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds first_delay{10};
  std::chrono::milliseconds max_delay{500};
};

// Polls the user tasks of process_model_id in correlation_id until one with BPMN id
// flow_node_id is waiting. Errors: the first failing query's error, or ErrorKind::timeout
// naming the task and how long it waited.
ClientResult<UserTask> wait_for_user_task(ConsumerApiClient& client, const Identity& identity,
                                          const std::string& process_model_id, const std::string& correlation_id,
                                          const std::string& flow_node_id, const WaitOptions& options = {});

// Polls the correlation's results for process_model_id until there is at least one.
ClientResult<CorrelationResultList> wait_for_correlation_results(ConsumerApiClient& client, const Identity& identity,
                                                                 const std::string& correlation_id,
                                                                 const std::string& process_model_id,
                                                                 const WaitOptions& options = {});

}  // namespace processhost::client
