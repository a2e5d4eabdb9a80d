// The app's shell: asks the host what it loaded, logs in when iam is there, shows the page
// of the current hash route and passes the notification stream's events to it.
import { h, replace, toast } from './dom.js';
import { NotificationStream } from './notifications.js';
import { currentRoute } from './router.js';
import { rememberNode } from './seen_nodes.js';
import { session } from './session.js';
import { InstanceView } from './views/instance.js';
import { InstancesView } from './views/instances.js';
import { renderLogin } from './views/login.js';
import { ModelsView } from './views/models.js';
import { StartView } from './views/start.js';
import { TasksView } from './views/tasks.js';

const main = document.getElementById('main');
const views = {
  tasks: () => new TasksView(session),
  start: () => new StartView(session),
  instances: () => new InstancesView(session),
  instance: (argument) => new InstanceView(session, argument),
  models: () => new ModelsView(session),
};
let currentView = null;
// Kept across route changes, so the filters and page survive a visit to an instance.
const kept = {};

const live = document.getElementById('live');
const stream = new NotificationStream(onNotification, (connected) => {
  live.textContent = connected ? 'live' : 'offline';
  live.classList.toggle('on', connected);
  document.body.dataset.live = connected ? 'on' : 'off';
});

const kEndedMessages = { process_ended: 'finished', process_error: 'failed', process_terminated: 'was terminated' };

function onNotification(name, message) {
  rememberNode(message);
  if (kEndedMessages[name]) toast(`${message.processModelId} (${message.correlationId}) ${kEndedMessages[name]}`);
  if (currentView && currentView.onNotification) currentView.onNotification(name, message);
}

function renderUser() {
  const user = document.getElementById('user');
  if (!session.loginAvailable) return replace(user, h('span', { title: 'No iam plugin: every request runs as the anonymous identity' }, 'open host'));
  if (!session.token) return replace(user);
  replace(user, session.user, h('button', { class: 'secondary', id: 'logout', onclick: () => session.logout() }, 'Log out'));
}

async function show() {
  renderUser();
  const { view, argument } = currentRoute();
  for (const link of document.querySelectorAll('#nav a')) {
    link.classList.toggle('current', link.dataset.view === view || (view === 'instance' && link.dataset.view === 'instances'));
  }
  if (!session.loggedIn) {
    currentView = null;
    return renderLogin(main);
  }
  const create = views[view] || views.tasks;
  currentView = view === 'instance' ? create(argument) : (kept[view] ||= create());
  await currentView.render(main);
  main.dataset.view = view;
}

session.onChange = () => {
  for (const key of Object.keys(kept)) delete kept[key];
  if (session.loggedIn && session.has('consumer_api')) stream.start();
  else stream.stop();
  show();
};

async function boot() {
  try {
    await session.loadPlugins();
  } catch (error) {
    replace(main, h('div', { class: 'error' }, `The host did not say which plugins it loaded: ${error.message}`));
    return;
  }
  window.addEventListener('hashchange', show);
  session.onChange();
}

boot();
