#!/usr/bin/env python3
"""The web app in headless Chromium against the real host: log in, start the sample process,
see its task appear without a reload, fill and submit the form, see the instance finished
with its diagram marked. With --screenshots DIR it saves a PNG of each page on the way.

  browser_test.py --host-binary build/bin/processhost --demo-dir config/demo [--screenshots DIR]
"""

import argparse
import pathlib
import sys
import time
import uuid

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from host_under_test import HostUnderTest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_SECONDS = 15


def start_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,860", "--lang=en-US"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


class Flow:
    def __init__(self, host, browser, screenshot_dir):
        self.host = host
        self.browser = browser
        self.screenshot_dir = screenshot_dir
        # A live update may replace an element between finding it and reading it.
        self.wait = WebDriverWait(browser, WAIT_SECONDS,
                                  ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))

    def find(self, css):
        return self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def click(self, css):
        # Lists re-render when a notification arrives: an element found a moment ago may be
        # gone, so find and click again until one click lands.
        def try_click(driver):
            try:
                element = driver.find_element(By.CSS_SELECTOR, css)
                if not element.is_displayed() or not element.is_enabled():
                    return False
                element.click()
                return True
            except (NoSuchElementException, StaleElementReferenceException):
                return False
        self.wait.until(try_click)

    def screenshot(self, name):
        if self.screenshot_dir:
            time.sleep(0.3)  # let the diagram settle
            # Earlier pages' toasts would cover this page's content.
            self.browser.execute_script("document.getElementById('toasts').replaceChildren();")
            self.browser.save_screenshot(str(self.screenshot_dir / f"{name}.png"))

    def run(self):
        browser = self.browser
        browser.get(self.host.base_url + "/app")
        self.find("#login-form")
        self.screenshot("01-login")
        self.find("#login-username").send_keys("sampleUser")
        self.find("#login-password").send_keys("pass")
        self.click("#login-submit")
        self.find("main[data-view='tasks']")
        self.wait.until(lambda driver: driver.find_element(By.TAG_NAME, "body").get_attribute("data-live") == "on")
        # A reload would clear this; the task must arrive through the notification stream.
        browser.execute_script("window.loadedOnce = true;")

        browser.get(self.host.base_url + "/app#/start")
        browser.execute_script("window.loadedOnce = true;")
        self.find("form[data-process-model-id='sample_process']")
        self.screenshot("02-start")

        # One instance started here in the browser, then one from outside while the task
        # list is open: that one's task can only arrive through the live updates.
        correlation = "browser-" + uuid.uuid4().hex[:8]
        form = self.find("form[data-process-model-id='sample_process']")
        form.find_element(By.NAME, "correlation").send_keys(correlation)
        payload = form.find_element(By.NAME, "payload")
        payload.clear()
        payload.send_keys('{"source": "browser"}')
        form.find_element(By.CSS_SELECTOR, ".start-button").click()
        self.find(f"#task-list tr[data-correlation-id='{correlation}']")
        # The start event's token is the input values (the script task after it replaces them).
        token = self.host.login()
        status, tasks = self.host.call("GET", f"/api/consumer/v1/correlations/{correlation}/user_tasks", token=token)
        instance_id = tasks["userTasks"][0]["processInstanceId"]
        status, history = self.host.call("GET", f"/api/management/v1/process_instance/{instance_id}/token_history",
                                         token=token)
        entries = history[instance_id]["tokenHistoryEntries"]
        assert entries[0]["flowNodeId"] == "StartEvent_1" and entries[0]["payload"] == {"source": "browser"}, entries
        live_correlation = "live-" + uuid.uuid4().hex[:8]
        status, live_start = self.host.call("POST", "/api/consumer/v1/process_models/sample_process/start",
                                   {"correlationId": live_correlation}, token=self.host.login())
        assert status == 200, status
        self.find(f"#task-list tr[data-correlation-id='{live_correlation}']")
        assert browser.execute_script("return window.loadedOnce === true;"), "the page was reloaded"
        self.screenshot("03-tasks")

        self.click(f"#task-list tr[data-correlation-id='{correlation}'] a")
        checkbox = self.find("#task-form #field-TaskWasSuccessful")
        assert checkbox.get_attribute("type") == "checkbox"
        checkbox.click()
        self.screenshot("04-task-form")
        self.click("#task-finish")
        self.wait.until(EC.invisibility_of_element_located(
            (By.CSS_SELECTOR, f"#task-list tr[data-correlation-id='{correlation}']")))

        status, results = self.host.call(
            "GET", f"/api/consumer/v1/correlations/{correlation}/process_models/sample_process/results",
            token=self.host.login())
        assert status == 200 and results["correlationResults"][0]["tokenPayload"] == {
            "form_fields": {"TaskWasSuccessful": True}}, results

        browser.get(self.host.base_url + "/app#/instances")
        self.find("#instance-list")
        self.screenshot("06-instances")
        filters = self.find("#instance-filters")
        Select(filters.find_element(By.NAME, "state")).select_by_value("finished")
        filters.find_element(By.NAME, "correlation").send_keys(correlation)
        filters.find_element(By.CSS_SELECTOR, "button").click()
        self.click("#instance-list tr[data-state='finished'] a")

        self.find("#instance-summary .state[data-state='finished']")
        self.find("#diagram .djs-element[data-element-id='UserTask_1'].marker-completed")
        self.find("#diagram .djs-element[data-element-id='EndEvent_Success'].marker-completed")
        self.screenshot("07-instance-finished")

        # The live instance's page while it waits: its user task marked active from history.
        browser.get(self.host.base_url + "/app#/instance/" + live_start["processInstanceId"])
        self.find("#diagram .djs-element[data-element-id='UserTask_1'].marker-active")
        self.find("#diagram .djs-element[data-element-id='StartEvent_1'].marker-completed")
        self.find("#token-history")
        self.screenshot("08-instance-running")
        # Its task finished elsewhere: the open page shows the instance ended, without a reload.
        token = self.host.login()
        status, tasks = self.host.call("GET", f"/api/consumer/v1/correlations/{live_correlation}/user_tasks", token=token)
        task = tasks["userTasks"][0]
        status, _ = self.host.call(
            "POST", f"/api/consumer/v1/processes/{task['processInstanceId']}/correlations/{live_correlation}"
            f"/usertasks/{task['flowNodeInstanceId']}/finish", {"formFields": {"TaskWasSuccessful": False}}, token=token)
        assert status == 204, status
        self.find("#instance-summary .state[data-state='finished']")
        self.find("#diagram .djs-element[data-element-id='UserTask_1'].marker-completed")
        assert browser.execute_script("return window.loadedOnce === true;"), "the page was reloaded"

        self.run_typed_form()

        browser.get(self.host.base_url + "/app#/models")
        self.find("#model-list tr[data-process-model-id='sample_process']")
        # The file chooser and the drop zone hand the file to the same deploy.
        self.find("#deploy-file").send_keys(str(pathlib.Path(__file__).with_name("broken_process.bpmn")))
        problems = self.find("#deploy-problems")
        rows = [row.text for row in problems.find_elements(By.CSS_SELECTOR, "tbody tr")]
        assert any(row.startswith("F1 ") and "dangling" in row for row in rows), rows
        assert any(row.startswith("Java ") and "implemented in Java" in row for row in rows), rows
        self.screenshot("09-models-deploy-problems")

        # A file dropped on the drop zone, as a drag from the desktop delivers it.
        xml = pathlib.Path(__file__).with_name("processes").joinpath("form_process.bpmn").read_text()
        xml = xml.replace("form_process", "dropped_process")
        browser.execute_script("""
            const transfer = new DataTransfer();
            transfer.items.add(new File([arguments[0]], 'dropped_process.bpmn', {type: 'application/xml'}));
            const zone = document.getElementById('dropzone');
            zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: transfer, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true}));
        """, xml)
        self.wait.until(lambda driver: driver.find_element(By.ID, "deploy-result").text
                        == "Deployed dropped_process from dropped_process.bpmn.")
        self.find("#model-list tr[data-process-model-id='dropped_process']")
        status, model = self.host.call("GET", "/api/consumer/v1/process_models/dropped_process", token=self.host.login())
        assert status == 200 and model["startEvents"][0]["id"] == "Start", model
        self.check_versions(xml)

        self.check_paging()

        # The refused deploy's 422 is expected; any other error in the console fails the test.
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"
                  and "/broken_process/update - Failed to load resource: the server responded with a status of 422"
                  not in entry["message"]]
        assert not errors, errors


    def check_versions(self, xml):
        """A second deployment of dropped_process: the Models page lists both versions, the
        newest first and marked latest, as the Management API numbers them."""
        browser = self.browser
        second = xml.replace('name="Order received"', 'name="Order received again"', 1)
        assert second != xml, "the second version must differ from the first"
        browser.execute_script("""
            const transfer = new DataTransfer();
            transfer.items.add(new File([arguments[0]], 'dropped_process_v2.bpmn', {type: 'application/xml'}));
            document.getElementById('dropzone').dispatchEvent(
                new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true}));
        """, second)
        self.wait.until(lambda driver: driver.find_element(By.ID, "deploy-result").text
                        == "Deployed dropped_process from dropped_process_v2.bpmn.")
        status, listed = self.host.call("GET", "/api/management/v1/process_models/dropped_process/versions",
                                        token=self.host.login())
        assert status == 200 and [v["version"] for v in listed["versions"]] == [1, 2], listed
        assert [v["latest"] for v in listed["versions"]] == [False, True], listed
        row = "#model-list tr[data-process-model-id='dropped_process'] .versions li"
        self.wait.until(lambda driver: len(driver.find_elements(By.CSS_SELECTOR, row)) == 2)
        items = browser.find_elements(By.CSS_SELECTOR, row)
        assert [item.get_attribute("data-version") for item in items] == ["2", "1"], [i.text for i in items]
        assert [item.get_attribute("data-hash") for item in items] == [listed["versions"][1]["hash"],
                                                                     listed["versions"][0]["hash"]]
        assert items[0].get_attribute("data-latest") == "true" and "latest" in items[0].text, items[0].text
        assert items[1].get_attribute("data-latest") == "false" and "latest" not in items[1].text, items[1].text
        assert items[0].text.startswith("v2 · ") and items[1].text.startswith("v1 · "), [i.text for i in items]
        # The sample process has one version.
        sample = browser.find_elements(By.CSS_SELECTOR, "#model-list tr[data-process-model-id='sample_process'] .versions li")
        assert len(sample) == 1 and sample[0].get_attribute("data-latest") == "true", [i.text for i in sample]
        self.screenshot("11-models-versions")

    def check_paging(self):
        """The instance list pages in the store: 20 a page, the position and Next."""
        token = self.host.login()
        for number in range(25):
            status, _ = self.host.call("POST", "/api/consumer/v1/process_models/sample_process/start",
                                       {"correlationId": f"paging-{number}"}, token=token)
            assert status == 200, status
        status, running = self.host.call(
            "GET", "/api/management/v1/process_instances/by_state/running?offset=0&limit=1", token=token)
        total = running["totalCount"]
        assert total >= 25, running
        self.browser.get(self.host.base_url + "/app#/instances")
        filters = self.find("#instance-filters")
        Select(filters.find_element(By.NAME, "state")).select_by_value("running")
        for name in ("model", "correlation"):
            filters.find_element(By.NAME, name).clear()
        self.click("#instance-filters button")
        self.wait.until(lambda driver: driver.find_element(By.ID, "pager-position").text == f"1–20 of {total}")
        assert len(self.browser.find_elements(By.CSS_SELECTOR, "#instance-list tbody tr")) == 20
        self.click("#pager-next")
        self.wait.until(lambda driver: driver.find_element(By.ID, "pager-position").text == f"21–{total} of {total}")
        assert len(self.browser.find_elements(By.CSS_SELECTOR, "#instance-list tbody tr")) == total - 20

    def run_typed_form(self):
        """A form of every field type: defaults shown, a bad value refused in the browser,
        the values sent with their JSON types."""
        browser = self.browser
        browser.get(self.host.base_url + "/app#/start")
        form = self.find("form[data-process-model-id='form_process']")
        correlation = "form-" + uuid.uuid4().hex[:8]
        form.find_element(By.NAME, "correlation").send_keys(correlation)
        # The input values as name/value rows: "42" and "true" are JSON, "Ada" is text.
        form.find_element(By.CSS_SELECTOR, ".payload-modes button[data-mode='form']").click()
        for number, (name, value) in enumerate((("orderId", "42"), ("rush", "true"), ("buyer", "Ada"))):
            rows = form.find_elements(By.CSS_SELECTOR, ".payload-row")
            if number == len(rows):
                rows[-1].find_element(By.TAG_NAME, "button").click()
                rows = form.find_elements(By.CSS_SELECTOR, ".payload-row")
            rows[number].find_element(By.NAME, "valueName").send_keys(name)
            rows[number].find_element(By.NAME, "valueText").send_keys(value)
        self.screenshot("02-start-form-payload")
        form.find_element(By.CSS_SELECTOR, ".start-button").click()
        self.click(f"#task-list tr[data-correlation-id='{correlation}'] a")
        status, tasks = self.host.call("GET", f"/api/consumer/v1/correlations/{correlation}/user_tasks",
                                       token=self.host.login())
        assert tasks["userTasks"][0]["tokenPayload"] == {"orderId": 42, "rush": True, "buyer": "Ada"}, tasks
        task_form = self.find("#task-form")
        # The model's camunda:assignee (an expression over the start values) and candidate groups.
        assignment = task_form.find_element(By.ID, "task-assignment").text
        assert assignment == "assignee Ada · groups shipping, sales", assignment
        field = lambda name: task_form.find_element(By.ID, "field-" + name)
        assert field("customer").get_attribute("value") == "Ada Lovelace"
        assert field("quantity").get_attribute("value") == "3"
        assert field("approved").is_selected()
        assert Select(field("priority")).first_selected_option.get_attribute("value") == "normal"
        assert field("deliverBy").get_attribute("type") == "date"

        field("quantity").clear()
        field("quantity").send_keys("2.5")
        self.click("#task-finish")
        error = self.find("#task-form .error")
        self.wait.until(lambda driver: error.text.startswith("Quantity:"))
        assert "invalid" in field("quantity").get_attribute("class")
        self.screenshot("05-task-form-invalid")

        field("quantity").clear()
        field("quantity").send_keys("12")
        browser.execute_script("arguments[0].value = '2026-12-24';", field("deliverBy"))
        Select(field("priority")).select_by_value("high")
        self.click("#task-finish")
        # The manual task that follows arrives through the stream; it finishes with a button.
        self.click(f"#task-list tr[data-correlation-id='{correlation}'][data-kind='manual_tasks'] a")
        self.wait.until(lambda driver: driver.find_element(By.CSS_SELECTOR, "#task-form h2").text == "Pack the order")
        # The form's values are the token the manual task waits with.
        token = self.host.login()
        status, manual = self.host.call("GET", f"/api/consumer/v1/correlations/{correlation}/manual_tasks", token=token)
        assert status == 200 and manual["manualTasks"][0]["tokenPayload"] == {"form_fields": {
            "customer": "Ada Lovelace", "quantity": 12, "approved": True, "deliverBy": "2026-12-24",
            "priority": "high"}}, manual
        self.click("#task-finish")
        self.wait.until(EC.invisibility_of_element_located(
            (By.CSS_SELECTOR, f"#task-list tr[data-correlation-id='{correlation}']")))
        status, results = self.host.call(
            "GET", f"/api/consumer/v1/correlations/{correlation}/process_models/form_process/results", token=token)
        assert status == 200 and results["correlationResults"][0]["endEventId"] == "Done", results


