"""Drives one deployed diagram to its end as a user and a worker would, and says how far it got.

Classes (in the order of the summary):
  ran_to_end     every instance the sweep started (or triggered) finished
  refused        the deploy was answered with an error (the engine's text is the detail)
  start_failed   the model deployed but could not be started (the API's answer is the detail)
  failed         an instance ended in error, or finishing a task was refused
  long_timer     nothing is left to do but a timer that will not fire within the limit
  stuck          nothing is left to do and what waits is not a timer (the detail names it)
  no_end         work kept coming until the time budget ran out (a loop, or a cycle timer)
  not_executable the document has no isExecutable="true" process (not deployed)
"""

import time
import urllib.parse

from host_instance import HostInstance
from model_reading import ModelInfo

CLASSES = ("ran_to_end", "refused", "start_failed", "failed", "long_timer", "stuck", "no_end",
           "not_executable")
MANAGEMENT = "/api/management/v1"
EXTERNAL = "/api/external_task/v1"
ENDED = ("finished", "terminated")
WORKER = "model-sweep"


class Outcome:
    def __init__(self, path):
        self.path = str(path)
        self.process_id = ""
        self.klass = ""
        self.detail = ""
        self.problems = []       # the engine's list of deploy problems, each {elementId, message}
        self.actions = []        # what the sweep did, in order
        self.log_lines = []      # the host's warnings and errors while the diagram ran
        self.elements = []
        self.seconds = 0.0

    def as_dict(self):
        return dict(self.__dict__, **{"class": self.klass})


def form_value(field):
    """The value a user would leave in a form field: its default, else a plain value of its type."""
    if "defaultValue" in field and field["defaultValue"] not in (None, ""):
        return field["defaultValue"]
    kind = field.get("type")
    if kind == "boolean":
        return True
    if kind in ("long", "number"):
        return 0
    if kind == "enum" and field.get("enumValues"):
        return field["enumValues"][0].get("id")
    if kind == "date":
        return "2026-01-01"
    return ""


class Driver:
    def __init__(self, host_binary, timer_limit=10.0, budget=60.0, poll=0.2, inputs=None):
        self.host_binary = host_binary
        self.inputs = inputs or {}
        self.timer_limit = timer_limit
        self.budget = budget
        self.poll = poll

    def run(self, path):
        outcome = Outcome(path)
        began = time.monotonic()
        try:
            xml = open(path, encoding="utf-8", errors="replace").read()
            try:
                model = ModelInfo(xml)
            except ValueError as error:
                outcome.klass, outcome.detail = "not_executable", str(error)
                return outcome
            outcome.process_id = model.process_id
            outcome.elements = model.element_types()
            with HostInstance(self.host_binary) as host:
                Drive(host, model, xml, outcome, self).run()
        except RuntimeError as error:
            outcome.klass, outcome.detail = "failed", f"host: {error}"[:2000]
        finally:
            outcome.seconds = round(time.monotonic() - began, 1)
        return outcome


