#pragma once
// The answers flow_bench expects at each step of the sample flow (config/demo/processes/
// sample_process.bpmn over the Consumer API), checked in full: a flow counts as complete
// only when every answer is the one the sample process gives. Pure functions of status and
// body; no I/O.

#include <string>

namespace processhost::bench {

// One step's verdict: the value the next step needs, or why the answer is not the expected one.
struct Checked {
  std::string value;
  // Empty when the answer is the expected one; otherwise a short reason ("status 500",
  // "body differs") that failures are counted by.
  std::string failure;

  explicit operator bool() const { return failure.empty(); }
};

// start (callback type 1): 200 with exactly {"correlationId": correlation, "processInstanceId": id};
// value is the instance id.
Checked check_started(int status, const std::string& body, const std::string& correlation);

// The correlation's user tasks: 200, exactly one task, UserTask_1 of this instance and
// correlation; value is its flowNodeInstanceId.
Checked check_user_tasks(int status, const std::string& body, const std::string& correlation,
                         const std::string& instance);

// finish: 204 with an empty body.
Checked check_finished(int status, const std::string& body);

// The correlation's results equal, as JSON, the one result the sample gives:
// {"correlationResults":[{"correlationId": correlation, "endEventId":"EndEvent_Success",
//  "tokenPayload":{"form_fields":{"TaskWasSuccessful":true}}}],"totalCount":1}.
Checked check_result(int status, const std::string& body, const std::string& correlation);

}  // namespace processhost::bench
