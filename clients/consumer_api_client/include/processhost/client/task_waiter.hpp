#pragma once
// Waiting without fixed sleeps: by notification where the host has a notification channel
// (await_user_task), else by polling a Consumer API query with exponential backoff until it
// yields what is wanted or a deadline passes.

#include <chrono>
#include <string>

#include "processhost/client/client_error.hpp"
#include "processhost/client/consumer_api_client.hpp"
#include "processhost/client/notifications.hpp"

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

enum class WaitMode { notification, polling };
std::string_view to_string(WaitMode mode);  // "notification", "polling"

struct AwaitedUserTask {
  UserTask task;
  WaitMode mode = WaitMode::polling;
  // Mode notification: true when the task's user_task_waiting event ended the wait, false
  // when the task was already waiting at the first read of the list.
  bool by_event = false;
  std::string fallback_reason;  // why it polled: no source given, or the stream failed
};

// Waits until the user task flow_node_id of process_model_id in correlation_id waits, by
// notification when notifications is not null: it subscribes to the correlation first, then
// reads the task list once (a task that began waiting before the subscription is found there),
// then waits for the task's user_task_waiting event and reads the task (reading the list
// again whenever the stream says events were lost or reopened). No race: the host has the
// subscription before the list is read. When notifications is null, or the subscription
// fails (the host serves no stream, or refuses it), it polls as wait_for_user_task does and
// says why in fallback_reason. Blocks the calling thread; the subscription ends before it
// returns. Errors: as wait_for_user_task.
ClientResult<AwaitedUserTask> await_user_task(ConsumerApiClient& client, NotificationSource* notifications,
                                              const Identity& identity, const std::string& process_model_id,
                                              const std::string& correlation_id, const std::string& flow_node_id,
                                              const WaitOptions& options = {});

}  // namespace processhost::client
