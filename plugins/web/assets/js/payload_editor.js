// The input values of a start: JSON typed in, or name/value rows. A row's value is taken as
// JSON when it parses (42, true, "x", {...}) and as text otherwise, so `42` starts with a
// number and `Ada` with a string.
import { h } from './dom.js';

function valueOf(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class PayloadEditor {
  constructor() {
    this.mode = 'json';
    this.json = h('textarea', { name: 'payload' }, '{}');
    this.rows = h('div', { class: 'payload-rows' });
    this.addRow();
    this.element = h('div', { class: 'payload-editor' },
      h('div', { class: 'payload-modes' },
        this.modeButton('json', 'JSON'), this.modeButton('form', 'Form')),
      this.json,
      this.rows);
    this.show();
  }

  modeButton(mode, label) {
    return h('button', { type: 'button', class: 'secondary', dataset: { mode }, onclick: () => { this.mode = mode; this.show(); } }, label);
  }

  show() {
    this.json.hidden = this.mode !== 'json';
    this.rows.hidden = this.mode !== 'form';
    for (const button of this.element.querySelectorAll('.payload-modes button')) {
      button.classList.toggle('current', button.dataset.mode === this.mode);
    }
  }

  addRow() {
    const row = h('div', { class: 'payload-row' },
      h('input', { name: 'valueName', placeholder: 'name' }),
      h('input', { name: 'valueText', placeholder: 'value' }),
      h('button', { type: 'button', class: 'secondary', onclick: () => this.addRow() }, '+'));
    this.rows.append(row);
  }

  // The input values, or throws an Error that says what is wrong.
  value() {
    if (this.mode === 'json') {
      try {
        return JSON.parse(this.json.value || '{}');
      } catch (error) {
        throw new Error(`The input values are not JSON: ${error.message}`);
      }
    }
    const values = {};
    for (const row of this.rows.querySelectorAll('.payload-row')) {
      const name = row.querySelector('[name=valueName]').value.trim();
      if (name) values[name] = valueOf(row.querySelector('[name=valueText]').value);
    }
    return values;
  }
}
