// Start: the models the user may start, each with its start events; a correlation id and the
// new instance's input values, as JSON or as name/value rows.
import { consumer, get, post, segment } from '../api.js';
import { errorText, h, replace, toast } from '../dom.js';
import { navigate } from '../router.js';
import { PayloadEditor } from '../payload_editor.js';
import { missingPlugins } from './missing.js';

export class StartView {
  constructor(session) {
    this.session = session;
  }

  async render(main) {
    const missing = missingPlugins(this.session, ['consumer_api']);
    if (missing) return replace(main, h('h1', {}, 'Start'), missing);
    let models = [];
    try {
      models = (await get(consumer('/process_models'))).processModels || [];
    } catch (error) {
      return replace(main, h('h1', {}, 'Start'), errorText(error));
    }
    replace(main, h('h1', {}, 'Start a process'),
      models.length === 0 ? h('p', { class: 'muted' }, 'No model is deployed that you may start.') : null,
      h('div', { class: 'model-forms' }, models.map((model) => this.renderModel(model))));
  }

  renderModel(model) {
    const startEvents = model.startEvents || [];
    const message = h('div', { class: 'error', role: 'alert' });
    const payload = new PayloadEditor();
    const form = h('form', { class: 'form', dataset: { processModelId: model.id } },
      h('h2', {}, model.id),
      h('label', {}, 'Start event', h('select', { name: 'startEvent' },
        startEvents.map((event) => h('option', { value: event.id }, event.eventName ? `${event.eventName} (${event.id})` : event.id)))),
      h('label', {}, 'Correlation (empty: a new one)', h('input', { name: 'correlation' })),
      h('div', { class: 'field' }, 'Input values', payload.element),
      h('button', { type: 'submit', class: 'start-button', disabled: startEvents.length === 0 }, 'Start'),
      message);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      message.textContent = '';
      let inputValues;
      try {
        inputValues = payload.value();
      } catch (error) {
        message.textContent = error.message;
        return;
      }
      const body = { inputValues };
      const correlation = form.elements.correlation.value.trim();
      if (correlation) body.correlationId = correlation;
      try {
        const started = await post(consumer(`/process_models/${segment(model.id)}/start?start_callback_type=1` +
          `&start_event_id=${segment(form.elements.startEvent.value)}`), body);
        toast(`Started ${model.id} (${started.correlationId})`);
        navigate('tasks');
      } catch (error) {
        message.textContent = error.message;
      }
    });
    return form;
  }
}
