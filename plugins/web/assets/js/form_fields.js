// A user task's form, from its formFields (camunda:formData): one control per field type,
// with its default value, required and validation constraints checked before finishing.
import { h } from './dom.js';

function constraintsOf(field) {
  const constraints = {};
  for (const constraint of field.validation || field.validationConstraints || []) {
    constraints[constraint.name] = constraint.config ?? constraint.configuration ?? true;
  }
  if (field.required) constraints.required = true;
  return constraints;
}

function controlFor(field, constraints) {
  const name = field.id;
  const value = field.defaultValue;
  const required = Boolean(constraints.required);
  switch (field.type) {
    case 'boolean':
      return h('input', { type: 'checkbox', name, checked: value === true || value === 'true' });
    case 'long':
    case 'number':
      return h('input', {
        type: 'number', name, required, step: field.type === 'long' ? '1' : 'any',
        min: constraints.min, max: constraints.max, value: value ?? '',
      });
    case 'date':
      return h('input', { type: 'date', name, required, value: value ? String(value).slice(0, 10) : '' });
    case 'enum':
      return h('select', { name, required },
        required ? null : h('option', { value: '' }, ''),
        (field.enumValues || []).map((option) =>
          h('option', { value: option.id, selected: option.id === value }, option.name ?? option.id)));
    default:
      return h('input', {
        type: 'text', name, required, value: value ?? '',
        minlength: constraints.minlength, maxlength: constraints.maxlength, pattern: constraints.pattern,
      });
  }
}

export function renderFormFields(fields) {
  return fields.map((field) => {
    const constraints = constraintsOf(field);
    const control = controlFor(field, constraints);
    control.dataset.fieldType = field.type || 'string';
    control.id = `field-${field.id}`;
    const label = field.label || field.id;
    if (field.type === 'boolean') return h('label', { class: 'checkbox' }, control, label);
    return h('label', {}, `${label}${constraints.required ? ' *' : ''}`, control);
  });
}

// The formFields object to finish with, or throws an Error naming the first invalid field.
export function collectFormValues(form, fields) {
  const values = {};
  for (const field of fields) {
    const control = form.elements.namedItem(field.id);
    if (!control) continue;
    control.classList.remove('invalid');
    if (!control.checkValidity()) {
      control.classList.add('invalid');
      throw new Error(`${field.label || field.id}: ${control.validationMessage}`);
    }
    const raw = control.value;
    switch (field.type) {
      case 'boolean':
        values[field.id] = control.checked;
        break;
      case 'long':
        values[field.id] = raw === '' ? null : Number.parseInt(raw, 10);
        break;
      case 'number':
        values[field.id] = raw === '' ? null : Number(raw);
        break;
      default:
        values[field.id] = raw === '' ? null : raw;
    }
  }
  return values;
}
