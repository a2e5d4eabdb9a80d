// A small element builder, so views describe their markup as nested calls and never build
// HTML from strings (values from the host are always text, never markup).
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function replace(container, ...children) {
  container.replaceChildren(...children.flat(Infinity).filter((child) => child !== null && child !== undefined));
}

export function toast(message) {
  const item = h('div', { class: 'toast' }, message);
  document.getElementById('toasts').append(item);
  setTimeout(() => item.remove(), 4000);
}

export function formatTime(value) {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

export function stateBadge(state) {
  return h('span', { class: `state state-${state}`, 'data-state': state }, state);
}

export function errorText(error) {
  return h('div', { class: 'error', role: 'alert' }, error.message || String(error));
}
