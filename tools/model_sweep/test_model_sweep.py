"""Unit tests of the parts of model_sweep that need no host: reading a diagram and grouping
messages into causes. Run with `python3 -m unittest discover tools/model_sweep`."""

import pathlib
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from causes import cause_of, ranked_causes  # noqa: E402
from driving import Outcome, form_value  # noqa: E402
from model_reading import ModelInfo, iso_duration_seconds  # noqa: E402

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:message id="m1" name="order-placed"/>
  <bpmn:signal id="s1" name="stop"/>
  <bpmn:process id="pool" isExecutable="false"/>
  <bpmn:process id="orders" isExecutable="true">
    <bpmn:startEvent id="byHand"/>
    <bpmn:startEvent id="byMessage"><bpmn:messageEventDefinition messageRef="m1"/></bpmn:startEvent>
    <bpmn:startEvent id="bySignal"><bpmn:signalEventDefinition signalRef="s1"/></bpmn:startEvent>
    <bpmn:startEvent id="byTimer"><bpmn:timerEventDefinition>
      <bpmn:timeCycle>R3/PT10H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
    <bpmn:serviceTask id="external" camunda:type="external" camunda:topic="charge"/>
    <bpmn:serviceTask id="zeebe"><bpmn:extensionElements>
      <zeebe:taskDefinition type="ship"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:serviceTask id="method"><bpmn:extensionElements><camunda:properties>
      <camunda:property name="module" value="m"/><camunda:property name="method" value="f"/>
    </camunda:properties></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sendTask id="bare"/>
    <bpmn:userTask id="review"><bpmn:extensionElements>
      <camunda:executionListener class="org.example.Audit" event="start"/>
      <camunda:taskListener event="create"><camunda:script scriptFormat="groovy">x</camunda:script></camunda:taskListener>
    </bpmn:extensionElements></bpmn:userTask>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>
      <bpmn:timeDuration>PT1M30S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:receiveTask id="receive" messageRef="m1"/>
  </bpmn:process>
</bpmn:definitions>"""


class ModelReadingTest(unittest.TestCase):
    def setUp(self):
        self.model = ModelInfo(DIAGRAM)

    def test_the_executable_process_is_chosen_over_a_pool_without_process(self):
        self.assertEqual(self.model.process_id, "orders")
        self.assertEqual(self.model.process_count, 2)
        self.assertEqual(self.model.executable_count, 1)

    def test_start_events_say_how_each_is_triggered(self):
        self.assertEqual(self.model.start_events(), [
            ("byHand", "none", ""), ("byMessage", "message", "order-placed"),
            ("bySignal", "signal", "stop"), ("byTimer", "timer", "timeCycle R3/PT10H")])

    def test_topics_of_camunda_and_zeebe_workers(self):
        self.assertEqual(self.model.external_topics(), ["charge", "ship"])

    def test_tasks_without_an_implementation_the_engine_knows(self):
        self.assertEqual(self.model.unimplemented_tasks(), ["zeebe", "bare"])

    def test_listeners_are_listed_with_their_implementation(self):
        self.assertEqual(self.model.listeners(), [
            "review: executionListener class", "review: taskListener groovy script"])

    def test_timers_and_receive_tasks_are_described(self):
        self.assertEqual(self.model.timer_seconds("wait"), 90.0)
        self.assertIsNone(self.model.timer_seconds("byTimer"))
        self.assertEqual(self.model.describe("receive"), "receiveTask 'receive' [message: order-placed]")

    def test_documents_that_cannot_run_are_told_apart(self):
        with self.assertRaisesRegex(ValueError, "not well-formed"):
            ModelInfo("<bpmn:definitions")
        with self.assertRaisesRegex(ValueError, "isExecutable"):
            ModelInfo(DIAGRAM.replace('isExecutable="true"', 'isExecutable="false"'))


class DurationTest(unittest.TestCase):
    def test_iso_durations(self):
        self.assertEqual(iso_duration_seconds("timeDuration PT0.1S"), 0.1)
        self.assertEqual(iso_duration_seconds("timeDuration P2D"), 172800.0)
        self.assertEqual(iso_duration_seconds("timeDuration P1DT1H"), 90000.0)
        self.assertIsNone(iso_duration_seconds("timeDuration ${later}"))
        self.assertIsNone(iso_duration_seconds("timeDate 2026-01-01T00:00:00Z"))


class FormValueTest(unittest.TestCase):
    def test_defaults_win_and_types_get_a_plain_value(self):
        self.assertEqual(form_value({"type": "long", "defaultValue": 7}), 7)
        self.assertIs(form_value({"type": "boolean"}), True)
        self.assertEqual(form_value({"type": "enum", "enumValues": [{"id": "a"}, {"id": "b"}]}), "a")
        self.assertEqual(form_value({"type": "string"}), "")


class CausesTest(unittest.TestCase):
    def test_ids_and_expressions_are_folded_into_one_cause(self):
        first = cause_of("service task 'a' is implemented in Java (camunda:class=\"x.Y\")")
        second = cause_of("service task 'b' is implemented in Java (camunda:class=\"z.W\")")
        self.assertEqual(first, second)
        self.assertNotEqual(cause_of("condition ${a > 1} (line 2)"), cause_of("script task 'a' has no script"))

    def test_causes_are_ranked_by_files(self):
        def outcome(name, klass, problems=(), detail=""):
            result = Outcome(f"/x/{name}")
            result.klass, result.problems, result.detail = klass, list(problems), detail
            return result
        java = {"elementId": "t", "message": "service task 't' is implemented in Java"}
        dmn = {"elementId": "r", "message": "element bpmn:businessRuleTask 'r' is not supported"}
        ranked = ranked_causes([outcome("a.bpmn", "refused", [java, java]),
                                outcome("b.bpmn", "refused", [java, dmn]),
                                outcome("c.bpmn", "ran_to_end")])
        self.assertEqual([(len(files), files) for _, _, files in ranked],
                         [(2, ["a.bpmn", "b.bpmn"]), (1, ["b.bpmn"])])


if __name__ == "__main__":
    unittest.main()
