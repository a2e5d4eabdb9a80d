'use strict';
// Drives the original Management API client (@process-engine/management_api_client 6.2.0), as
// it is, against a running host: every client method whose route the host serves, checked
// against what the host must answer, and the socket.io subscriptions of /management_api,
// the cronjob events included. Prints one JSON object (the methods called, the events
// received, the cronjob figures) and exits 0, or 1 with the failed check.
//
//   node original_management_client.js http://127.0.0.1:8000 MODELS_DIR CRON_MODELS_DIR

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const {ManagementApiClient, ExternalAccessor} = require('@process-engine/management_api_client');
const {HttpClient} = require('@essential-projects/http');

const [baseUrl, modelsDir, cronModelsDir] = process.argv.slice(2);
const kTimeoutMs = 20000;
const called = [];
const received = {};

// The model with a cron start event (every second), deployed and deleted through the client.
const kCronModel = 'mgmt_e2e_cron';
const kCronStartEvent = 'Start_Cron';
const kCrontab = '* * * * * *';

// The flow nodes of mgmt_ops.
const kOpsFlowNodes = ['End_Ops', 'Join', 'Ops_Catch_Message', 'Ops_Catch_Signal', 'Ops_Empty_Task',
  'Ops_Manual_Task', 'Ops_Script', 'Ops_User_Task', 'Split', 'Start_Ops'];

function record(name) {
  return (message) => {
    received[name] = received[name] || [];
    received[name].push(message);
  };
}

function waitFor(check, what) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + kTimeoutMs;
    const probe = async () => {
      const value = await check();
      if (value) return resolve(value);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      return setTimeout(probe, 20);
    };
    probe().catch(reject);
  });
}

async function login(username, password) {
  const http = new HttpClient();
  http.config = {url: baseUrl};
  const reply = await http.post('iam/login', {username, password});
  return {token: reply.result.token, userId: reply.result.userId};
}

