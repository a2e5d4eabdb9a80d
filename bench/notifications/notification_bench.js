'use strict';
// Notification latency and memory per idle connection of a running host (consumer_api, no
// iam), with the socket.io client the original Consumer API client uses.
//
//   node notification_bench.js BASE_URL HOST_PID [STARTS] [IDLE_CONNECTIONS]
//
// Latency: one client on /consumer_api (upgraded to WebSocket) starts STARTS instances of
// sample_process one after another (start_callback_type=1) and times, for each, from sending
// the start request to its process_started callback. The event is committed inside that
// interval (the start answers after the commit that publishes it), so the figure bounds the
// commit-to-callback latency from above; the start's own round trip is printed beside it.
// Memory: the host's VmRSS before and after IDLE_CONNECTIONS more clients joined
// /consumer_api over WebSocket, divided by their number. Then the latency again, with those
// clients joined: every event then goes to each of them too (the fan-out's cost).

const fs = require('fs');
const http = require('http');
const io = require('socket.io-client');

const [baseUrl, hostPid, startsArg, idleArg] = process.argv.slice(2);
const starts = Number(startsArg || 500);
const idleConnections = Number(idleArg || 500);
const url = new URL(baseUrl);

function rssKib() {
  const status = fs.readFileSync(`/proc/${hostPid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

// The host's CPU time (user + system) in ms; /proc counts in ticks of 10 ms.
function hostCpuMs() {
  const fields = fs.readFileSync(`/proc/${hostPid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {p50: percentile(sorted, 50).toFixed(3), p99: percentile(sorted, 99).toFixed(3),
    max: sorted[sorted.length - 1].toFixed(3)};
}

function start(correlationId) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({correlationId, inputValues: {}});
    const request = http.request({host: url.hostname, port: url.port, method: 'POST', agent: keepAlive,
      path: '/api/consumer/v1/process_models/sample_process/start?start_callback_type=1',
      headers: {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body)}}, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`start: ${response.statusCode}`))));
    });
    request.on('error', reject);
    request.end(body);
  });
}

function connect(transports) {
  return new Promise((resolve, reject) => {
    const socket = io(`${baseUrl}/consumer_api`, {forceNew: true, transports, reconnection: false});
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
    socket.once('connect_error', reject);
  });
}

const keepAlive = new http.Agent({keepAlive: true, maxSockets: 1});

async function measureLatency() {
  const socket = await connect(['polling', 'websocket']);
  await new Promise((resolve) => (socket.io.engine.transport.name === 'websocket' ? resolve() : socket.io.engine.once('upgrade', resolve)));
  const waiting = new Map();
  socket.on('process_started', (message) => {
    const entry = waiting.get(message.correlationId);
    if (entry) entry(process.hrtime.bigint());
  });
  const toCallback = [];
  const roundTrip = [];
  let cpuAtStart = 0;
  const run = Date.now();
  for (let i = 0; i < starts + 20; i += 1) {
    const correlationId = `bench-${run}-${i}`;
    const called = new Promise((resolve) => waiting.set(correlationId, resolve));
    const sent = process.hrtime.bigint();
    await start(correlationId);
    const answered = process.hrtime.bigint();
    const calledAt = await called;
    waiting.delete(correlationId);
    if (i === 19) cpuAtStart = hostCpuMs();
    if (i >= 20) {  // the first starts warm the host and the connections up
      toCallback.push(Number(calledAt - sent) / 1e6);
      roundTrip.push(Number(answered - sent) / 1e6);
    }
  }
  const hostCpuMsPerStart = ((hostCpuMs() - cpuAtStart) / starts).toFixed(3);
  socket.close();
  return {starts, callbackMs: summary(toCallback), startRoundTripMs: summary(roundTrip), hostCpuMsPerStart,
    transport: 'websocket'};
}

async function connectIdle() {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const before = rssKib();
  const sockets = [];
  for (let i = 0; i < idleConnections; i += 1) sockets.push(await connect(['websocket']));
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const after = rssKib();
  return {sockets, memory: {idleConnections, rssBeforeKib: before, rssAfterKib: after,
    perConnectionKib: ((after - before) / idleConnections).toFixed(1)}};
}

async function main() {
  const latency = await measureLatency();
  const {sockets, memory} = await connectIdle();
  // Again with the other clients joined: each event now goes to all of them as well.
  const latencyWithFanOut = await measureLatency();
  sockets.forEach((socket) => socket.close());
  console.log(JSON.stringify({latency, memory, latencyWithFanOut}, null, 2));
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
