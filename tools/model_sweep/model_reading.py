"""What the sweep needs to know of a diagram before and while it drives it, read from the XML
alone: the executable process, its start events and how each is triggered, the external-task
topics a worker must poll, and the timer, message and signal behind every element id."""

import re
import xml.etree.ElementTree as ElementTree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# Camunda 7 extension attributes appear under each of these namespaces in public models.
CAMUNDA = ("http://camunda.org/schema/1.0/bpmn", "http://activiti.org/bpmn", "http://camunda.org/bpmn")
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
EVENT_DEFINITIONS = ("messageEventDefinition", "signalEventDefinition", "timerEventDefinition",
                     "conditionalEventDefinition", "errorEventDefinition", "escalationEventDefinition",
                     "compensateEventDefinition", "linkEventDefinition", "terminateEventDefinition",
                     "cancelEventDefinition")


def local(tag):
    return tag.rsplit("}", 1)[-1]


def camunda_attribute(element, name):
    for namespace in CAMUNDA:
        value = element.get(f"{{{namespace}}}{name}")
        if value is not None:
            return value
    return None


class ModelInfo:
    """Raises ValueError for a document that is not XML or has no executable process."""

    def __init__(self, xml_text):
        try:
            self.root = ElementTree.fromstring(xml_text.encode() if isinstance(xml_text, str) else xml_text)
        except ElementTree.ParseError as error:
            raise ValueError(f"not well-formed XML: {error}") from error
        processes = [element for element in self.root if local(element.tag) == "process"]
        self.process_count = len(processes)
        executable = [element for element in processes if element.get("isExecutable") == "true"]
        if not executable:
            raise ValueError("no process with isExecutable=\"true\"")
        self.process = executable[0]
        self.process_id = self.process.get("id")
        self.executable_count = len(executable)
        self.messages = self._names("message")
        self.signals = self._names("signal")
        self.elements = {element.get("id"): element for element in self.root.iter() if element.get("id")}

    def _names(self, kind):
        return {element.get("id"): element.get("name") or element.get("id")
                for element in self.root if local(element.tag) == kind}

    def element_types(self):
        """Every BPMN element kind used inside the executable process (for the report)."""
        return sorted({local(element.tag) for element in self.process.iter()
                       if element.tag.startswith(f"{{{BPMN}}}")})

    def start_events(self):
        """The process's own start events: [(id, kind, trigger name or timer text)]."""
        starts = []
        for element in self.process:
            if local(element.tag) != "startEvent":
                continue
            kind, detail = self.trigger_of(element)
            starts.append((element.get("id"), kind, detail))
        return starts

    def trigger_of(self, element):
        """(kind, detail) of an event or receive task: kind is none, message, signal, timer,
        conditional, or another event definition's name."""
        if local(element.tag) == "receiveTask":
            return "message", self.messages.get(element.get("messageRef"), element.get("messageRef") or "")
        for child in element:
            name = local(child.tag)
            if name == "messageEventDefinition":
                ref = child.get("messageRef")
                return "message", self.messages.get(ref, ref or "")
            if name == "signalEventDefinition":
                ref = child.get("signalRef")
                return "signal", self.signals.get(ref, ref or "")
            if name == "timerEventDefinition":
                return "timer", timer_text(child)
            if name == "conditionalEventDefinition":
                condition = next((c.text or "" for c in child if local(c.tag) == "condition"), "")
                return "conditional", condition.strip()
            if name in EVENT_DEFINITIONS:
                return name.replace("EventDefinition", ""), ""
        return "none", ""

    def external_topics(self):
        """Topics of camunda:type="external" tasks and Zeebe task definitions, in the whole
        document (a worker polls them all)."""
        topics = set()
        for element in self.root.iter():
            topic = camunda_attribute(element, "topic")
            if topic:
                topics.add(topic)
            if element.tag == f"{{{ZEEBE}}}taskDefinition" and element.get("type"):
                topics.add(element.get("type"))
        return sorted(topics)

    def describe(self, element_id):
        """'bpmn type id (name)', plus what it waits for when it is an event or receive task."""
        element = self.elements.get(element_id)
        if element is None:
            return element_id
        text = f"{local(element.tag)} '{element_id}'"
        kind, detail = self.trigger_of(element)
        if kind != "none":
            text += f" [{kind}{': ' + detail if detail else ''}]"
        return text

    def unimplemented_tasks(self):
        """Service, send and business-rule tasks of the executable process that name no
        implementation this engine knows (no external topic, no Java attribute, no
        camunda:properties module): the engine runs them as no-ops, so a model that "ends"
        through them did not do its work."""
        found = []
        for element in self.process.iter():
            if local(element.tag) not in ("serviceTask", "sendTask", "businessRuleTask"):
                continue
            if any(camunda_attribute(element, name) for name in
                   ("type", "topic", "class", "delegateExpression", "expression", "decisionRef")):
                continue
            names = {prop.get("name") for prop in element.iter() if local(prop.tag) == "property"}
            if "module" in names and "method" in names:
                continue
            found.append(element.get("id"))
        return found

    def listeners(self):
        """camunda:executionListener and camunda:taskListener elements of the executable process
        ('<element id>: <kind> <implementation>'): the engine refuses those that name Java or a
        script and ignores empty ones, which a model that ran can only hold."""
        found = []
        for element in self.process.iter():
            for child in element:
                if local(child.tag) != "extensionElements":
                    continue
                for listener in child:
                    kind = local(listener.tag)
                    if kind not in ("executionListener", "taskListener"):
                        continue
                    how = next((f"{name}" for name in ("class", "delegateExpression", "expression")
                                if listener.get(name)), None)
                    if how is None:
                        script = next((c for c in listener if local(c.tag) == "script"), None)
                        how = f"{script.get('scriptFormat', '?')} script" if script is not None else "?"
                    found.append(f"{element.get('id')}: {kind} {how}")
        return found

    def timer_seconds(self, element_id):
        """Seconds until a timer element fires, when it is a plain ISO duration; None when it is
        a date, a cycle, an expression or unknown."""
        element = self.elements.get(element_id)
        if element is None:
            return None
        kind, detail = self.trigger_of(element)
        if kind != "timer":
            return None
        return iso_duration_seconds(detail)


def timer_text(definition):
    for child in definition:
        name = local(child.tag)
        if name in ("timeDuration", "timeDate", "timeCycle"):
            return f"{name} {(child.text or '').strip()}"
    return "no timer value"


DURATION = re.compile(r"^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def iso_duration_seconds(detail):
    if not detail.startswith("timeDuration "):
        return None
    match = DURATION.match(detail.split(" ", 1)[1])
    if not match:
        return None
    days, hours, minutes, seconds = (float(part) if part else 0.0 for part in match.groups())
    return days * 86400 + hours * 3600 + minutes * 60 + seconds