class Drive:
    """One diagram in one fresh host."""

    def __init__(self, host, model, xml, outcome, settings):
        self.host = host
        self.model = model
        self.xml = xml
        self.outcome = outcome
        self.settings = settings
        self.model_path = urllib.parse.quote(model.process_id, safe="")
        self.owned = []                  # instance ids the sweep started or triggered
        self.triggered = set()           # waiting event flow node instances already triggered
        self.finish_refusals = {}        # task flow node instance id -> answer
        self.input_values = settings.inputs.get(outcome.path.rsplit("/", 1)[-1], {})

    def act(self, text):
        self.outcome.actions.append(text)

    def run(self):
        outcome = self.outcome
        log_start = self.host.log_line_count()
        try:
            if not self.deploy():
                return
            if not self.start():
                return
            self.drive()
        finally:
            outcome.log_lines = self.host.notable_log_lines(log_start)[:20]

    # --- deploy and start -------------------------------------------------------------------

    def deploy(self):
        status, body = self.host.call(
            "POST", f"{MANAGEMENT}/process_models/{self.model_path}/update",
            {"xml": self.xml, "overwriteExisting": True}, timeout=60)
        if status == 204:
            self.act("deployed")
            return True
        self.outcome.klass = "refused"
        self.outcome.detail = f"{status} {(body or {}).get('message', '')}"
        info = (body or {}).get("additionalInformation")
        if isinstance(info, list):
            self.outcome.problems = info
        elif info:
            self.outcome.problems = [info]
        return False

    def start(self):
        status, body = self.host.call("GET", f"{MANAGEMENT}/process_models/{self.model_path}/start_events")
        startable = {event["id"] for event in (body or {}).get("events", [])} if status == 200 else set()
        starts = self.model.start_events()
        answers = []
        waits_for_timer = []
        for event_id, kind, detail in starts:
            if kind == "none":
                if event_id not in startable:
                    answers.append(f"start event '{event_id}' not offered by the API")
                    continue
                status, body = self.host.call(
                    "POST", f"{MANAGEMENT}/process_models/{self.model_path}/start"
                            f"?start_event_id={urllib.parse.quote(event_id, safe='')}&start_callback_type=1",
                    {"inputValues": self.input_values})
                if status == 200:
                    self.owned.append(body["processInstanceId"])
                    self.act(f"started at '{event_id}'")
                else:
                    answers.append(f"start at '{event_id}': {status} {(body or {}).get('message', '')}")
            elif kind in ("message", "signal"):
                status, body = self.host.call(
                    "POST", f"{MANAGEMENT}/{kind}/{urllib.parse.quote(detail, safe='')}/trigger",
                    {"currentToken": self.input_values})
                self.act(f"triggered {kind} start '{detail}' ({status})")
                if status != 204:
                    answers.append(f"{kind} start '{detail}': {status} {(body or {}).get('message', '')}")
            elif kind == "timer":
                waits_for_timer.append(f"{event_id} ({detail})")
            else:
                answers.append(f"start event '{event_id}' is {kind}-triggered: cannot be started by hand")
        if not self.owned:
            # Message, signal and timer starts show as new instances of the model.
            deadline = time.monotonic() + (self.settings.timer_limit + 2 if waits_for_timer else 2)
            while time.monotonic() < deadline and not self.owned:
                self.owned.extend(instance["processInstanceId"] for instance in self.instances())
                time.sleep(self.settings.poll)
            if self.owned:
                self.act(f"instance appeared ({', '.join(waits_for_timer) or 'triggered start'})")
        if self.owned:
            return True
        if waits_for_timer and not answers:
            self.outcome.klass = "long_timer"
            self.outcome.detail = ("timer start event did not fire within "
                                   f"{self.settings.timer_limit:.0f} s: {'; '.join(waits_for_timer)}"
                                   f"; {self.scheduled_cronjobs()}")
        else:
            self.outcome.klass = "start_failed"
            self.outcome.detail = "; ".join(answers + waits_for_timer) or "no start event"
        return False

    def scheduled_cronjobs(self):
        status, body = self.host.call("GET", f"{MANAGEMENT}/cronjobs/active?limit=0")
        jobs = [job for job in (body or {}).get("cronjobs", []) if job.get("processModelId") == self.model.process_id]
        if not jobs:
            return "no cron job scheduled for it"
        return "scheduled: " + ", ".join(
            f"{job.get('startEventId')} '{job.get('crontab')}' next {job.get('nextExecution')}" for job in jobs)

    def end_events(self, instances):
        """The end events the instances reached, from the Consumer API's correlation results."""
        reached = []
        for instance in instances:
            status, body = self.host.call(
                "GET", f"/api/consumer/v1/correlations/{urllib.parse.quote(instance['correlationId'], safe='')}"
                       f"/process_models/{self.model_path}/results")
            for result in (body or {}).get("correlationResults", []) if status == 200 else []:
                reached.append(result.get("endEventId") or "?")
        return reached

    def instances(self):
        status, body = self.host.call(
            "GET", f"{MANAGEMENT}/process_instances/by_process_model/{self.model_path}?limit=0")
        return (body or {}).get("processInstances", []) if status == 200 else []

    # --- the loop ---------------------------------------------------------------------------

    def drive(self):
        settings = self.settings
        deadline = time.monotonic() + settings.budget
        idle_since = time.monotonic()
        while time.monotonic() < deadline:
            if not self.host.alive():
                self.outcome.klass, self.outcome.detail = "failed", "the host process exited"
                return
            states = {i["processInstanceId"]: i for i in self.instances()}
            owned = [states.get(pid) for pid in self.owned]
            failed = [i for i in owned if i and i["state"] == "error"]
            if failed:
                self.outcome.klass = "failed"
                error = failed[0].get("error")
                if isinstance(error, dict):
                    error = f"{error.get('code', '')} {error.get('message', '')}".strip()
                self.outcome.detail = f"instance error: {error}"
                return
            if self.finish_refusals:
                task, answer = next(iter(self.finish_refusals.items()))
                self.outcome.klass, self.outcome.detail = "failed", f"finishing {task}: {answer}"
                return
            if owned and all(i and i["state"] in ENDED for i in owned):
                self.outcome.klass = "ran_to_end"
                terminated = [i for i in owned if i["state"] == "terminated"]
                reached = self.end_events(owned)
                self.outcome.detail = (f"{len(owned)} instance(s) ended at {', '.join(reached)}" if reached else
                                       f"{len(owned)} instance(s) finished WITHOUT reaching an end event "
                                       "(no correlation result)") + (
                    f", {len(terminated)} terminated" if terminated else "")
                no_ops = self.model.unimplemented_tasks()
                if no_ops:
                    self.outcome.detail += (f"; the model has {len(no_ops)} service/send/business-rule task(s) "
                                            f"without an implementation this engine knows (no-ops): {', '.join(no_ops)}")
                listeners = self.model.listeners()
                if listeners:
                    self.outcome.detail += (f"; {len(listeners)} Camunda listener(s) were accepted and ignored: "
                                            f"{', '.join(listeners)}")
                return
            if self.step():
                idle_since = time.monotonic()
                continue
            waiting = self.waiting_nodes()
            idle = time.monotonic() - idle_since
            timers = [(node, self.model.timer_seconds(node)) for node in waiting
                      if self.model.describe(node).find("[timer") >= 0]
            limit = settings.timer_limit + 2
            if timers and all(seconds is not None and seconds <= settings.timer_limit for _, seconds in timers):
                limit = max(seconds for _, seconds in timers) + 3
            if idle > limit:
                described = ", ".join(self.model.describe(node) for node in waiting) or "no active token"
                if timers:
                    self.outcome.klass = "long_timer"
                else:
                    self.outcome.klass = "stuck"
                self.outcome.detail = f"waits on {described}"
                return
            time.sleep(settings.poll)
        waiting = ", ".join(self.model.describe(node) for node in self.waiting_nodes())
        self.outcome.klass = "no_end"
        self.outcome.detail = f"still busy after {settings.budget:.0f} s ({len(self.outcome.actions)} actions); waits on {waiting}"

    def waiting_nodes(self):
        nodes = []
        for pid in self.owned:
            status, body = self.host.call("GET", f"{MANAGEMENT}/process_instance/{pid}/active_tokens?limit=0")
            if status == 200:
                nodes.extend(token["flowNodeId"] for token in body.get("activeTokens", []))
        return sorted(set(nodes))

    def step(self):
        """One round of everything a user, a sender and a worker can do now; True when anything
        was done."""
        did = False
        base = f"{MANAGEMENT}/process_models/{self.model_path}"
        status, body = self.host.call("GET", f"{base}/user_tasks?limit=0")
        for task in (body or {}).get("userTasks", []) if status == 200 else []:
            fields = {field["id"]: form_value(field) for field in (task.get("data") or {}).get("formFields", [])}
            did |= self.finish(task, "usertasks", {"formFields": fields}, f"user task '{task['id']}' {fields or ''}")
        for kind, key, route in (("manual_tasks", "manualTasks", "manual_tasks"),
                                 ("empty_activities", "emptyActivities", "empty_activities")):
            status, body = self.host.call("GET", f"{base}/{kind}?limit=0")
            for task in (body or {}).get(key, []) if status == 200 else []:
                did |= self.finish(task, route, {}, f"{kind[:-1].replace('_', ' ')} '{task['id']}'")
        status, body = self.host.call("GET", f"{base}/events/waiting?limit=0")
        for event in (body or {}).get("events", []) if status == 200 else []:
            kind = {"messageEvent": "message", "signalEvent": "signal"}.get(event.get("eventType"))
            if not kind or event["flowNodeInstanceId"] in self.triggered:
                continue
            self.triggered.add(event["flowNodeInstanceId"])
            name = event.get("eventName", "")
            status, answer = self.host.call(
                "POST", f"{MANAGEMENT}/{kind}/{urllib.parse.quote(name, safe='')}/trigger", {"currentToken": {}})
            self.act(f"triggered {kind} '{name}' for '{event['id']}' ({status})")
            did = True
        for topic in self.model.external_topics():
            status, tasks = self.host.call("POST", f"{EXTERNAL}/fetch_and_lock", {
                "workerId": WORKER, "topicName": topic, "maxTasks": 10, "lockDuration": 30000})
            for task in tasks if status == 200 and isinstance(tasks, list) else []:
                status, answer = self.host.call("POST", f"{EXTERNAL}/task/{task['id']}/finish",
                                                {"workerId": WORKER, "result": {}})
                self.act(f"external task '{topic}' finished ({status})")
                if status != 204:
                    self.finish_refusals[f"external task '{topic}'"] = f"{status} {(answer or {}).get('message', '')}"
                did = True
        return did

    def finish(self, task, route, body, text):
        key = task["flowNodeInstanceId"]
        status, answer = self.host.call(
            "POST", f"{MANAGEMENT}/processes/{task['processInstanceId']}/correlations/"
                    f"{urllib.parse.quote(task['correlationId'], safe='')}/{route}/{key}/finish", body)
        self.act(f"finished {text} ({status})")
        if status == 404:
            # Gone since the list was read (a boundary event or another path ended it): not an
            # error of the model; the next round reads the lists again.
            return True
        if status != 204:
            self.finish_refusals[text] = f"{status} {(answer or {}).get('message', '')}"
        return True
