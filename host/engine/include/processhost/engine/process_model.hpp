#pragma once
// The immutable, validated model of one executable BPMN process. Built by parse_bpmn();
// shared read-only between threads (std::shared_ptr<const ProcessModel>).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace processhost::engine {

// What the runtime does with a node; one behaviour per kind (see src/behaviours/behaviours.cpp).
enum class NodeKind {
  start_event,
  end_event,
  intermediate_throw_event,
  intermediate_catch_event,
  boundary_event,
  user_task,
  manual_task,
  empty_activity,
  script_task,
  service_task,
  send_task,
  receive_task,
  exclusive_gateway,
  parallel_gateway,
  inclusive_gateway,
  event_based_gateway,
  sub_process,
  call_activity,
};

enum class EventDefinition { none, terminate, error, message, signal, timer, link, escalation, compensation, conditional };

enum class TimerKind { none, duration, date, cycle };

inline constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

// A JavaScript snippet of the model, compiled once per worker thread and cached by id.
struct Script {
  std::size_t id = 0;  // process-wide unique; key of the compiled-function cache
  std::string source;  // a function body (conditions are "return <expr>")
  bool uses_token = true;  // false when the source never names token, this or identity
  // Set at deploy when the runtime cannot compile source (script tasks only): the model is
  // accepted and every run of the script fails with this SyntaxError, as a script error.
  std::string compile_error;
};

// A value that may be an expression "${...}": evaluated against the token when used.
struct ExpressionValue {
  std::string text;              // as written
  std::optional<Script> script;  // set when text is a whole "${...}" expression
};

// camunda:inputParameter / camunda:outputParameter: a name and how its value is made.
struct IoParameter {
  std::string name;
  std::string constant = "null";  // the value (JSON) when script is unset: text, or null when empty
  std::optional<Script> script;   // ${...}, or a camunda:list / camunda:map holding expressions
};

struct FormFieldDefinition {
  std::string id;
  std::string type;
  std::optional<ExpressionValue> label;
  std::optional<ExpressionValue> default_value;
  std::optional<ExpressionValue> preferred_control;
  std::vector<std::pair<std::string, std::string>> enum_values;  // id, name
  std::vector<std::pair<std::string, std::string>> properties;
  std::vector<std::pair<std::string, std::string>> validation;  // camunda:constraint name, config
};

struct BpmnErrorDefinition {
  std::string code;
  std::string name;
  std::string message;
};

// A bpmn:escalation: throw events raise its code; a boundary event without one (empty code)
// catches every escalation.
struct BpmnEscalationDefinition {
  std::string code;
  std::string name;
};

// multiInstanceLoopCharacteristics or standardLoopCharacteristics of an activity.
struct LoopDefinition {
  bool multi_instance = true;  // false: a standard loop
  bool sequential = false;     // multi-instance: one instance after the other
  std::optional<Script> cardinality;  // loopCardinality: how many instances
  std::optional<Script> collection;   // camunda:collection: one instance per item
  std::string element_variable;       // camunda:elementVariable: the item's variable name
  // Multi-instance: completionCondition; standard loop: loopCondition (repeat while true).
  std::optional<Script> condition;
  bool test_before = false;  // standard loop: check loopCondition before the first run too
  long long maximum = 0;     // standard loop: loopMaximum, 0: none
};