def check_open_host_without_management_api(browser, host_binary, demo_dir, screenshot_dir):
    """Without iam the app runs open (no login); a page whose plugin is missing says so."""
    with HostUnderTest(host_binary, demo_dir, plugins=("consumer_api", "web")) as host:
        flow = Flow(host, browser, screenshot_dir)
        browser.get(host.base_url + "/app#/tasks")
        flow.find("main[data-view='tasks']")
        assert browser.find_element(By.ID, "user").text == "open host"
        assert not browser.find_elements(By.ID, "login-form")
        browser.get(host.base_url + "/app#/instances")
        notice = flow.find("main[data-view='instances'] .notice[data-missing='management_api']")
        assert "management_api" in notice.text, notice.text
        flow.screenshot("10-open-host-missing-plugin")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host-binary", required=True)
    parser.add_argument("--demo-dir", required=True)
    parser.add_argument("--screenshots", type=pathlib.Path)
    arguments = parser.parse_args()
    if arguments.screenshots:
        arguments.screenshots.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with HostUnderTest(arguments.host_binary, arguments.demo_dir) as host:
        browser = start_browser()
        try:
            Flow(host, browser, arguments.screenshots).run()
        except Exception:
            print("host log:\n" + host.log(), file=sys.stderr)
            for entry in browser.get_log("browser"):
                print("browser:", entry, file=sys.stderr)
            browser.quit()
            raise
    try:
        # A fresh session: the token of the first host means nothing to this one.
        browser.delete_all_cookies()
        browser.get("about:blank")
        check_open_host_without_management_api(browser, arguments.host_binary, arguments.demo_dir, arguments.screenshots)
    finally:
        browser.quit()
    print(f"browser flow passed in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
