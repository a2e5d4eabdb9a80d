'use strict';
// Drives the original Consumer API client (@process-engine/consumer_api_client 6.4.0), as it
// is, against a running host: its socket.io subscriptions and startProcessInstance with a
// processEndedCallback. Prints one JSON object with what each callback received and exits 0,
// or 1 with what it has when something does not arrive in time.
//
//   node original_client_notifications.js http://127.0.0.1:8000 sampleUser pass

const {ConsumerApiClient, ExternalAccessor} = require('@process-engine/consumer_api_client');
const {HttpClient} = require('@essential-projects/http');

const [baseUrl, username, password] = process.argv.slice(2);
const kTimeoutMs = 20000;
const received = {};

function record(name) {
  return (message) => {
    received[name] = received[name] || [];
    received[name].push(message);
  };
}

function waitFor(check, what) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + kTimeoutMs;
    const probe = () => {
      const value = check();
      if (value) return resolve(value);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      return setTimeout(probe, 10);
    };
    probe();
  });
}

async function login() {
  const http = new HttpClient();
  http.config = {url: baseUrl};
  const reply = await http.post('iam/login', {username, password});
  return {token: reply.result.token, userId: reply.result.userId};
}

async function main() {
  const identity = await login();
  const httpClient = new HttpClient();
  httpClient.config = {url: baseUrl};
  const accessor = new ExternalAccessor(httpClient);
  accessor.config = {socketUrl: baseUrl};
  const client = new ConsumerApiClient(accessor);

  await client.onProcessStarted(identity, record('process_started'));
  await client.onProcessWithProcessModelIdStarted(identity, record('process_instance_started'), 'sample_process');
  await client.onUserTaskWaiting(identity, record('user_task_waiting'));
  await client.onUserTaskForIdentityWaiting(identity, record('user_task_waiting_for_identity'));
  await client.onProcessEnded(identity, record('process_ended'));
  const once = await client.onProcessEnded(identity, record('process_ended_once'), true);
  await client.onActivityReached(identity, record('activity_reached'));
  await client.onActivityFinished(identity, record('activity_finished'));
  await client.onUserTaskFinished(identity, record('user_task_finished'));
  await client.onUserTaskForIdentityFinished(identity, record('user_task_finished_for_identity'));
  await client.onEmptyActivityWaiting(identity, record('empty_activity_waiting'));
  await client.onEmptyActivityFinished(identity, record('empty_activity_finished'));
  await client.onEmptyActivityForIdentityFinished(identity, record('empty_activity_finished_for_identity'));
  await client.onManualTaskWaiting(identity, record('manual_task_waiting'));
  await client.onManualTaskFinished(identity, record('manual_task_finished'));
  await client.onManualTaskForIdentityFinished(identity, record('manual_task_finished_for_identity'));
  await client.onBoundaryEventTriggered(identity, record('boundary_event_triggered'));
  await client.onIntermediateCatchEventReached(identity, record('intermediate_catch_event_reached'));
  await client.onIntermediateCatchEventFinished(identity, record('intermediate_catch_event_finished'));

  // The socket joins asynchronously; an event before it is admitted would be missed.
  const socket = accessor.socketCollection[identity.userId];
  await waitFor(() => socket.connected, 'the socket to connect');

  const correlationId = `original-client-${Date.now()}`;
  // The client class drops processEndedCallback; its accessor takes it, as the original did.
  const started = await accessor.startProcessInstance(identity, 'sample_process',
    {correlationId, inputValues: {}}, 1, undefined, undefined, record('process_ended_callback'));
  const mine = (name) => (received[name] || []).find((m) => m.processInstanceId === started.processInstanceId);

  const waiting = await waitFor(() => mine('user_task_waiting_for_identity'), 'user_task_waiting/user_id');
  await waitFor(() => mine('user_task_waiting') && mine('process_started') && mine('process_instance_started'),
    'the global events');
  await client.finishUserTask(identity, started.processInstanceId, correlationId, waiting.flowNodeInstanceId,
    {formFields: {TaskWasSuccessful: true}});
  await waitFor(() => mine('process_ended') && mine('process_ended_callback') && mine('process_ended_once'),
    'process_ended');
  await waitFor(() => mine('activity_reached') && mine('activity_finished') && mine('user_task_finished') &&
    mine('user_task_finished_for_identity'), 'the activity and user task finished events');
  client.removeSubscription(identity, once);

  // notify_events: an empty activity, a manual task with a non-interrupting timer boundary
  // event, a timer catch event.
  const events = await accessor.startProcessInstance(identity, 'notify_events',
    {correlationId: `${correlationId}-events`, inputValues: {}}, 1);
  const ofEvents = (name) => (received[name] || []).find((m) => m.processInstanceId === events.processInstanceId);
  const note = await waitFor(() => ofEvents('empty_activity_waiting'), 'empty_activity_waiting');
  await client.finishEmptyActivity(identity, events.processInstanceId, `${correlationId}-events`,
    note.flowNodeInstanceId);
  const check = await waitFor(() => ofEvents('manual_task_waiting'), 'manual_task_waiting');
  await waitFor(() => ofEvents('boundary_event_triggered'), 'boundary_event_triggered');
  await client.finishManualTask(identity, events.processInstanceId, `${correlationId}-events`,
    check.flowNodeInstanceId);
  await waitFor(() => ofEvents('empty_activity_finished') && ofEvents('empty_activity_finished_for_identity') &&
    ofEvents('manual_task_finished') && ofEvents('manual_task_finished_for_identity') &&
    ofEvents('intermediate_catch_event_reached') && ofEvents('intermediate_catch_event_finished'),
  'the events of notify_events');

  console.log(JSON.stringify({started, events, transport: socket.io.engine.transport.name, received}));
  accessor.disconnectSocket(identity);
  process.exit(0);
}

main().catch((error) => {
  console.log(JSON.stringify({error: error.message, received}));
  process.exit(1);
});
