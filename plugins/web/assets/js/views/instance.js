// One instance: its BPMN diagram with its flow nodes marked by state, its flow node
// instances and token history, and terminate when the host serves that route.
import { consumer, get, management, post, segment } from '../api.js';
import { errorText, formatTime, h, replace, stateBadge, toast } from '../dom.js';
import { drawDiagram } from '../diagram.js';
import { seenNodes } from '../seen_nodes.js';
import { missingPlugins } from './missing.js';

const kFlowNodeStates = { finished: 'completed', suspended: 'active', running: 'active', error: 'failed', terminated: 'failed' };
const kTerminatePath = '/api/management/v1/process_instance/{process_instance_id}/terminate';

async function terminateServed() {
  try {
    const document = await get(management('/swagger'));
    return Boolean(document.paths && document.paths[kTerminatePath]);
  } catch {
    return false;
  }
}

export class InstanceView {
  constructor(session, processInstanceId) {
    this.session = session;
    this.processInstanceId = processInstanceId;
  }

  async render(main) {
    const missing = missingPlugins(this.session, ['management_api']);
    if (missing) return replace(main, h('h1', {}, 'Instance'), missing);
    this.main = main;
    await this.refresh();
  }

  async markers(instance, flowNodeInstances) {
    const markers = new Map();
    for (const node of flowNodeInstances) markers.set(node.flowNodeId, kFlowNodeStates[node.state] || 'active');
    if (flowNodeInstances.length > 0 || instance.state === 'running') return { markers, fromHistory: true };
    // No stored history (the memory store drops it when an instance ends): what this browser
    // saw of the instance, and the end event its correlation result names.
    const ended = instance.state === 'finished' ? 'completed' : 'failed';
    for (const flowNodeId of seenNodes(instance.processInstanceId)) markers.set(flowNodeId, 'completed');
    if (instance.state === 'finished' && this.session.has('consumer_api')) {
      try {
        const results = await get(consumer(`/correlations/${segment(instance.correlationId)}/process_models/${segment(instance.processModelId)}/results`));
        const endEvents = new Set((results.correlationResults || []).map((result) => result.endEventId));
        if (endEvents.size === 1) markers.set([...endEvents][0], ended);
      } catch {
        // The result is a nicety; the page shows the instance without it.
      }
    }
    return { markers, fromHistory: false };
  }

  async refresh() {
    const id = segment(this.processInstanceId);
    let instance;
    let flowNodeInstances = [];
    let history = [];
    try {
      instance = await get(management(`/process_instances/${id}`));
      flowNodeInstances = (await get(management(`/process_instances/${id}/flow_node_instances`))).flowNodeInstances || [];
      const group = await get(management(`/process_instance/${id}/token_history`));
      history = (group[this.processInstanceId] || {}).tokenHistoryEntries || [];
    } catch (error) {
      return replace(this.main, h('h1', {}, 'Instance'), errorText(error));
    }
    const { markers, fromHistory } = await this.markers(instance, flowNodeInstances);
    const diagram = h('div', { class: 'diagram', id: 'diagram', dataset: { state: instance.state } });
    const canTerminate = instance.state === 'running' && await terminateServed();
    replace(this.main,
      h('h1', {}, `Instance ${instance.processInstanceId}`),
      h('p', { id: 'instance-summary' }, stateBadge(instance.state), ` ${instance.processModelId} · correlation ${instance.correlationId}`,
        ` · started ${formatTime(instance.createdAt)}`, instance.finishedAt ? ` · ended ${formatTime(instance.finishedAt)}` : ''),
      instance.error ? h('div', { class: 'error' }, typeof instance.error === 'string' ? instance.error : JSON.stringify(instance.error)) : null,
      instance.state === 'running'
        ? (canTerminate
          ? h('button', { class: 'danger', id: 'terminate', onclick: () => this.terminate() }, 'Terminate')
          : h('p', { class: 'muted' }, 'This host does not serve terminating an instance.'))
        : null,
      h('div', { class: 'legend' },
        h('span', {}, h('i', { style: 'background:#fff1d6;border:2px solid #e08a00' }), 'active'),
        h('span', {}, h('i', { style: 'background:#e3f4e4;border:2px solid #2e7d32' }), 'completed'),
        h('span', {}, h('i', { style: 'background:#fde3e3;border:2px solid #c62828' }), 'failed')),
      diagram,
      fromHistory ? null : h('p', { class: 'muted' },
        'The store keeps no flow node history of ended instances: marked are the nodes seen live in this browser and the end event of the correlation result.'),
      h('h2', {}, 'Token history'),
      history.length === 0 ? h('p', { class: 'muted' }, 'No stored entries.') : h('table', { id: 'token-history' },
        h('thead', {}, h('tr', {}, ['Time', 'Flow node', 'Event', 'Payload'].map((title) => h('th', {}, title)))),
        h('tbody', {}, history.map((entry) => h('tr', {},
          h('td', {}, formatTime(entry.createdAt)), h('td', {}, entry.flowNodeId), h('td', {}, entry.tokenEventType),
          h('td', {}, h('code', {}, JSON.stringify(entry.payload))))))));
    try {
      await drawDiagram(diagram, instance.xml, markers);
    } catch (error) {
      diagram.replaceWith(errorText(error));
    }
  }

  async terminate() {
    try {
      await post(management(`/process_instance/${segment(this.processInstanceId)}/terminate`), {});
      toast('Terminated');
    } catch (error) {
      toast(error.message);
    }
    await this.refresh();
  }

  onNotification(name, message) {
    if (message.processInstanceId === this.processInstanceId) this.refresh();
  }
}
