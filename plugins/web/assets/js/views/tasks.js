// Tasks: the waiting user tasks, manual tasks and empty activities the user may see, with a
// form for the selected one.
import { consumer, get, post, segment } from '../api.js';
import { errorText, h, replace, toast } from '../dom.js';
import { collectFormValues, renderFormFields } from '../form_fields.js';
import { missingPlugins } from './missing.js';

const kKinds = [
  { key: 'user_tasks', list: 'userTasks', finish: 'usertasks', label: 'User task' },
  { key: 'manual_tasks', list: 'manualTasks', finish: 'manual_tasks', label: 'Manual task' },
  { key: 'empty_activities', list: 'emptyActivities', finish: 'empty_activities', label: 'Empty activity' },
];

// The Consumer API route for one kind and the filters; without filters, the user's own.
function listPath(kind, model, correlation) {
  if (model && correlation) return consumer(`/process_models/${segment(model)}/correlations/${segment(correlation)}/${kind.key}`);
  if (model) return consumer(`/process_models/${segment(model)}/${kind.key}`);
  if (correlation) return consumer(`/correlations/${segment(correlation)}/${kind.key}`);
  return consumer(`/${kind.key}/own`);
}

// The model's camunda:assignee and candidates (information only: lanes decide access).
function assignmentText(camunda) {
  const parts = [];
  if (camunda.assignee != null) parts.push(`assignee ${camunda.assignee}`);
  if (Array.isArray(camunda.candidateUsers) && camunda.candidateUsers.length) parts.push(`candidates ${camunda.candidateUsers.join(', ')}`);
  if (Array.isArray(camunda.candidateGroups) && camunda.candidateGroups.length) parts.push(`groups ${camunda.candidateGroups.join(', ')}`);
  if (camunda.dueDate != null) parts.push(`due ${camunda.dueDate}`);
  return parts.join(' · ');
}

export class TasksView {
  constructor(session) {
    this.session = session;
    this.filters = { model: '', correlation: '' };
    this.selectedId = '';
  }

  async render(main) {
    const missing = missingPlugins(this.session, ['consumer_api']);
    if (missing) return replace(main, h('h1', {}, 'Tasks'), missing);
    this.main = main;
    await this.refresh();
  }

  async refresh() {
    const main = this.main;
    let tasks = [];
    let failure = null;
    try {
      const lists = await Promise.all(kKinds.map((kind) =>
        get(listPath(kind, this.filters.model, this.filters.correlation)).then((body) =>
          (body[kind.list] || []).map((task) => ({ ...task, kind })))));
      tasks = lists.flat();
    } catch (error) {
      failure = error;
    }
    const selected = tasks.find((task) => task.flowNodeInstanceId === this.selectedId) || null;
    replace(main,
      h('h1', {}, 'Tasks'),
      this.renderFilters(),
      failure ? errorText(failure) : null,
      h('div', { class: 'split' },
        this.renderTable(tasks),
        selected ? this.renderTask(selected) : h('p', { class: 'muted' }, tasks.length ? 'Select a task to work on it.' : '')));
  }

  renderFilters() {
    const form = h('form', { class: 'filters', id: 'task-filters' },
      h('label', {}, 'Model', h('input', { name: 'model', value: this.filters.model, placeholder: 'any' })),
      h('label', {}, 'Correlation', h('input', { name: 'correlation', value: this.filters.correlation, placeholder: 'any' })),
      h('button', { type: 'submit', class: 'secondary' }, 'Filter'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.filters = { model: form.elements.model.value.trim(), correlation: form.elements.correlation.value.trim() };
      this.refresh();
    });
    return form;
  }

  renderTable(tasks) {
    if (tasks.length === 0) return h('p', { class: 'muted', id: 'no-tasks' }, 'No task waits for you.');
    return h('table', { id: 'task-list' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Task'), h('th', {}, 'Kind'), h('th', {}, 'Model'), h('th', {}, 'Correlation'))),
      h('tbody', {}, tasks.map((task) => h('tr', {
        class: task.flowNodeInstanceId === this.selectedId ? 'selected' : null,
        dataset: { flowNodeInstanceId: task.flowNodeInstanceId, correlationId: task.correlationId, kind: task.kind.key },
      },
      h('td', {}, h('a', { href: '#/tasks', onclick: (event) => { event.preventDefault(); this.selectedId = task.flowNodeInstanceId; this.refresh(); } },
        task.name || task.id)),
      h('td', {}, task.kind.label),
      h('td', {}, task.processModelId),
      h('td', {}, task.correlationId)))));
  }

  renderTask(task) {
    const fields = (task.data && task.data.formFields) || [];
    const message = h('div', { class: 'error', role: 'alert' });
    const form = h('form', { class: 'form', id: 'task-form', novalidate: true },
      h('h2', {}, task.name || task.id),
      task.data && task.data.description ? h('p', {}, task.data.description) : null,
      h('div', { class: 'muted' }, `${task.processModelId} · ${task.correlationId}`),
      task.camunda ? h('div', { class: 'muted', id: 'task-assignment' }, assignmentText(task.camunda)) : null,
      renderFormFields(fields),
      h('button', { type: 'submit', id: 'task-finish' }, 'Finish'),
      message);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      message.textContent = '';
      try {
        const body = task.kind.key === 'user_tasks' ? { formFields: collectFormValues(form, fields) } : {};
        await post(consumer(`/processes/${segment(task.processInstanceId)}/correlations/${segment(task.correlationId)}/` +
          `${task.kind.finish}/${segment(task.flowNodeInstanceId)}/finish`), body);
        toast(`Finished "${task.name || task.id}"`);
        this.selectedId = '';
        await this.refresh();
      } catch (error) {
        message.textContent = error.message;
      }
    });
    return form;
  }

  // A task began waiting: the list is re-read (unless the user is typing into a form).
  onNotification(name) {
    if (name.endsWith('_waiting') && !this.selectedId) this.refresh();
  }
}
