// Instances: the Management API's instance lists, by state, model or correlation, paged in
// the store (offset and limit go to the host).
import { get, management, pageQuery, segment } from '../api.js';
import { errorText, formatTime, h, replace, stateBadge } from '../dom.js';
import { missingPlugins } from './missing.js';

const kPageSize = 20;
const kStates = ['running', 'finished', 'error', 'terminated'];

// The store answers one filter per query: the most specific one set. A second filter then
// narrows the page shown (the notice says so).
function listPath(filters, offset) {
  const page = pageQuery(offset, kPageSize);
  if (filters.correlation) return management(`/process_instances/by_correlation/${segment(filters.correlation)}?${page}`);
  if (filters.model) return management(`/process_instances/by_process_model/${segment(filters.model)}?${page}`);
  return management(`/process_instances/by_state/${segment(filters.state)}?${page}`);
}

export class InstancesView {
  constructor(session) {
    this.session = session;
    this.filters = { state: 'running', model: '', correlation: '' };
    this.offset = 0;
  }

  async render(main) {
    const missing = missingPlugins(this.session, ['management_api']);
    if (missing) return replace(main, h('h1', {}, 'Instances'), missing);
    this.main = main;
    await this.refresh();
  }

  async refresh() {
    let instances = [];
    let total = 0;
    let failure = null;
    try {
      const body = await get(listPath(this.filters, this.offset));
      instances = body.processInstances || [];
      total = body.totalCount ?? instances.length;
    } catch (error) {
      failure = error;
    }
    const serverFilter = this.filters.correlation ? 'correlation' : this.filters.model ? 'model' : 'state';
    const narrowed = instances.filter((instance) =>
      (serverFilter === 'state' || !this.filters.state || instance.state === this.filters.state) &&
      (serverFilter !== 'correlation' || !this.filters.model || instance.processModelId === this.filters.model));
    replace(this.main,
      h('h1', {}, 'Instances'),
      this.renderFilters(),
      failure ? errorText(failure) : null,
      narrowed.length === 0 ? h('p', { class: 'muted', id: 'no-instances' }, 'No instance matches.') : this.renderTable(narrowed),
      this.renderPager(total));
  }

  renderFilters() {
    const form = h('form', { class: 'filters', id: 'instance-filters' },
      h('label', {}, 'State', h('select', { name: 'state' },
        h('option', { value: '' }, 'any'),
        kStates.map((state) => h('option', { value: state, selected: state === this.filters.state }, state)))),
      h('label', {}, 'Model', h('input', { name: 'model', value: this.filters.model, placeholder: 'any' })),
      h('label', {}, 'Correlation', h('input', { name: 'correlation', value: this.filters.correlation, placeholder: 'any' })),
      h('button', { type: 'submit', class: 'secondary' }, 'Filter'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const state = form.elements.state.value;
      const model = form.elements.model.value.trim();
      const correlation = form.elements.correlation.value.trim();
      // Without a model or correlation the store lists by state: "any" state then means running.
      this.filters = { state: state || (model || correlation ? '' : 'running'), model, correlation };
      this.offset = 0;
      this.refresh();
    });
    return form;
  }

  renderTable(instances) {
    return h('table', { id: 'instance-list' },
      h('thead', {}, h('tr', {}, ['Instance', 'Model', 'Correlation', 'State', 'Started', 'Finished'].map((title) => h('th', {}, title)))),
      h('tbody', {}, instances.map((instance) => h('tr', { dataset: { processInstanceId: instance.processInstanceId, state: instance.state } },
        h('td', {}, h('a', { href: `#/instance/${encodeURIComponent(instance.processInstanceId)}` }, instance.processInstanceId.slice(0, 8))),
        h('td', {}, instance.processModelId),
        h('td', {}, instance.correlationId),
        h('td', {}, stateBadge(instance.state)),
        h('td', {}, formatTime(instance.createdAt)),
        h('td', {}, formatTime(instance.finishedAt))))));
  }

  renderPager(total) {
    const last = Math.min(this.offset + kPageSize, total);
    return h('div', { class: 'pager', id: 'pager' },
      h('button', { class: 'secondary', disabled: this.offset === 0, onclick: () => { this.offset = Math.max(0, this.offset - kPageSize); this.refresh(); } }, 'Previous'),
      h('span', { class: 'muted', id: 'pager-position' }, total ? `${this.offset + 1}–${last} of ${total}` : '0 of 0'),
      h('button', { class: 'secondary', id: 'pager-next', disabled: last >= total, onclick: () => { this.offset += kPageSize; this.refresh(); } }, 'Next'));
  }

  onNotification(name) {
    if (name.startsWith('process_')) this.refresh();
  }
}
