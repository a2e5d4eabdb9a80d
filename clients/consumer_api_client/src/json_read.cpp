// Readers of json_mapping.hpp: one function per wire shape of reference section 3.2.
#include <utility>

#include "json_reader.hpp"
#include "processhost/client/json_mapping.hpp"

namespace processhost::client::json {

using detail::count_or;
using detail::optional_raw;
using detail::optional_string;
using detail::raw_or_null;
using detail::read_document;
using detail::require_array;
using detail::require_member;
using detail::require_object;
using detail::require_string;
using rapidjson::Value;

namespace {

Event event_from(const Value& value) {
  constexpr std::string_view kShape = "Event";
  require_object(value, kShape);
  Event event;
  event.id = require_string(value, "id", kShape);
  event.event_name = optional_string(value, "eventName", kShape).value_or("");
  event.bpmn_type = optional_string(value, "bpmnType", kShape).value_or("");
  event.event_type = optional_string(value, "eventType", kShape);
  event.flow_node_instance_id = optional_string(value, "flowNodeInstanceId", kShape);
  event.correlation_id = optional_string(value, "correlationId", kShape);
  event.process_model_id = optional_string(value, "processModelId", kShape).value_or("");
  event.process_instance_id = optional_string(value, "processInstanceId", kShape);
  return event;
}

std::vector<Event> events_from(const Value& object, const char* name, std::string_view shape) {
  std::vector<Event> events;
  for (const auto& item : require_array(object, name, shape).GetArray()) events.push_back(event_from(item));
  return events;
}

ProcessModel process_model_from(const Value& value) {
  constexpr std::string_view kShape = "ProcessModel";
  require_object(value, kShape);
  ProcessModel model;
  model.id = require_string(value, "id", kShape);
  model.start_events = events_from(value, "startEvents", kShape);
  model.end_events = events_from(value, "endEvents", kShape);
  return model;
}

UserTaskFormField form_field_from(const Value& value) {
  constexpr std::string_view kShape = "UserTaskFormField";
  require_object(value, kShape);
  UserTaskFormField field;
  field.id = require_string(value, "id", kShape);
  field.type = optional_string(value, "type", kShape);
  field.label = optional_raw(value, "label");
  field.default_value = optional_raw(value, "defaultValue");
  field.preferred_control = optional_raw(value, "preferredControl");
  auto enum_values = value.FindMember("enumValues");
  if (enum_values != value.MemberEnd() && !enum_values->value.IsNull()) {
    for (const auto& item : require_array(value, "enumValues", kShape).GetArray()) {
      field.enum_values.push_back({require_string(item, "id", "FormFieldEnumValue"),
                                   optional_string(item, "name", "FormFieldEnumValue").value_or("")});
    }
  }
  return field;
}

UserTaskConfig user_task_config_from(const Value& value) {
  constexpr std::string_view kShape = "UserTaskConfig";
  require_object(value, kShape);
  UserTaskConfig config;
  for (const auto& item : require_array(value, "formFields", kShape).GetArray()) {
    config.form_fields.push_back(form_field_from(item));
  }
  config.preferred_control = optional_string(value, "preferredControl", kShape);
  config.description = optional_string(value, "description", kShape);
  config.finished_message = optional_string(value, "finishedMessage", kShape);
  return config;
}

Task task_from(const Value& value, std::string_view shape) {
  require_object(value, shape);
  Task task;
  task.flow_node_type = optional_string(value, "flowNodeType", shape).value_or("");
  task.id = require_string(value, "id", shape);
  task.name = optional_string(value, "name", shape).value_or("");
  task.flow_node_instance_id = require_string(value, "flowNodeInstanceId", shape);
  task.correlation_id = require_string(value, "correlationId", shape);
  task.process_model_id = require_string(value, "processModelId", shape);
  task.process_instance_id = require_string(value, "processInstanceId", shape);
  task.token_payload = raw_or_null(value, "tokenPayload");
  return task;
}

UserTask user_task_from(const Value& value) {
  UserTask task;
  static_cast<Task&>(task) = task_from(value, "UserTask");
  task.data = user_task_config_from(require_member(value, "data", "UserTask"));
  return task;
}

template <class T, class Item>
std::vector<T> items_from(const Value& object, const char* name, std::string_view shape, Item item) {
  std::vector<T> items;
  for (const auto& value : require_array(object, name, shape).GetArray()) items.push_back(item(value));
  return items;
}

}  // namespace

ClientResult<ApplicationInfo> read_application_info(std::string_view text) {
  return read_document<ApplicationInfo>(text, "ApplicationInfo", [](const Value& root) {
    return ApplicationInfo{require_string(root, "name", "ApplicationInfo"),
                           require_string(root, "version", "ApplicationInfo")};
  });
}

ClientResult<ProcessModel> read_process_model(std::string_view text) {
  return read_document<ProcessModel>(text, "ProcessModel", process_model_from);
}

ClientResult<ProcessModelList> read_process_model_list(std::string_view text) {
  return read_document<ProcessModelList>(text, "ProcessModelList", [](const Value& root) {
    ProcessModelList list;
    list.process_models = items_from<ProcessModel>(root, "processModels", "ProcessModelList", process_model_from);
    list.total_count = count_or(root, "totalCount", list.process_models.size(), "ProcessModelList");
    return list;
  });
}

ClientResult<ProcessStartResponse> read_process_start_response(std::string_view text) {
  return read_document<ProcessStartResponse>(text, "ProcessStartResponsePayload", [](const Value& root) {
    constexpr std::string_view kShape = "ProcessStartResponsePayload";
    ProcessStartResponse response;
    response.correlation_id = require_string(root, "correlationId", kShape);
    response.process_instance_id = optional_string(root, "processInstanceId", kShape);
    response.end_event_id = optional_string(root, "endEventId", kShape);
    response.token_payload = optional_raw(root, "tokenPayload");
    return response;
  });
}

ClientResult<ProcessInstanceList> read_process_instance_list(std::string_view text) {
  return read_document<ProcessInstanceList>(text, "ProcessInstanceList", [](const Value& root) {
    constexpr std::string_view kShape = "ProcessInstance";
    ProcessInstanceList list;
    list.process_instances = items_from<ProcessInstance>(root, "processInstances", "ProcessInstanceList",
                                                         [&](const Value& value) {
      ProcessInstance instance;
      instance.id = require_string(value, "id", kShape);
      const auto& owner = require_member(value, "owner", kShape);
      if (owner.IsObject()) {
        instance.owner.token = optional_string(owner, "token", "IIdentity").value_or("");
        instance.owner.user_id = optional_string(owner, "userId", "IIdentity").value_or("");
      }
      instance.correlation_id = require_string(value, "correlationId", kShape);
      instance.process_model_id = require_string(value, "processModelId", kShape);
      instance.parent_process_instance_id = optional_string(value, "parentProcessInstanceId", kShape);
      return instance;
    });
    list.total_count = count_or(root, "totalCount", list.process_instances.size(), "ProcessInstanceList");
    return list;
  });
}

ClientResult<CorrelationResultList> read_correlation_result_list(std::string_view text) {
  return read_document<CorrelationResultList>(text, "CorrelationResultList", [](const Value& root) {
    constexpr std::string_view kShape = "CorrelationResult";
    CorrelationResultList list;
    list.correlation_results = items_from<CorrelationResult>(root, "correlationResults", "CorrelationResultList",
                                                             [&](const Value& value) {
      CorrelationResult result;
      result.correlation_id = require_string(value, "correlationId", kShape);
      result.end_event_id = require_string(value, "endEventId", kShape);
      result.token_payload = raw_or_null(value, "tokenPayload");
      return result;
    });
    list.total_count = count_or(root, "totalCount", list.correlation_results.size(), "CorrelationResultList");
    return list;
  });
}

ClientResult<EventList> read_event_list(std::string_view text) {
  return read_document<EventList>(text, "EventList", [](const Value& root) {
    EventList list;
    list.events = events_from(root, "events", "EventList");
    list.total_count = count_or(root, "totalCount", list.events.size(), "EventList");
    return list;
  });
}

ClientResult<UserTaskList> read_user_task_list(std::string_view text) {
  return read_document<UserTaskList>(text, "UserTaskList", [](const Value& root) {
    UserTaskList list;
    list.user_tasks = items_from<UserTask>(root, "userTasks", "UserTaskList", user_task_from);
    list.total_count = count_or(root, "totalCount", list.user_tasks.size(), "UserTaskList");
    return list;
  });
}

ClientResult<ManualTaskList> read_manual_task_list(std::string_view text) {
  return read_document<ManualTaskList>(text, "ManualTaskList", [](const Value& root) {
    ManualTaskList list;
    list.manual_tasks = items_from<ManualTask>(root, "manualTasks", "ManualTaskList",
                                               [](const Value& value) { return task_from(value, "ManualTask"); });
    list.total_count = count_or(root, "totalCount", list.manual_tasks.size(), "ManualTaskList");
    return list;
  });
}

ClientResult<EmptyActivityList> read_empty_activity_list(std::string_view text) {
  return read_document<EmptyActivityList>(text, "EmptyActivityList", [](const Value& root) {
    EmptyActivityList list;
    list.empty_activities = items_from<EmptyActivity>(
        root, "emptyActivities", "EmptyActivityList", [](const Value& value) { return task_from(value, "EmptyActivity"); });
    list.total_count = count_or(root, "totalCount", list.empty_activities.size(), "EmptyActivityList");
    return list;
  });
}

ClientResult<TaskList> read_task_list(std::string_view text) {
  return read_document<TaskList>(text, "TaskList", [](const Value& root) {
    TaskList list;
    list.tasks = items_from<AnyTask>(root, "tasks", "TaskList", [](const Value& value) -> AnyTask {
      if (optional_string(value, "flowNodeType", "Task") == std::optional<std::string>("bpmn:UserTask")) {
        return user_task_from(value);
      }
      return task_from(value, "Task");
    });
    list.total_count = count_or(root, "totalCount", list.tasks.size(), "TaskList");
    return list;
  });
}

ClientResult<std::vector<ExternalTask>> read_external_tasks(std::string_view text) {
  return read_document<std::vector<ExternalTask>>(text, "ExternalTask[]", [](const Value& root) {
    constexpr std::string_view kShape = "ExternalTask";
    if (!root.IsArray()) throw detail::ShapeError("ExternalTask[]: expected a JSON array");
    std::vector<ExternalTask> tasks;
    for (const auto& value : root.GetArray()) {
      ExternalTask task;
      task.id = require_string(value, "id", kShape);
      task.worker_id = optional_string(value, "workerId", kShape).value_or("");
      task.topic = require_string(value, "topic", kShape);
      task.flow_node_instance_id = optional_string(value, "flowNodeInstanceId", kShape).value_or("");
      task.correlation_id = optional_string(value, "correlationId", kShape).value_or("");
      task.process_model_id = optional_string(value, "processModelId", kShape).value_or("");
      task.process_instance_id = optional_string(value, "processInstanceId", kShape).value_or("");
      task.identity = raw_or_null(value, "identity");
      task.payload = raw_or_null(value, "payload");
      task.lock_expiration_time = raw_or_null(value, "lockExpirationTime");
      task.state = optional_string(value, "state", kShape).value_or("");
      task.finished_at = optional_raw(value, "finishedAt");
      task.result = optional_raw(value, "result");
      task.error = optional_raw(value, "error");
      task.created_at = optional_raw(value, "createdAt");
      tasks.push_back(std::move(task));
    }
    return tasks;
  });
}

ClientResult<LoginResult> read_login_result(std::string_view text) {
  return read_document<LoginResult>(text, "LoginResult", [](const Value& root) {
    LoginResult result;
    result.identity.token = require_string(root, "token", "LoginResult");
    result.identity.user_id = optional_string(root, "userId", "LoginResult").value_or("");
    result.expires_at = optional_raw(root, "expiresAt");
    return result;
  });
}

ClientResult<HostPlugins> read_host_plugins(std::string_view text) {
  return read_document<HostPlugins>(text, "HostPlugins", [](const Value& root) {
    constexpr std::string_view kShape = "HostPlugins";
    HostPlugins result;
    const auto& host = require_member(root, "host", kShape);
    result.host_name = optional_string(host, "name", kShape).value_or("");
    result.host_version = optional_string(host, "version", kShape).value_or("");
    auto strings = [](const Value& plugin, const char* name) {
      std::vector<std::string> values;
      auto member = plugin.FindMember(name);
      if (member == plugin.MemberEnd()) return values;
      for (const auto& item : require_array(plugin, name, "LoadedPlugin").GetArray()) {
        if (!item.IsString()) throw detail::ShapeError(std::string("LoadedPlugin: '") + name + "' holds a non-string");
        values.emplace_back(item.GetString(), item.GetStringLength());
      }
      return values;
    };
    result.plugins = items_from<LoadedPlugin>(root, "plugins", kShape, [&](const Value& value) {
      LoadedPlugin plugin;
      plugin.name = require_string(value, "name", "LoadedPlugin");
      plugin.version = optional_string(value, "version", "LoadedPlugin").value_or("");
      plugin.library = optional_string(value, "library", "LoadedPlugin").value_or("");
      auto built_in = value.FindMember("builtIn");
      plugin.built_in = built_in != value.MemberEnd() && built_in->value.IsBool() ? built_in->value.GetBool()
                                                                                 : plugin.library.empty();
      plugin.provides = strings(value, "provides");
      plugin.requires_services = strings(value, "requires");
      return plugin;
    });
    return result;
  });
}

ClientResult<JsonText> read_any(std::string_view text) {
  return read_document<JsonText>(text, "JSON", [](const Value& root) { return detail::serialize(root); });
}

}  // namespace processhost::client::json
