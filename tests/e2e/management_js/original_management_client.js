'use strict';
// Drives the original Management API client (@process-engine/management_api_client 6.2.0), as
// it is, against a running host: every client method whose route the host serves, checked
// against what the host must answer, and the socket.io subscriptions of /management_api.
// The methods of the routes the host does not serve yet are called too and must fail with
// 404, so that this list stays honest. Prints one JSON object (the methods called, the
// events received, the unserved methods' statuses) and exits 0, or 1 with the failed check.
//
//   node original_management_client.js http://127.0.0.1:8000 MODELS_DIR

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const {ManagementApiClient, ExternalAccessor} = require('@process-engine/management_api_client');
const {HttpClient} = require('@essential-projects/http');

const [baseUrl, modelsDir] = process.argv.slice(2);
const kTimeoutMs = 20000;
const called = [];
const received = {};

// The client methods whose routes are not served yet (another part of the API, see
// docs/api.md "Not served yet"): each must answer 404.
const kNotServed = [
  ['getAllActiveCronjobs', (c, id) => c.getAllActiveCronjobs(id)],
  ['getCronjobExecutionHistoryForProcessModel', (c, id) => c.getCronjobExecutionHistoryForProcessModel(id, 'mgmt_ops')],
  ['getCronjobExecutionHistoryForCrontab', (c, id) => c.getCronjobExecutionHistoryForCrontab(id, '* * * * *')],
  ['getRuntimeInformationForProcessModel', (c, id) => c.getRuntimeInformationForProcessModel(id, 'mgmt_ops')],
  ['getRuntimeInformationForFlowNode', (c, id) => c.getRuntimeInformationForFlowNode(id, 'mgmt_ops', 'Ops_User_Task')],
  ['getProcessModelLog', (c, id) => c.getProcessModelLog(id, 'mgmt_ops')],
  ['getProcessInstanceLog', (c, id, instance) => c.getProcessInstanceLog(id, 'mgmt_ops', instance)],
];

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

async function statusOf(promise) {
  try {
    await promise;
    return 200;
  } catch (error) {
    return error.code;
  }
}

const mine = (name, instance) => (received[name] || []).find((m) => m.processInstanceId === instance);

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

  const notServed = {};
  for (const [name, call] of kNotServed) notServed[name] = await statusOf(call(client, manager, instance));

  const summary = {};
  for (const [name, messages] of Object.entries(received)) {
    summary[name] = messages.find((m) => m.processInstanceId === instance)
      || messages.find((m) => m.processInstanceId === other) || messages[0];
  }
  console.log(JSON.stringify({instance, other, correlationId, called, received: summary, notServed}));
  accessor.disconnectSocket(manager);
  accessor.disconnectSocket(alice);
  process.exit(0);
}

main().catch((error) => {
  console.log(JSON.stringify({error: String(error && error.stack || error), called, received: Object.keys(received)}));
  process.exit(1);
});
