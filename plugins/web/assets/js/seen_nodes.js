// The flow nodes this browser saw instances reach through the notification stream, kept for
// the tab's life: with the memory store a finished instance has no stored history, and the
// instance page still marks what was seen of it.
const kKey = 'processhost.seenNodes';

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(kKey) || '{}');
  } catch {
    return {};
  }
}

export function rememberNode(message) {
  if (!message.processInstanceId || !message.flowNodeId) return;
  const seen = load();
  const nodes = seen[message.processInstanceId] || [];
  if (!nodes.includes(message.flowNodeId)) nodes.push(message.flowNodeId);
  seen[message.processInstanceId] = nodes;
  sessionStorage.setItem(kKey, JSON.stringify(seen));
}

export function seenNodes(processInstanceId) {
  return load()[processInstanceId] || [];
}