// Calls client[method](...args), remembering that it was called.
function via(client) {
  return new Proxy(client, {
    get(target, name) {
      const member = target[name];
      if (typeof member !== 'function') return member;
      return (...args) => {
        if (!called.includes(name)) called.push(name);
        return member.apply(target, args);
      };
    },
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function statusOf(promise) {
  try {
    await promise;
    return 200;
  } catch (error) {
    return error.code;
  }
}

const mine = (name, instance) => (received[name] || []).find((m) => m.processInstanceId === instance);

// min <= first quartile <= median <= third quartile <= max, the mean within; all >= 0.
function assertPlausibleRuntime(info, processModelId) {
  const what = `the run times of ${info.flowNodeId}: ${JSON.stringify(info)}`;
  assert.strictEqual(info.processModelId, processModelId, what);
  for (const key of ['arithmeticMeanRuntimeInMs', 'firstQuartileRuntimeInMs', 'medianRuntimeInMs',
    'thirdQuartileRuntimeInMs', 'minRuntimeInMs', 'maxRuntimeInMs']) {
    assert.ok(typeof info[key] === 'number' && Number.isFinite(info[key]), `${key} of ${what}`);
  }
  assert.ok(info.minRuntimeInMs >= 0, what);
  assert.ok(info.minRuntimeInMs <= info.firstQuartileRuntimeInMs, what);
  assert.ok(info.firstQuartileRuntimeInMs <= info.medianRuntimeInMs, what);
  assert.ok(info.medianRuntimeInMs <= info.thirdQuartileRuntimeInMs, what);
  assert.ok(info.thirdQuartileRuntimeInMs <= info.maxRuntimeInMs, what);
  assert.ok(info.minRuntimeInMs <= info.arithmeticMeanRuntimeInMs && info.arithmeticMeanRuntimeInMs <= info.maxRuntimeInMs,
    what);
}

// Run-time KPIs of mgmt_ops, whose instances ended (one finished, one terminated).
async function checkRuntimeInformation(client, manager) {
  const runtime = await client.getRuntimeInformationForProcessModel(manager, 'mgmt_ops');
  const list = runtime.flowNodeRuntimeInformation;
  assert.strictEqual(runtime.totalCount, list.length);
  assert.deepStrictEqual(list.map((r) => r.flowNodeId).sort(), kOpsFlowNodes, 'one entry per flow node of mgmt_ops');
  for (const info of list) assertPlausibleRuntime(info, 'mgmt_ops');
  const userTask = list.find((r) => r.flowNodeId === 'Ops_User_Task');
  // The user task waited while dozens of requests were answered.
  assert.ok(userTask.maxRuntimeInMs > 0, `the user task waited: ${JSON.stringify(userTask)}`);
  assert.deepStrictEqual(await client.getRuntimeInformationForFlowNode(manager, 'mgmt_ops', 'Ops_User_Task'), userTask);
  const page = await client.getRuntimeInformationForProcessModel(manager, 'mgmt_ops', 2, 3);
  assert.deepStrictEqual(page.flowNodeRuntimeInformation, list.slice(2, 5), 'paged runtime information');
  assert.strictEqual(page.totalCount, list.length);
  const none = await client.getRuntimeInformationForFlowNode(manager, 'mgmt_ops', 'No_Such_Node');
  assert.strictEqual(none.flowNodeId, 'No_Such_Node');
  assert.strictEqual(none.maxRuntimeInMs, 0);
  assert.strictEqual(none.arithmeticMeanRuntimeInMs, 0);
}

// The logs of the finished instance, of the terminated one, and of their correlation.
async function checkLogs(client, manager, {instance, other, correlationId}) {
  const log = await client.getProcessInstanceLog(manager, 'mgmt_ops', instance);
  const entries = log.logEntries;
  const nodes = (await client.getFlowNodeInstancesForProcessInstance(manager, instance)).flowNodeInstances;
  assert.strictEqual(log.totalCount, entries.length);
  assert.deepStrictEqual(entries.map((e) => e.flowNodeInstanceId).sort(), nodes.map((n) => n.id).sort(),
    'one log entry per flow node instance');
  for (const entry of entries) {
    const what = JSON.stringify(entry);
    assert.strictEqual(entry.processInstanceId, instance, what);
    assert.strictEqual(entry.processModelId, 'mgmt_ops', what);
    assert.strictEqual(entry.correlationId, correlationId, what);
    assert.strictEqual(entry.logLevel, 'info', what);
    assert.strictEqual(entry.measuredAt, 'onFlowNodeExit', what);
    assert.ok(entry.message.includes(`'${entry.flowNodeId}' finished`), what);
    assert.ok(!Number.isNaN(Date.parse(entry.timeStamp)), what);
  }
  // In the order the flow nodes began.
  const order = entries.map((e) => e.flowNodeId);
  assert.deepStrictEqual(order.slice(0, 2), ['Start_Ops', 'Split'], order.join());
  assert.deepStrictEqual(order.slice(2, 5).sort(), ['Ops_Empty_Task', 'Ops_Manual_Task', 'Ops_User_Task'], order.join());
  assert.deepStrictEqual(order.slice(-4), ['Ops_Script', 'Ops_Catch_Message', 'Ops_Catch_Signal', 'End_Ops'],
    order.join());
  assert.ok(order.slice(5, -4).every((id) => id === 'Join') && order.includes('Join'), order.join());
  const script = entries.find((e) => e.flowNodeId === 'Ops_Script');
  assert.strictEqual(script.tokenPayload.approved, true, 'the script task left with its result');
  // Pages of two partition the log (the store pages by start time, then id; within one
  // millisecond the order of a page can differ from the whole log's, docs/api.md "Logs").
  const paged = [];
  for (let offset = 0; offset < entries.length; offset += 2) {
    const page = await client.getProcessInstanceLog(manager, 'mgmt_ops', instance, offset, 2);
    assert.strictEqual(page.totalCount, entries.length);
    assert.strictEqual(page.logEntries.length, Math.min(2, entries.length - offset));
    paged.push(...page.logEntries);
  }
  const byInstanceId = (a, b) => a.flowNodeInstanceId.localeCompare(b.flowNodeInstanceId);
  assert.deepStrictEqual([...paged].sort(byInstanceId), [...entries].sort(byInstanceId), 'the pages partition the log');

  // The terminated instance: its waiting tasks ended as terminated, a warning.
  const otherLog = await client.getProcessInstanceLog(manager, 'mgmt_ops', other);
  const terminated = otherLog.logEntries.filter((e) => e.logLevel === 'warn');
  assert.deepStrictEqual(terminated.map((e) => e.flowNodeId).sort(),
    ['Ops_Empty_Task', 'Ops_Manual_Task', 'Ops_User_Task'], JSON.stringify(otherLog));
  for (const entry of terminated) {
    assert.strictEqual(entry.measuredAt, 'onFlowNodeExit');
    assert.ok(entry.message.endsWith('terminated'), entry.message);
  }

  const ofCorrelation = await client.getProcessModelLog(manager, 'mgmt_ops', correlationId);
  assert.strictEqual(ofCorrelation.totalCount, log.totalCount + otherLog.totalCount);
  assert.deepStrictEqual([...new Set(ofCorrelation.logEntries.map((e) => e.processInstanceId))].sort(),
    [instance, other].sort());
  const ofModel = await client.getProcessModelLog(manager, 'mgmt_ops');
  assert.ok(ofModel.totalCount >= ofCorrelation.totalCount);
}

// The contract's CronjobBaseEventMessage for the cron model's one start event.
function assertCronjobMessage(message) {
  assert.deepStrictEqual(message, {processModelId: kCronModel,
    cronjobs: [{startEventId: kCronStartEvent, cronjob: kCrontab}]});
}

const cronMessages = (name) => (received[name] || []).filter((m) => m.processModelId === kCronModel);

// Cronjobs: deploy the cron model, see it scheduled and executed (REST and socket.io), its
// history by model, start event and crontab, its KPIs; delete it, and its schedule stops.
async function checkCronjobs(client, manager) {
  const before = (await client.getAllActiveCronjobs(manager)).cronjobs;
  assert.deepStrictEqual(before, [], 'no model loaded at start has a cron start event');
  const xml = fs.readFileSync(path.join(cronModelsDir, `${kCronModel}.bpmn`), 'utf8');
  const deployedAt = Date.now();
  await client.updateProcessDefinitionsByName(manager, kCronModel, {xml, overwriteExisting: true});
  await waitFor(() => cronMessages('cronjob_updated').length > 0, 'cronjob_updated');
  cronMessages('cronjob_updated').forEach(assertCronjobMessage);

  const active = await client.getAllActiveCronjobs(manager);
  assert.strictEqual(active.totalCount, 1);
  assert.strictEqual(active.cronjobs.length, 1);
  const job = active.cronjobs[0];
  assert.strictEqual(job.processModelId, kCronModel);
  assert.strictEqual(job.startEventId, kCronStartEvent);
  assert.strictEqual(job.crontab, kCrontab);
  assert.ok(job.nextExecution instanceof Date, 'the client made nextExecution a Date');
  assert.ok(job.nextExecution.getTime() >= deployedAt - 1000 && job.nextExecution.getTime() <= Date.now() + 2000,
    `the next execution is within a second: ${job.nextExecution.toISOString()}`);

  await waitFor(() => cronMessages('cronjob_executed').length >= 2, 'two cronjob_executed');
  cronMessages('cronjob_executed').forEach(assertCronjobMessage);
  const history = await waitFor(async () => {
    const list = await client.getCronjobExecutionHistoryForProcessModel(manager, kCronModel);
    return list.totalCount >= 2 && list;
  }, 'two executions in the history');
  const executions = history.cronjobHistories;
  assert.strictEqual(executions.length, history.totalCount);
  for (const entry of executions) {
    const what = JSON.stringify(entry);
    assert.strictEqual(entry.processModelId, kCronModel, what);
    assert.strictEqual(entry.startEventId, kCronStartEvent, what);
    assert.strictEqual(entry.crontab, kCrontab, what);
    assert.ok(entry.executedAt instanceof Date, what);
    assert.ok(entry.executedAt.getTime() >= deployedAt - 1000 && entry.executedAt.getTime() <= Date.now() + 1000, what);
  }
  for (let i = 1; i < executions.length; i += 1) {
    assert.ok(executions[i - 1].executedAt <= executions[i].executedAt, 'oldest first');
  }
  const instances = executions.map((e) => e.processInstanceId);
  assert.strictEqual(new Set(instances).size, instances.length, 'one instance per execution');
  for (const id of instances) {
    const started = await waitFor(async () => {
      const found = await client.getProcessInstanceById(manager, id);
      return found.state === 'finished' && found;
    }, `the cron instance ${id} to finish`);
    assert.strictEqual(started.processModelId, kCronModel);
    assert.ok(started.correlationId.startsWith('cronjob_'), started.correlationId);
  }
  const byStartEvent = await client.getCronjobExecutionHistoryForProcessModel(manager, kCronModel, kCronStartEvent);
  assert.deepStrictEqual(byStartEvent.cronjobHistories.slice(0, executions.length), executions);
  const otherStartEvent = await client.getCronjobExecutionHistoryForProcessModel(manager, kCronModel, 'Start_Other');
  assert.deepStrictEqual([otherStartEvent.cronjobHistories, otherStartEvent.totalCount], [[], 0]);
  const page = await client.getCronjobExecutionHistoryForProcessModel(manager, kCronModel, undefined, 1, 1);
  assert.deepStrictEqual(page.cronjobHistories, executions.slice(1, 2), 'a page of the history');
  // The client puts the crontab into the path as it is; its HTTP client encodes the spaces.
  const byCrontab = await client.getCronjobExecutionHistoryForCrontab(manager, kCrontab);
  assert.deepStrictEqual(byCrontab.cronjobHistories.slice(0, executions.length), executions);
  assert.strictEqual((await client.getCronjobExecutionHistoryForCrontab(manager, '0 0 1 * * *')).totalCount, 0);

  // The KPIs of the finished cron instances.
  const runtime = await client.getRuntimeInformationForProcessModel(manager, kCronModel);
  assert.deepStrictEqual(runtime.flowNodeRuntimeInformation.map((r) => r.flowNodeId).sort(),
    ['Cron_Script', 'End_Cron', 'Start_Cron']);
  for (const info of runtime.flowNodeRuntimeInformation) assertPlausibleRuntime(info, kCronModel);

  // Deleting the model removes the cronjob, and nothing is executed any more.
  await client.deleteProcessDefinitionsByProcessModelId(manager, kCronModel);
  await waitFor(() => cronMessages('cronjob_removed').length > 0, 'cronjob_removed');
  assert.strictEqual(cronMessages('cronjob_removed').length, 1);
  assertCronjobMessage(cronMessages('cronjob_removed')[0]);
  assert.deepStrictEqual((await client.getAllActiveCronjobs(manager)).cronjobs, []);
  const executedWhenRemoved = cronMessages('cronjob_executed').length;
  const historyWhenRemoved = (await client.getCronjobExecutionHistoryForProcessModel(manager, kCronModel)).totalCount;
  assert.ok(historyWhenRemoved >= executions.length, 'the history outlives the model');
  await sleep(2200);
  assert.strictEqual(cronMessages('cronjob_executed').length, executedWhenRemoved, 'no execution after the removal');
  assert.strictEqual((await client.getCronjobExecutionHistoryForProcessModel(manager, kCronModel)).totalCount,
    historyWhenRemoved);
  assert.deepStrictEqual([received.cronjob_created, received.cronjob_stopped], [undefined, undefined]);

  return {active: job.processModelId, executions: executions.length, executedEvents: executedWhenRemoved,
    historyAfterRemoval: historyWhenRemoved};
}

async function main() {
  const manager = await login('manager', 'admin-pass');
  const alice = await login('alice', 'admin-pass');
  const httpClient = new HttpClient();
  httpClient.config = {url: baseUrl};
  const accessor = new ExternalAccessor(httpClient);
  accessor.config = {socketUrl: baseUrl};
  const client = via(new ManagementApiClient(accessor));

  // Socket subscriptions: the manager's global events, alice's own copies.
  await client.onProcessStarted(manager, record('process_started'));
  await client.onProcessWithProcessModelIdStarted(manager, record('process_instance_started'), 'mgmt_ops');
  await client.onActivityReached(manager, record('activity_reached'));
  await client.onActivityFinished(manager, record('activity_finished'));
  await client.onUserTaskWaiting(manager, record('user_task_waiting'));
  await client.onUserTaskFinished(manager, record('user_task_finished'));
  await client.onManualTaskWaiting(manager, record('manual_task_waiting'));
  await client.onManualTaskFinished(manager, record('manual_task_finished'));
  await client.onEmptyActivityWaiting(manager, record('empty_activity_waiting'));
  await client.onEmptyActivityFinished(manager, record('empty_activity_finished'));
  await client.onIntermediateCatchEventReached(manager, record('intermediate_catch_event_reached'));
  await client.onIntermediateCatchEventFinished(manager, record('intermediate_catch_event_finished'));
  await client.onProcessEnded(manager, record('process_ended'));
  await client.onProcessTerminated(manager, record('process_terminated'));
  await client.onUserTaskForIdentityWaiting(alice, record('user_task_waiting_for_identity'));
  await client.onUserTaskForIdentityFinished(alice, record('user_task_finished_for_identity'));
  await client.onManualTaskForIdentityWaiting(alice, record('manual_task_waiting_for_identity'));
  await client.onManualTaskForIdentityFinished(alice, record('manual_task_finished_for_identity'));
  await client.onEmptyActivityForIdentityWaiting(alice, record('empty_activity_waiting_for_identity'));
  await client.onEmptyActivityForIdentityFinished(alice, record('empty_activity_finished_for_identity'));
  await client.onCronjobUpdated(manager, record('cronjob_updated'));
  await client.onCronjobExecuted(manager, record('cronjob_executed'));
  await client.onCronjobRemoved(manager, record('cronjob_removed'));
  // The host never sends these two (docs/api.md, notifications): nothing may arrive.
  await client.onCronjobCreated(manager, record('cronjob_created'));
  await client.onCronjobStopped(manager, record('cronjob_stopped'));
  const once = await client.onProcessEnded(manager, record('process_ended_once'), true);
  for (const identity of [manager, alice]) {
    const socket = accessor.socketCollection[identity.userId];
    await waitFor(() => socket.connected, `the socket of ${identity.userId} to connect`);
  }

  // Process models, deploying and deleting.
  const models = await client.getProcessModels(manager);
  assert.ok(models.processModels.some((m) => m.id === 'mgmt_ops'), 'mgmt_ops is listed');
  const model = await client.getProcessModelById(manager, 'mgmt_ops');
  assert.ok(model.xml.includes('mgmt_ops_message'), 'the model carries its xml');
  const startEvents = await client.getStartEventsForProcessModel(manager, 'mgmt_ops');
  assert.deepStrictEqual(startEvents.events.map((e) => e.id), ['Start_Ops']);
  const deployXml = fs.readFileSync(path.join(modelsDir, 'mgmt_deploy.bpmn'), 'utf8');
  await client.updateProcessDefinitionsByName(manager, 'mgmt_deploy', {xml: deployXml, overwriteExisting: true});
  assert.strictEqual((await client.getProcessModelById(manager, 'mgmt_deploy')).id, 'mgmt_deploy');
  await client.deleteProcessDefinitionsByProcessModelId(manager, 'mgmt_deploy');
  assert.strictEqual(await statusOf(client.getProcessModelById(manager, 'mgmt_deploy')), 404);

  // One instance by alice, one by the manager in the same correlation.
  const correlationId = `mgmt-e2e-${Date.now()}`;
  const started = await client.startProcessInstance(alice, 'mgmt_ops', {correlationId, inputValues: {by: 'alice'}});
  const instance = started.processInstanceId;
  assert.strictEqual(started.correlationId, correlationId);
  const other = (await client.startProcessInstance(manager, 'mgmt_ops', {correlationId, inputValues: {}}))
    .processInstanceId;
  await waitFor(async () => (await client.getSuspendedTasksForProcessInstance(manager, instance)).tasks.length === 3,
    'three waiting tasks');

  // Correlations: the manager sees both instances, alice her own.
  const all = await client.getAllCorrelations(manager);
  assert.ok(all.correlations.some((c) => c.id === correlationId), 'getAllCorrelations lists the correlation');
  const active = await client.getActiveCorrelations(manager);
  assert.ok(active.correlations.some((c) => c.id === correlationId), 'getActiveCorrelations lists it');
  const whole = await client.getCorrelationById(manager, correlationId);
  // Oldest first; two instances started within one millisecond are ordered by id.
  assert.deepStrictEqual(whole.processInstances.map((p) => p.processInstanceId).sort(), [instance, other].sort());
  assert.strictEqual(whole.state, 'running');
  const alices = await client.getCorrelationById(alice, correlationId);
  assert.deepStrictEqual(alices.processInstances.map((p) => p.processInstanceId), [instance]);
  const byModel = await client.getCorrelationsByProcessModelId(manager, 'mgmt_ops');
  assert.ok(byModel.correlations.some((c) => c.id === correlationId), 'getCorrelationsByProcessModelId lists it');

  // Process instances.
  const byId = await client.getProcessInstanceById(manager, instance);
  assert.strictEqual(byId.identity.userId, 'alice');
  assert.strictEqual(byId.state, 'running');
  const ofCorrelation = await client.getProcessInstancesForCorrelation(manager, correlationId);
  assert.strictEqual(ofCorrelation.totalCount, 2);
  const ofModel = await client.getProcessInstancesForProcessModel(manager, 'mgmt_ops');
  assert.ok(ofModel.processInstances.some((p) => p.processInstanceId === instance));
  const running = await client.getProcessInstancesByState(manager, 'running');
  assert.ok(running.processInstances.some((p) => p.processInstanceId === instance));
  assert.strictEqual((await client.getProcessModelByProcessInstanceId(manager, instance)).id, 'mgmt_ops');

  // Tasks of every kind, in every scope.
  const scopes = {
    ProcessModel: ['mgmt_ops'],
    ProcessInstance: [instance],
    Correlation: [correlationId],
    ProcessModelInCorrelation: ['mgmt_ops', correlationId],
  };
  const kinds = [
    ['UserTasks', 'userTasks', 'Ops_User_Task'],
    ['ManualTasks', 'manualTasks', 'Ops_Manual_Task'],
    ['EmptyActivities', 'emptyActivities', 'Ops_Empty_Task'],
  ];
  const waiting = {};
  for (const [kind, wrapper, flowNodeId] of kinds) {
    for (const [scope, args] of Object.entries(scopes)) {
      const list = await client[`get${kind}For${scope}`](manager, ...args);
      const task = list[wrapper].find((t) => t.processInstanceId === instance);
      assert.ok(task, `get${kind}For${scope} lists the ${flowNodeId} of the instance`);
      assert.strictEqual(task.id, flowNodeId);
      waiting[kind] = task.flowNodeInstanceId;
    }
  }
  for (const [scope, args] of Object.entries(scopes)) {
    const list = await client[`getSuspendedTasksFor${scope}`](manager, ...args);
    assert.ok(list.tasks.filter((t) => t.processInstanceId === instance).length === 3, `getSuspendedTasksFor${scope}`);
  }
  assert.ok((await client.getAllSuspendedTasks(manager)).totalCount >= 6, 'getAllSuspendedTasks');
  const flowNodes = await client.getFlowNodeInstancesForProcessInstance(manager, instance);
  assert.ok(flowNodes.flowNodeInstances.some((f) => f.flowNodeId === 'Ops_User_Task' && f.state === 'suspended'));
  const tokens = await client.getActiveTokensForProcessInstance(manager, instance);
  assert.strictEqual(tokens.activeTokens.length, 3);
  assert.ok((await client.getActiveTokensForProcessModel(manager, 'mgmt_ops')).activeTokens.length >= 6);
  assert.strictEqual(
    (await client.getActiveTokensForCorrelationAndProcessModel(manager, correlationId, 'mgmt_ops')).activeTokens.length, 6);
  assert.ok((await client.getActiveTokensForFlowNode(manager, 'Ops_Manual_Task')).activeTokens
    .some((t) => t.processInstanceId === instance));

  await waitFor(() => mine('user_task_waiting', instance), 'user_task_waiting');
  await waitFor(() => mine('user_task_waiting_for_identity', instance), 'alice\'s user_task_waiting');
  await waitFor(() => mine('manual_task_waiting_for_identity', instance), 'alice\'s manual_task_waiting');
  await waitFor(() => mine('empty_activity_waiting_for_identity', instance), 'alice\'s empty_activity_waiting');

  await client.finishUserTask(manager, instance, correlationId, waiting.UserTasks, {formFields: {approved: true}});
  await client.finishManualTask(manager, instance, correlationId, waiting.ManualTasks);
  await client.finishEmptyActivity(manager, instance, correlationId, waiting.EmptyActivities);

  // Events, then the triggers.
  await waitFor(async () => (await client.getWaitingEventsForCorrelation(manager, correlationId)).events
    .some((e) => e.processInstanceId === instance), 'the waiting message event');
  const events = await client.getWaitingEventsForProcessModelInCorrelation(manager, 'mgmt_ops', correlationId);
  assert.deepStrictEqual(events.events.map((e) => [e.id, e.eventName]), [['Ops_Catch_Message', 'mgmt_ops_message']]);
  assert.ok((await client.getWaitingEventsForProcessModel(manager, 'mgmt_ops')).events
    .some((e) => e.processInstanceId === instance));
  await client.triggerMessageEvent(manager, 'mgmt_ops_message', {payload: {note: 'sent'}});
  await waitFor(async () => (await client.getWaitingEventsForCorrelation(manager, correlationId)).events
    .some((e) => e.processInstanceId === instance && e.id === 'Ops_Catch_Signal'), 'the waiting signal event');
  await client.triggerSignalEvent(manager, 'mgmt_ops_signal', {});
  await waitFor(() => mine('process_ended', instance), 'process_ended');

  // The history of the finished instance.
  const history = await client.getTokensForProcessInstance(manager, instance);
  const entries = history[instance].tokenHistoryEntries;
  assert.strictEqual(entries[0].flowNodeId, 'Start_Ops');
  assert.strictEqual(entries[entries.length - 1].flowNodeId, 'End_Ops');
  const userTaskHistory = await client.getTokensForFlowNodeByProcessInstanceId(manager, instance, 'Ops_User_Task');
  assert.deepStrictEqual(userTaskHistory[instance].tokenHistoryEntries.map((e) => e.tokenEventType), ['onEnter', 'onExit']);
  const correlationHistory = await client.getTokensForCorrelationAndProcessModel(manager, correlationId, 'mgmt_ops');
  assert.ok(correlationHistory[instance] && correlationHistory[other], 'both instances in the correlation history');
  const flowNodeTokens = await client.getTokensForFlowNode(manager, correlationId, 'mgmt_ops', 'Ops_Catch_Message');
  assert.ok(flowNodeTokens.tokenHistoryEntries.length >= 2);

  // Terminating the other instance; then the correlation ended in an error.
  await client.terminateProcessInstance(manager, other);
  await waitFor(() => mine('process_terminated', other), 'process_terminated');
  const ended = await client.getCorrelationById(manager, correlationId);
  assert.strictEqual(ended.state, 'error');
  assert.deepStrictEqual(ended.processInstances.map((p) => p.state).sort(), ['finished', 'terminated']);
  assert.ok(!(await client.getActiveCorrelations(manager)).correlations.some((c) => c.id === correlationId));

  // Events of the instance, received through the original client's subscriptions.
  for (const name of ['process_started', 'process_instance_started', 'user_task_finished', 'manual_task_waiting',
    'manual_task_finished', 'empty_activity_waiting', 'empty_activity_finished', 'user_task_finished_for_identity',
    'manual_task_finished_for_identity', 'empty_activity_finished_for_identity', 'intermediate_catch_event_reached',
    'intermediate_catch_event_finished']) {
    await waitFor(() => mine(name, instance), name);
  }
  await waitFor(() => (received.activity_reached || []).some((m) => m.processInstanceId === instance
    && m.flowNodeId === 'Ops_Script'), 'activity_reached');
  await waitFor(() => (received.activity_finished || []).some((m) => m.processInstanceId === instance
    && m.flowNodeId === 'Ops_Script'), 'activity_finished');
  assert.strictEqual((received.process_ended_once || []).length, 1, 'a subscribeOnce callback runs once');
  client.removeSubscription(manager, once);

  await checkRuntimeInformation(client, manager);
  await checkLogs(client, manager, {instance, other, correlationId});
  const cron = await checkCronjobs(client, manager);

  const summary = {};
  for (const [name, messages] of Object.entries(received)) {
    summary[name] = messages.find((m) => m.processInstanceId === instance)
      || messages.find((m) => m.processInstanceId === other) || messages[0];
  }
  console.log(JSON.stringify({instance, other, correlationId, called, received: summary, cron}));
  accessor.disconnectSocket(manager);
  accessor.disconnectSocket(alice);
  process.exit(0);
}

main().catch((error) => {
  console.log(JSON.stringify({error: String(error && error.stack || error), called, received: Object.keys(received)}));
  process.exit(1);
});
