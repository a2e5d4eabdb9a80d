import { h } from '../dom.js';

// What a page needs that the host did not load, said instead of a page that fails.
export function missingPlugins(session, needed) {
  const missing = needed.filter((plugin) => !session.has(plugin));
  if (missing.length === 0) return null;
  return h('div', { class: 'notice', 'data-missing': missing.join(' ') },
    `This page needs the plugin${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which this host has not loaded. `,
    'Add it to the host config\'s "plugins" list and restart the host.');
}
