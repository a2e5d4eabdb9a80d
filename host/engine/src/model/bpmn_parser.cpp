#include "processhost/engine/bpmn_parser.hpp"

#include <openssl/evp.h>
#include <pugixml.hpp>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "model/join_upstream.hpp"
#include "model/model_validator.hpp"
#include "model/variables_expression.hpp"

namespace processhost::engine {
namespace {

std::atomic<std::size_t> next_script_id{1};

// The XML is read without namespace processing, as the original engine does: names are
// compared by local part so "bpmn:", "semantic:" or no prefix all work.
std::string_view local_name(const char* name) {
  const char* colon = std::strrchr(name, ':');
  return colon ? std::string_view(colon + 1) : std::string_view(name);
}

pugi::xml_attribute attribute(const pugi::xml_node& node, std::string_view name) {
  for (auto attr : node.attributes()) {
    if (local_name(attr.name()) == name) return attr;
  }
  return {};
}

std::string attribute_text(const pugi::xml_node& node, std::string_view name) {
  auto attr = attribute(node, name);
  return attr ? attr.value() : std::string();
}

pugi::xml_node child(const pugi::xml_node& node, std::string_view name) {
  for (auto element : node.children()) {
    if (element.type() == pugi::node_element && local_name(element.name()) == name) return element;
  }
  return {};
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

bool references_token(std::string_view source) {
  return source.find("token") != std::string_view::npos || source.find("this") != std::string_view::npos ||
         source.find("identity") != std::string_view::npos;
}

Script make_script(std::string source) {
  Script script;
  script.id = next_script_id.fetch_add(1);
  script.uses_token = references_token(source);
  script.source = std::move(source);
  return script;
}

// A condition or value "${...}" (or "#{...}"): an expression over the token and the variables.
Script make_variables_script(const std::string& text) {
  const std::string trimmed = trim(text);
  return make_script(variables_expression_body(std::string_view(trimmed).substr(2, trimmed.size() - 3)));
}

ExpressionValue make_expression(std::string text) {
  ExpressionValue value;
  if (is_variables_expression(text)) value.script = make_variables_script(text);
  value.text = std::move(text);
  return value;
}

struct ElementKind {
  NodeKind kind;
  const char* bpmn_type;
};

const std::map<std::string_view, ElementKind>& flow_node_kinds() {
  static const std::map<std::string_view, ElementKind> kinds = {
      {"startEvent", {NodeKind::start_event, "bpmn:StartEvent"}},
      {"endEvent", {NodeKind::end_event, "bpmn:EndEvent"}},
      {"intermediateThrowEvent", {NodeKind::intermediate_throw_event, "bpmn:IntermediateThrowEvent"}},
      {"intermediateCatchEvent", {NodeKind::intermediate_catch_event, "bpmn:IntermediateCatchEvent"}},
      {"boundaryEvent", {NodeKind::boundary_event, "bpmn:BoundaryEvent"}},
      {"userTask", {NodeKind::user_task, "bpmn:UserTask"}},
      {"manualTask", {NodeKind::manual_task, "bpmn:ManualTask"}},
      {"task", {NodeKind::empty_activity, "bpmn:Task"}},
      {"scriptTask", {NodeKind::script_task, "bpmn:ScriptTask"}},
      {"serviceTask", {NodeKind::service_task, "bpmn:ServiceTask"}},
      // Runs as a service task (an external task or a registered method); DMN is refused.
      {"businessRuleTask", {NodeKind::service_task, "bpmn:BusinessRuleTask"}},
      {"sendTask", {NodeKind::send_task, "bpmn:SendTask"}},
      {"receiveTask", {NodeKind::receive_task, "bpmn:ReceiveTask"}},
      {"exclusiveGateway", {NodeKind::exclusive_gateway, "bpmn:ExclusiveGateway"}},
      {"parallelGateway", {NodeKind::parallel_gateway, "bpmn:ParallelGateway"}},
      {"inclusiveGateway", {NodeKind::inclusive_gateway, "bpmn:InclusiveGateway"}},
      {"eventBasedGateway", {NodeKind::event_based_gateway, "bpmn:EventBasedGateway"}},
      {"subProcess", {NodeKind::sub_process, "bpmn:SubProcess"}},
      {"callActivity", {NodeKind::call_activity, "bpmn:CallActivity"}},
  };
  return kinds;
}

// Elements that carry no execution semantics and are skipped.
bool is_ignored(std::string_view name) {
  static const char* const kIgnored[] = {"laneSet", "extensionElements", "documentation", "textAnnotation",
                                         "association", "dataObject", "dataObjectReference",
                                         "dataStoreReference", "group", "incoming", "outgoing",
                                         "ioSpecification", "property", "dataInputAssociation",
                                         "dataOutputAssociation", "multiInstanceLoopCharacteristics",
                                         "standardLoopCharacteristics"};
  for (const char* ignored : kIgnored) {
    if (name == ignored) return true;
  }
  return false;
}

class Parser {
 public:
  Parser(const ParseOptions& options, std::vector<ModelProblem>& problems)
      : options_(options), problems_(problems) {}

  std::shared_ptr<ProcessModel> parse(std::string_view xml) {
    pugi::xml_document document;
    const auto loaded = document.load_buffer(xml.data(), xml.size());
    if (!loaded) {
      problem("", std::string("the document is not well-formed XML: ") + loaded.description() + " at offset " +
                      std::to_string(loaded.offset));
      return nullptr;
    }
    const auto definitions = document.document_element();
    if (local_name(definitions.name()) != "definitions") {
      problem("", "the root element is not bpmn:definitions");
      return nullptr;
    }
    for (auto element : definitions.children()) {
      if (local_name(element.name()) == "error") {
        errors_[attribute_text(element, "id")] = {attribute_text(element, "errorCode"), attribute_text(element, "name"),
                                                  attribute_text(element, "errorMessage")};
      } else if (local_name(element.name()) == "message") {
        messages_[attribute_text(element, "id")] = attribute_text(element, "name");
      } else if (local_name(element.name()) == "signal") {
        signals_[attribute_text(element, "id")] = attribute_text(element, "name");
      } else if (local_name(element.name()) == "escalation") {
        escalations_[attribute_text(element, "id")] = {attribute_text(element, "escalationCode"),
                                                       attribute_text(element, "name")};
      }
    }
    pugi::xml_node process = select_process(definitions);
    if (!process) return nullptr;

    model_ = std::make_shared<ProcessModel>();
    model_->id = attribute_text(process, "id");
    model_->name = attribute_text(process, "name");
    model_->executable = attribute_text(process, "isExecutable") == "true";
    read_lanes(process, "");
    refuse_listeners(process, model_->id);
    read_flow_elements(process, kNoIndex);
    link_flows();
    link_boundary_events();
    compute_join_upstreams(*model_);
    return model_;
  }

 private:
  void problem(std::string element_id, std::string message) {
    problems_.push_back({std::move(element_id), std::move(message)});
  }

  pugi::xml_node select_process(const pugi::xml_node& definitions) {
    std::vector<pugi::xml_node> processes;
    std::vector<pugi::xml_node> executable;
    for (auto element : definitions.children()) {
      if (local_name(element.name()) != "process") continue;
      processes.push_back(element);
      if (attribute_text(element, "isExecutable") == "true") executable.push_back(element);
    }
    if (processes.empty()) {
      problem("", "the document contains no bpmn:process");
      return {};
    }
    if (executable.size() > 1) {
      for (const auto& extra : executable) {
        problem(attribute_text(extra, "id"), "more than one executable process in one document; deploy one per file");
      }
      return {};
    }
    return executable.empty() ? processes.front() : executable.front();
  }

  void read_lanes(const pugi::xml_node& parent, const std::string& parent_lane) {
    for (auto lane_set : parent.children()) {
      const auto set_name = local_name(lane_set.name());
      if (set_name != "laneSet" && set_name != "childLaneSet") continue;
      for (auto lane : lane_set.children()) {
        if (local_name(lane.name()) != "lane") continue;
        const std::string name = attribute_text(lane, "name");
        model_->lanes.push_back(name);
        for (auto ref : lane.children()) {
          if (local_name(ref.name()) == "flowNodeRef") lane_of_[ref.text().get()] = name;
        }
        // Child lanes come after the parent, so the innermost lane wins.
        read_lanes(lane, name);
      }
    }
    (void)parent_lane;
  }

  void read_flow_elements(const pugi::xml_node& container, std::size_t parent) {
    for (auto element : container.children()) {
      if (element.type() != pugi::node_element) continue;
      const auto name = local_name(element.name());
      if (name == "sequenceFlow") {
        read_flow(element, parent);
        continue;
      }
      if (name == "association") {
        associations_.emplace_back(attribute_text(element, "sourceRef"), attribute_text(element, "targetRef"));
        continue;
      }
      const auto kind = flow_node_kinds().find(name);
      if (kind != flow_node_kinds().end()) {
        read_node(element, kind->second, parent);
      } else if (!is_ignored(name)) {
        const std::string id = attribute_text(element, "id");
        problem(id, "element bpmn:" + std::string(name) + (id.empty() ? "" : " '" + id + "'") +
                        " is not supported by this engine");
        refused_elements_.insert(id);
      }
    }
  }

  void read_node(const pugi::xml_node& element, const ElementKind& kind, std::size_t parent) {
    FlowNode node;
    node.id = attribute_text(element, "id");
    node.name = attribute_text(element, "name");
    node.kind = kind.kind;
    node.bpmn_type = kind.bpmn_type;
    node.parent = parent;
    if (node.id.empty()) {
      problem("", std::string(kind.bpmn_type) + " without an id");
      return;
    }
    if (model_->node_index.count(node.id)) {
      problem(node.id, "duplicate element id '" + node.id + "'");
      return;
    }
    if (auto lane = lane_of_.find(node.id); lane != lane_of_.end()) {
      node.lane = lane->second;
    } else if (parent != kNoIndex) {
      node.lane = model_->nodes[parent].lane;
    }
    if (auto doc = child(element, "documentation")) node.documentation = doc.text().get();
    default_flow_ids_.push_back(attribute_text(element, "default"));
    attached_ids_.push_back(attribute_text(element, "attachedToRef"));
    node.cancel_activity = attribute_text(element, node.kind == NodeKind::start_event ? "isInterrupting" : "cancelActivity") != "false";
    node.triggered_by_event = node.kind == NodeKind::sub_process && attribute_text(element, "triggeredByEvent") == "true";
    node.for_compensation = attribute_text(element, "isForCompensation") == "true";
    if (node.kind == NodeKind::event_based_gateway && attribute_text(element, "instantiate") == "true") {
      problem(node.id, "event-based gateway '" + node.id + "' starts instances (instantiate=\"true\"): not supported; "
                       "use message or signal start events");
    }
    read_event_definition(element, node);
    read_extensions(element, node);
    if (node.kind == NodeKind::user_task) read_assignment(element, node);
    if (node.kind == NodeKind::send_task || node.kind == NodeKind::receive_task) {
      node.event_name = message_name(node, attribute_text(element, "messageRef"));
      if (node.kind == NodeKind::send_task && refuse_java_sender(element, node, "send task")) {
        // Camunda 7 sends such a message with Java code; the missing messageRef is its consequence.
      } else if (attribute_text(element, "messageRef").empty()) {
        problem(node.id, std::string(kind.bpmn_type) + " '" + node.id +
                             "' has no messageRef: it would wait for, or send, a message without a name");
      }
    }
    if (node.kind == NodeKind::service_task) {
      refuse_java_implementation(element, node);
      node.external = attribute_text(element, "type") == "external";
      node.topic = attribute_text(element, "topic");
      if (node.topic.find("token") != std::string::npos) node.topic_script = make_script("return (" + node.topic + ");");
      if (const auto* payload = node.property("payload"); node.external && payload && !payload->empty()) {
        node.call_payload = make_script("return (" + *payload + ");");
      }
      if (const auto* params = node.property("params"); params && !params->empty()) {
        node.params_script = make_script("return (" + *params + ");");
      }
    }
    if (node.kind == NodeKind::call_activity) {
      node.called_element = attribute_text(element, "calledElement");
      if (const auto* payload = node.property("payload"); payload && !payload->empty()) {
        node.call_payload = make_script("return (" + *payload + ");");
      }
    }
    if (const auto* input_values = node.property("inputValues"); input_values && !input_values->empty()) {
      node.input_values = make_script("return (" + *input_values + ");");
    }
    for (auto inner : element.children()) {
      const auto inner_name = local_name(inner.name());
      if (inner_name == "multiInstanceLoopCharacteristics" || inner_name == "standardLoopCharacteristics") {
        read_loop(inner, node);
      }
    }
    if (node.kind == NodeKind::script_task) {
      auto script = child(element, "script");
      node.script = make_script(script ? script_body_with_execution(script.text().get()) : "");
    }
    const std::size_t index = model_->nodes.size();
    model_->node_index.emplace(node.id, index);
    model_->nodes.push_back(std::move(node));
    if (kind.kind == NodeKind::sub_process) read_flow_elements(element, index);
  }

  void read_event_definition(const pugi::xml_node& element, FlowNode& node) {
    static const std::map<std::string_view, EventDefinition> kDefinitions = {
        {"terminateEventDefinition", EventDefinition::terminate},
        {"errorEventDefinition", EventDefinition::error},
        {"messageEventDefinition", EventDefinition::message},
        {"signalEventDefinition", EventDefinition::signal},
        {"timerEventDefinition", EventDefinition::timer},
        {"linkEventDefinition", EventDefinition::link},
        {"escalationEventDefinition", EventDefinition::escalation},
        {"compensateEventDefinition", EventDefinition::compensation},
        {"conditionalEventDefinition", EventDefinition::conditional}};
    for (auto inner : element.children()) {
      const auto name = local_name(inner.name());
      if (!name.ends_with("EventDefinition")) continue;
      const auto found = kDefinitions.find(name);
      if (found == kDefinitions.end()) {
        problem(node.id, "event definition bpmn:" + std::string(name) + " on '" + node.id + "' is not supported");
        continue;
      }
      node.event = found->second;
      if (node.event == EventDefinition::link) node.event_name = attribute_text(inner, "name");
      if (node.event == EventDefinition::message) node.event_name = message_name(node, attribute_text(inner, "messageRef"));
      if (node.event == EventDefinition::signal) node.event_name = signal_name(node, attribute_text(inner, "signalRef"));
      const bool java_sender = node.event == EventDefinition::message &&
                               (node.kind == NodeKind::end_event || node.kind == NodeKind::intermediate_throw_event) &&
                               refuse_java_sender(inner, node, "message event");
      if (!java_sender && (node.event == EventDefinition::message || node.event == EventDefinition::signal) &&
          attribute_text(inner, node.event == EventDefinition::message ? "messageRef" : "signalRef").empty()) {
        const bool message = node.event == EventDefinition::message;
        problem(node.id, "'" + node.id + "' has a bpmn:" + std::string(name) + " without " +
                             (message ? "messageRef" : "signalRef") + ": it would wait for, or send, a " +
                             (message ? "message" : "signal") + " without a name");
      }
      if (node.event == EventDefinition::timer) read_timer(inner, node);
      if (node.event == EventDefinition::escalation) read_escalation(inner, node);
      if (node.event == EventDefinition::compensation) {
        compensate_refs_.emplace_back(node.id, attribute_text(inner, "activityRef"));
        node.wait_for_completion = attribute_text(inner, "waitForCompletion") != "false";
      }
      if (node.event == EventDefinition::conditional) {
        const auto condition = child(inner, "condition");
        const std::string text = condition ? trim(condition.text().get()) : std::string();
        if (text.empty()) {
          problem(node.id, "conditional event '" + node.id + "' has no condition");
        } else {
          node.condition = expression_script(text);
          model_->has_conditional_events = true;
        }
      }
      if (node.event == EventDefinition::error) {
        const std::string ref = attribute_text(inner, "errorRef");
        if (ref.empty()) {
          node.error = BpmnErrorDefinition{};
        } else if (auto error = errors_.find(ref); error != errors_.end()) {
          node.error = error->second;
        } else {
          problem(node.id, "errorRef '" + ref + "' of '" + node.id + "' names no bpmn:error");
        }
      }
    }
  }

  // A throw event must name a bpmn:escalation with a code (it is what the boundary events
  // match); a boundary event without escalationRef catches every escalation.
  void read_escalation(const pugi::xml_node& definition, FlowNode& node) {
    const std::string ref = attribute_text(definition, "escalationRef");
    const bool catches = node.kind == NodeKind::boundary_event || node.kind == NodeKind::start_event;
    if (ref.empty()) {
      if (!catches) problem(node.id, "'" + node.id + "' throws an escalation without escalationRef");
      node.escalation = BpmnEscalationDefinition{};
      return;
    }
    auto found = escalations_.find(ref);
    if (found == escalations_.end()) {
      problem(node.id, "escalationRef '" + ref + "' of '" + node.id + "' names no bpmn:escalation");
      return;
    }
    if (!catches && found->second.code.empty()) {
      problem(node.id, "bpmn:escalation '" + ref + "' thrown by '" + node.id + "' has no escalationCode");
    }
    node.escalation = found->second;
  }

  // A condition or count as written: "${...}" over the variables, else a JavaScript expression.
  static Script expression_script(const std::string& text) {
    return is_variables_expression(text) ? make_variables_script(text) : make_script("return (" + text + ");");
  }

  void read_loop(const pugi::xml_node& element, FlowNode& node) {
    LoopDefinition loop;
    if (local_name(element.name()) == "multiInstanceLoopCharacteristics") {
      loop.sequential = attribute_text(element, "isSequential") == "true";
      const std::string collection = trim(attribute_text(element, "collection"));
      if (!collection.empty()) {
        // camunda:collection names a variable or is an expression.
        loop.collection = is_variables_expression(collection) ? make_variables_script(collection)
                                                              : make_script(variables_expression_body(collection));
      }
      loop.element_variable = attribute_text(element, "elementVariable");
      if (auto cardinality = child(element, "loopCardinality")) {
        loop.cardinality = expression_script(trim(cardinality.text().get()));
      }
      if (auto condition = child(element, "completionCondition")) {
        loop.condition = expression_script(trim(condition.text().get()));
      }
      if (!loop.collection && !loop.cardinality) {
        problem(node.id, "multi-instance activity '" + node.id + "' has neither loopCardinality nor camunda:collection");
      }
    } else {
      loop.multi_instance = false;
      loop.sequential = true;
      loop.test_before = attribute_text(element, "testBefore") == "true";
      const std::string maximum = attribute_text(element, "loopMaximum");
      if (!maximum.empty()) loop.maximum = std::atoll(maximum.c_str());
      if (auto condition = child(element, "loopCondition")) loop.condition = expression_script(trim(condition.text().get()));
      if (!loop.condition && loop.maximum <= 0) {
        problem(node.id, "loop of '" + node.id + "' has neither loopCondition nor loopMaximum: it would never end");
      }
    }
    node.loop = std::move(loop);
  }

  // Camunda 7 runs these as Java code inside its engine; here they would do nothing, so the
  // model is refused rather than run with silent no-ops.
  // A business-rule task that names a DMN decision is refused the same way: no DMN engine here.
  // A send task or message throw event that Camunda 7 runs as Java code (camunda:class,
  // delegateExpression or expression on the task or the messageEventDefinition): refused with
  // that reason; true when it was.
  bool refuse_java_sender(const pugi::xml_node& element, const FlowNode& node, const std::string& what) {
    for (const char* attribute : {"class", "delegateExpression", "expression"}) {
      const std::string value = attribute_text(element, attribute);
      if (value.empty()) continue;
      problem(node.id, what + " '" + node.id + "' is implemented in Java (camunda:" + attribute + "=\"" + value +
                           "\"), which this engine cannot run: name a bpmn:message in messageRef to send it, or use "
                           "a service task with camunda:type=\"external\" for a worker");
      return true;
    }
    return false;
  }

  void refuse_java_implementation(const pugi::xml_node& element, const FlowNode& node) {
    const bool business_rule = node.bpmn_type == "bpmn:BusinessRuleTask";
    const std::string what = business_rule ? "business-rule task '" : "service task '";
    for (const char* attribute : {"class", "delegateExpression", "expression"}) {
      const std::string value = attribute_text(element, attribute);
      if (value.empty()) continue;
      problem(node.id, what + node.id + "' is implemented in Java (camunda:" + attribute + "=\"" + value +
                           "\"), which this engine cannot run: use camunda:type=\"external\" with a camunda:topic "
                           "for a worker, or camunda:properties module and method for a registered service method");
    }
    if (!business_rule) return;
    if (const std::string decision = attribute_text(element, "decisionRef"); !decision.empty()) {
      problem(node.id, what + node.id + "' evaluates the DMN decision '" + decision +
                           "' (camunda:decisionRef), and this engine does not run DMN: use camunda:type=\"external\" "
                           "with a camunda:topic for a worker that evaluates the decision");
    }
  }

  // Messages and signals are matched by name; an unresolvable reference is kept as written.
  std::string message_name(const FlowNode& node, const std::string& ref) {
    if (ref.empty()) return {};
    if (auto found = messages_.find(ref); found != messages_.end()) return found->second;
    problem(node.id, "messageRef '" + ref + "' of '" + node.id + "' names no bpmn:message");
    return ref;
  }

  std::string signal_name(const FlowNode& node, const std::string& ref) {
    if (ref.empty()) return {};
    if (auto found = signals_.find(ref); found != signals_.end()) return found->second;
    problem(node.id, "signalRef '" + ref + "' of '" + node.id + "' names no bpmn:signal");
    return ref;
  }

  void read_timer(const pugi::xml_node& definition, FlowNode& node) {
    static const std::map<std::string_view, TimerKind> kKinds = {
        {"timeDuration", TimerKind::duration}, {"timeDate", TimerKind::date}, {"timeCycle", TimerKind::cycle}};
    for (auto inner : definition.children()) {
      const auto found = kKinds.find(local_name(inner.name()));
      if (found == kKinds.end()) continue;
      node.timer = found->second;
      node.timer_value = trim(inner.text().get());
      if (is_variables_expression(node.timer_value)) node.timer_script = make_variables_script(node.timer_value);
    }
  }

  void read_extensions(const pugi::xml_node& element, FlowNode& node) {
    refuse_listeners(element, node.id);
    auto extensions = child(element, "extensionElements");
    if (!extensions) return;
    if (auto properties = child(extensions, "properties")) {
      for (auto property : properties.children()) {
        if (local_name(property.name()) != "property") continue;
        node.properties.emplace_back(attribute_text(property, "name"), attribute_text(property, "value"));
      }
    }
    if (auto form_data = child(extensions, "formData")) {
      for (auto field : form_data.children()) {
        if (local_name(field.name()) == "formField") node.form_fields.push_back(read_form_field(field, node));
      }
    }
    if (auto input_output = child(extensions, "inputOutput")) read_input_output(input_output, node);
  }

  // Camunda 7's execution and task listeners run Java or a script when an element starts, ends
  // or a task is created; this engine runs neither, and running the model without them would
  // silently skip their work (often variables set for later steps). So a listener that does
  // something is refused; an empty one (no class, expression or script, as some modelers
  // write) is ignored.
  void refuse_listeners(const pugi::xml_node& element, const std::string& owner_id) {
    auto extensions = child(element, "extensionElements");
    if (!extensions) return;
    for (auto listener : extensions.children()) {
      const auto kind = local_name(listener.name());
      if (kind != "executionListener" && kind != "taskListener") continue;
      const std::string what = std::string(kind == "executionListener" ? "execution" : "task") + " listener" +
                               (attribute_text(listener, "event").empty()
                                    ? std::string()
                                    : " (event '" + attribute_text(listener, "event") + "')") +
                               " of '" + owner_id + "'";
      bool java = false;
      for (const char* attribute : {"class", "delegateExpression", "expression"}) {
        const std::string value = attribute_text(listener, attribute);
        if (value.empty()) continue;
        problem(owner_id, "the " + what + " is implemented in Java (camunda:" + attribute + "=\"" + value +
                              "\"), which this engine cannot run: do its work in a script task, a service task "
                              "(camunda:type=\"external\") or camunda:inputOutput, or remove it");
        java = true;
        break;
      }
      if (java) continue;
      if (auto script = child(listener, "script"); script && (!trim(script.text().get()).empty() ||
                                                               !attribute_text(script, "resource").empty())) {
        problem(owner_id, "the " + what + " is a script listener, which this engine does not run: move the "
                              "script into a script task (scripts there can read and set variables), or remove it");
      }
    }
  }

  // camunda:inputOutput (docs/bpmn-support.md, "Input and output parameters").
  void read_input_output(const pugi::xml_node& input_output, FlowNode& node) {
    for (auto parameter : input_output.children()) {
      const auto kind = local_name(parameter.name());
      if (kind != "inputParameter" && kind != "outputParameter") continue;
      IoParameter io;
      io.name = attribute_text(parameter, "name");
      if (io.name.empty()) {
        problem(node.id, "camunda:" + std::string(kind) + " of '" + node.id + "' has no name");
        continue;
      }
      bool has_expression = false;
      auto source = parameter_source(parameter, node, io.name, has_expression);
      if (!source) continue;
      if (has_expression) {
        io.script = make_script(variables_expression_body(*source));
      } else if (!source->empty()) {
        io.constant = *source;  // constants are written as JSON already
      }
      (kind == "inputParameter" ? node.input_parameters : node.output_parameters).push_back(std::move(io));
    }
  }

  // A parameter's value as one expression over the variables: text is a JSON string, "${x}"
  // is (x), camunda:list an array and camunda:map an object of such values. Empty: null.
  std::optional<std::string> parameter_source(const pugi::xml_node& value, const FlowNode& node,
                                              const std::string& name, bool& has_expression) {
    for (auto inner : value.children()) {
      if (inner.type() == pugi::node_element) return composite_source(inner, node, name, has_expression);
    }
    const std::string text = trim(value.text().get());
    if (is_variables_expression(text)) {
      has_expression = true;
      return "(" + text.substr(2, text.size() - 3) + ")";
    }
    return text.empty() && local_name(value.name()) != "value" ? std::string("null") : json_quote(text);
  }

  std::optional<std::string> composite_source(const pugi::xml_node& inner, const FlowNode& node,
                                              const std::string& name, bool& has_expression) {
    const auto kind = local_name(inner.name());
    if (kind != "list" && kind != "map") {
      problem(node.id, "parameter '" + name + "' of '" + node.id + "' is a camunda:" + std::string(kind) +
                           ", which this engine does not run: use a ${...} expression, a camunda:list or "
                           "camunda:map, or a script task before the activity");
      return std::nullopt;
    }
    const bool list = kind == "list";
    std::string out = list ? "[" : "{";
    for (auto item : inner.children()) {
      if (item.type() != pugi::node_element) continue;
      if (out.size() > 1) out += ",";
      if (!list) out += json_quote(attribute_text(item, "key")) + ":";
      const auto item_kind = local_name(item.name());
      auto item_source = item_kind == "value" || item_kind == "entry"
                             ? parameter_source(item, node, name, has_expression)
                             : composite_source(item, node, name, has_expression);
      if (!item_source) return std::nullopt;
      out += *item_source;
    }
    return out + (list ? "]" : "}");
  }

  // camunda:assignee and the other assignment attributes of a user task, as written.
  void read_assignment(const pugi::xml_node& element, FlowNode& node) {
    for (const char* name : {"assignee", "candidateUsers", "candidateGroups", "dueDate", "followUpDate", "priority"}) {
      auto attr = attribute(element, name);
      if (!attr) continue;
      auto value = make_expression(trim(attr.value()));
      if (value.script) node.has_form_expressions = true;
      node.assignment.emplace_back(name, std::move(value));
    }
  }

  FormFieldDefinition read_form_field(const pugi::xml_node& field, FlowNode& node) {
    FormFieldDefinition definition;
    definition.id = attribute_text(field, "id");
    definition.type = attribute_text(field, "type");
    auto optional_expression = [&](std::string_view name) -> std::optional<ExpressionValue> {
      auto attr = attribute(field, name);
      if (!attr) return std::nullopt;
      auto value = make_expression(attr.value());
      if (value.script) node.has_form_expressions = true;
      return value;
    };
    definition.label = optional_expression("label");
    definition.default_value = optional_expression("defaultValue");
    definition.preferred_control = optional_expression("preferredControl");
    for (auto inner : field.children()) {
      const auto name = local_name(inner.name());
      if (name == "value") {
        definition.enum_values.emplace_back(attribute_text(inner, "id"), attribute_text(inner, "name"));
      } else if (name == "validation") {
        for (auto constraint : inner.children()) {
          if (local_name(constraint.name()) != "constraint") continue;
          definition.validation.emplace_back(attribute_text(constraint, "name"), attribute_text(constraint, "config"));
        }
      } else if (name == "properties") {
        for (auto property : inner.children()) {
          const std::string key = attribute_text(property, "id").empty() ? attribute_text(property, "name")
                                                                        : attribute_text(property, "id");
          definition.properties.emplace_back(key, attribute_text(property, "value"));
          if (key == "preferredControl" && !definition.preferred_control) {
            definition.preferred_control = make_expression(attribute_text(property, "value"));
          }
        }
      }
    }
    return definition;
  }

  void read_flow(const pugi::xml_node& element, std::size_t parent) {
    refuse_listeners(element, attribute_text(element, "id"));
    PendingFlow pending;
    pending.flow.id = attribute_text(element, "id");
    pending.flow.name = attribute_text(element, "name");
    pending.source = attribute_text(element, "sourceRef");
    pending.target = attribute_text(element, "targetRef");
    pending.parent = parent;
    if (auto condition = child(element, "conditionExpression")) {
      const std::string text = condition.text().get();
      if (trim(text).starts_with('=')) {
        // Camunda 8 models write conditions in FEEL, marked by a leading '='.
        problem(pending.flow.id, "condition of sequence flow '" + pending.flow.id + "' is a FEEL expression ('" +
                                     trim(text) + "'), Camunda 8's language, which this engine does not run: "
                                     "write it as a JavaScript expression or a ${...} expression");
      } else {
        pending.flow.condition = is_variables_expression(text) ? make_variables_script(text) : make_script("return " + text);
      }
    }
    pending_flows_.push_back(std::move(pending));
  }

  void link_boundary_events() {
    for (std::size_t i = 0; i < model_->nodes.size(); ++i) {
      auto& node = model_->nodes[i];
      if (node.kind != NodeKind::boundary_event) continue;
      const auto target = model_->index_of(attached_ids_[i]);
      if (target == kNoIndex) {
        problem(node.id, "boundary event '" + node.id + "' is attached to unknown activity '" + attached_ids_[i] + "'");
        continue;
      }
      node.attached_to = target;
      model_->nodes[target].boundary_events.push_back(i);
      if (node.event == EventDefinition::compensation) link_compensation_handler(i, target);
    }
    for (const auto& [thrower_id, activity_ref] : compensate_refs_) {
      if (activity_ref.empty()) continue;
      const auto activity = model_->index_of(activity_ref);
      if (activity == kNoIndex) {
        problem(thrower_id, "activityRef '" + activity_ref + "' of '" + thrower_id + "' names no activity");
        continue;
      }
      model_->nodes[model_->index_of(thrower_id)].compensate_activity = activity;
    }
  }

  // BPMN 2.0, 10.5.6: a compensation boundary event names its handler by an association; the
  // handler is an activity marked isForCompensation.
  void link_compensation_handler(std::size_t boundary_index, std::size_t activity) {
    const FlowNode& boundary = model_->nodes[boundary_index];
    std::size_t handler = kNoIndex;
    for (const auto& [source, target] : associations_) {
      if (source == boundary.id) handler = model_->index_of(target);
    }
    if (handler == kNoIndex) {
      problem(boundary.id, "compensation boundary event '" + boundary.id +
                               "' has no association to a compensation handler (an activity with isForCompensation)");
      return;
    }
    if (!model_->nodes[handler].for_compensation) {
      problem(boundary.id, "'" + model_->nodes[handler].id + "', associated with compensation boundary event '" +
                               boundary.id + "', is not marked isForCompensation=\"true\"");
      return;
    }
    model_->nodes[activity].compensation_handler = handler;
  }

  void link_flows() {
    std::unordered_map<std::string, std::size_t> flow_index;
    for (auto& pending : pending_flows_) {
      auto& flow = pending.flow;
      flow.source = model_->index_of(pending.source);
      flow.target = model_->index_of(pending.target);
      if (flow.source == kNoIndex || flow.target == kNoIndex) {
        // A flow to or from an element refused above adds nothing to that element's problem.
        const bool to_refused = (flow.source == kNoIndex && refused_elements_.contains(pending.source)) ||
                                (flow.target == kNoIndex && refused_elements_.contains(pending.target));
        if (to_refused && (flow.source != kNoIndex || refused_elements_.contains(pending.source)) &&
            (flow.target != kNoIndex || refused_elements_.contains(pending.target))) {
          continue;
        }
        problem(flow.id, "sequence flow '" + flow.id + "' is dangling: " +
                             (flow.source == kNoIndex ? "sourceRef '" + pending.source + "'"
                                                      : "targetRef '" + pending.target + "'") +
                             " names no flow node");
        continue;
      }
      if (model_->nodes[flow.source].parent != pending.parent || model_->nodes[flow.target].parent != pending.parent) {
        problem(flow.id, "sequence flow '" + flow.id + "' crosses a sub-process boundary");
        continue;
      }
      const std::size_t index = model_->flows.size();
      flow_index[flow.id] = index;
      model_->nodes[flow.source].outgoing.push_back(index);
      model_->nodes[flow.target].incoming.push_back(index);
      model_->flows.push_back(std::move(flow));
    }
    for (std::size_t i = 0; i < model_->nodes.size(); ++i) {
      if (default_flow_ids_[i].empty()) continue;
      auto found = flow_index.find(default_flow_ids_[i]);
      if (found == flow_index.end() || model_->flows[found->second].source != i) {
        problem(model_->nodes[i].id, "default flow '" + default_flow_ids_[i] + "' of '" + model_->nodes[i].id +
                                         "' is not one of its outgoing flows");
      } else {
        model_->nodes[i].default_flow = found->second;
      }
    }
  }

  struct PendingFlow {
    SequenceFlow flow;
    std::string source;
    std::string target;
    std::size_t parent = kNoIndex;
  };

  const ParseOptions& options_;
  std::vector<ModelProblem>& problems_;
  std::shared_ptr<ProcessModel> model_;
  std::unordered_map<std::string, BpmnErrorDefinition> errors_;
  std::unordered_map<std::string, std::string> messages_;  // id -> name
  std::unordered_map<std::string, std::string> signals_;   // id -> name
  std::unordered_map<std::string, BpmnEscalationDefinition> escalations_;
  std::unordered_map<std::string, std::string> lane_of_;
  std::vector<PendingFlow> pending_flows_;
  // Ids of elements refused as unsupported: flows to them are not reported again as dangling.
  std::unordered_set<std::string> refused_elements_;
  std::vector<std::string> default_flow_ids_;
  std::vector<std::string> attached_ids_;
  std::vector<std::pair<std::string, std::string>> associations_;     // sourceRef, targetRef
  std::vector<std::pair<std::string, std::string>> compensate_refs_;  // thrower id, activityRef
};

}  // namespace

ParseOutcome parse_bpmn(std::string_view xml, const ParseOptions& options) {
  ParseOutcome outcome;
  Parser parser(options, outcome.problems);
  auto model = parser.parse(xml);
  if (model) {
    model->hash = content_hash(xml);
    validate_model(*model, options, outcome.problems);
    for (const auto& node : model->nodes) {
      if (node.script && !node.script->compile_error.empty()) {
        outcome.warnings.push_back({node.id, "script of '" + node.id +
                                                 "' does not compile and fails whenever it runs: " +
                                                 node.script->compile_error});
      }
    }
  }
  if (outcome.problems.empty() && model) outcome.model = std::move(model);
  return outcome;
}

std::string content_hash(std::string_view xml) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(xml.data(), xml.size(), digest, &length, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

JsonText problems_to_json(const std::vector<ModelProblem>& problems) {
  JsonText text = "[";
  for (const auto& problem : problems) {
    if (text.size() > 1) text += ',';
    text += "{\"elementId\":" + json_quote(problem.element_id) + ",\"message\":" + json_quote(problem.message) + "}";
  }
  return text + "]";
}

}  // namespace processhost::engine