struct FlowNode {
  std::string id;
  std::string name;
  std::string bpmn_type;  // "bpmn:UserTask", ...
  NodeKind kind = NodeKind::empty_activity;
  EventDefinition event = EventDefinition::none;
  // Link events: the linkEventDefinition's name; message / signal events, send and receive
  // tasks: the name of the referenced bpmn:message / bpmn:signal.
  std::string event_name;
  TimerKind timer = TimerKind::none;  // timer events: which of timeDuration, timeDate, timeCycle
  std::string timer_value;            // as written, trimmed
  std::optional<Script> timer_script;  // set when timer_value is "${...}": evaluated when armed
  std::optional<Script> input_values;  // camunda:property inputValues, a JS expression
  std::string called_element;            // call activity: the called process model id
  // Call activity, external service task: camunda:property payload, a JS expression.
  std::optional<Script> call_payload;
  bool external = false;              // service task with camunda:type="external"
  std::string topic;                  // external service task: camunda:topic as written
  std::optional<Script> topic_script;  // set when the topic refers to the token
  std::optional<Script> params_script;  // internal service task: camunda:property params
  std::string lane;  // innermost lane name, empty: none
  std::string documentation;
  std::size_t parent = kNoIndex;  // enclosing sub-process node, kNoIndex: the process
  std::vector<std::size_t> incoming;  // flow indices
  std::vector<std::size_t> outgoing;  // flow indices
  std::size_t default_flow = kNoIndex;
  std::vector<std::size_t> start_events;  // sub-process: its none start events
  // Sub-process without start event: the nodes inside without incoming flow, started together.
  std::vector<std::size_t> implicit_starts;
  std::size_t attached_to = kNoIndex;      // boundary event: the activity it sits on
  bool cancel_activity = true;             // boundary event: interrupting; event sub-process start: isInterrupting
  bool triggered_by_event = false;         // sub-process: an event sub-process (triggeredByEvent="true")
  bool for_compensation = false;           // activity: a compensation handler (isForCompensation="true")
  // Activity with a compensation boundary event: the handler its association names.
  std::size_t compensation_handler = kNoIndex;
  // Compensation throw / end event: the activity of activityRef, kNoIndex: every one of the scope.
  std::size_t compensate_activity = kNoIndex;
  // Compensation throw / end event: waitForCompletion; false: it goes on while the handlers run.
  bool wait_for_completion = true;
  // Conditional events: the condition ("${...}" or JavaScript), true: the event happens.
  std::optional<Script> condition;
  bool starts_event_sub_process = false;   // start event of an event sub-process
  // Process (ProcessModel::event_starts) or sub-process: the start events of the event
  // sub-processes directly inside it, which wait while it runs.
  std::vector<std::size_t> event_starts;
  std::vector<std::size_t> boundary_events;  // activity: the boundary events attached to it
  std::optional<Script> script;           // script task body
  std::vector<FormFieldDefinition> form_fields;
  std::vector<std::pair<std::string, std::string>> properties;  // camunda:properties
  std::optional<BpmnErrorDefinition> error;                     // error end event
  std::optional<BpmnEscalationDefinition> escalation;  // escalation throw / end / boundary event
  bool has_form_expressions = false;
  // User tasks: camunda:assignee, candidateUsers, candidateGroups, dueDate, followUpDate and
  // priority that are set, by their attribute name; evaluated when the task is reached and listed.
  std::vector<std::pair<std::string, ExpressionValue>> assignment;
  // camunda:inputOutput: inputs extend the payload the activity runs with, outputs its result.
  std::vector<IoParameter> input_parameters;
  std::vector<IoParameter> output_parameters;
  std::optional<LoopDefinition> loop;  // activities that run several times
  // Inclusive gateways: upstream[n] is true when a token at node n (same scope) can still
  // reach this gateway without passing through it; what its join waits for.
  std::vector<bool> upstream;

  const std::string* property(std::string_view name) const;
};

struct SequenceFlow {
  std::string id;
  std::string name;
  std::size_t source = kNoIndex;
  std::size_t target = kNoIndex;
  std::optional<Script> condition;
};

struct ProcessModel {
  std::string id;
  std::string name;
  std::string hash;  // content hash of the XML this model was parsed from
  bool executable = true;
  std::vector<FlowNode> nodes;
  std::vector<SequenceFlow> flows;
  std::unordered_map<std::string, std::size_t> node_index;
  std::vector<std::size_t> start_events;  // top-level start events
  std::vector<std::size_t> end_events;    // top-level end events
  // A process without start event (BPMN 2.0, 10.5.2): the nodes without incoming flow, which a
  // start begins together.
  std::vector<std::size_t> implicit_starts;
  std::vector<std::size_t> event_starts;  // start events of the process's event sub-processes
  // Some node waits for a condition: the instance's data is kept and the conditions are
  // evaluated again after each run that changed it.
  bool has_conditional_events = false;
  std::vector<std::string> lanes;         // every lane name

  const FlowNode* find(std::string_view node_id) const;
  std::size_t index_of(std::string_view node_id) const;  // kNoIndex when unknown
};

}  // namespace processhost::engine
