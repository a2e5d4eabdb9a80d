// Models: the deployed models with their start and end events; deploy by dropping a .bpmn
// file, through the Management API, with every problem the engine names shown per element.
import { get, management, post, segment } from '../api.js';
import { errorText, formatTime, h, replace, toast } from '../dom.js';
import { missingPlugins } from './missing.js';

// The id of the diagram's one process, which the deploy route takes as the model's name.
function processIdOf(xml) {
  const document = new DOMParser().parseFromString(xml, 'application/xml');
  if (document.getElementsByTagName('parsererror').length > 0) throw new Error('The file is not well-formed XML.');
  const processes = document.getElementsByTagNameNS('http://www.omg.org/spec/BPMN/20100524/MODEL', 'process');
  if (processes.length !== 1) throw new Error(`The diagram must hold exactly one process; it holds ${processes.length}.`);
  return processes[0].getAttribute('id');
}

function problemList(additionalInformation) {
  const problems = Array.isArray(additionalInformation) ? additionalInformation
    : (additionalInformation && (additionalInformation.problems || additionalInformation.errors)) || [];
  if (problems.length === 0) return null;
  return h('table', { id: 'deploy-problems' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Element'), h('th', {}, 'Problem'))),
    h('tbody', {}, problems.map((problem) => h('tr', {},
      h('td', {}, problem.elementId || problem.element || problem.id || ''),
      h('td', {}, problem.message || JSON.stringify(problem))))));
}

// The stored versions of a model, newest first; null when the host cannot list them.
async function versionsOf(model) {
  try {
    const versions = (await get(management(`/process_models/${segment(model.id)}/versions`))).versions || [];
    return versions.slice().reverse();
  } catch (error) {
    return null;
  }
}

// Each version as "v2 · deployed at · latest", the hash in its tooltip and data attributes.
function versionList(versions) {
  if (versions === null) return h('span', { class: 'muted' }, 'not available');
  return h('ul', { class: 'versions' }, versions.map((version) => h('li', {
    class: version.latest ? 'latest' : (version.deleted ? 'deleted' : null),
    title: `hash ${version.hash}`,
    dataset: { version: version.version, hash: version.hash, latest: version.latest },
  },
  h('strong', {}, `v${version.version}`),
  version.deployedAt ? ` · ${formatTime(version.deployedAt)}` : '',
  version.latest ? h('span', { class: 'version-tag' }, 'latest') : null,
  version.deleted ? h('span', { class: 'version-tag' }, 'deleted') : null)));
}

export class ModelsView {
  constructor(session) {
    this.session = session;
  }

  async render(main) {
    const missing = missingPlugins(this.session, ['management_api']);
    if (missing) return replace(main, h('h1', {}, 'Models'), missing);
    this.main = main;
    await this.refresh();
  }

  async refresh(outcome = null) {
    let models = [];
    let versions = [];
    let failure = null;
    try {
      models = (await get(management('/process_models'))).processModels || [];
      versions = await Promise.all(models.map(versionsOf));
    } catch (error) {
      failure = error;
    }
    replace(this.main,
      h('h1', {}, 'Models'),
      failure ? errorText(failure) : null,
      h('table', { id: 'model-list' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Model'), h('th', {}, 'Versions'), h('th', {}, 'Start events'),
          h('th', {}, 'End events'))),
        h('tbody', {}, models.map((model, index) => h('tr', { dataset: { processModelId: model.id } },
          h('td', {}, model.id),
          h('td', { class: 'model-versions' }, versionList(versions[index] === undefined ? null : versions[index])),
          h('td', {}, (model.startEvents || []).map((event) => event.id).join(', ')),
          h('td', {}, (model.endEvents || []).map((event) => event.id).join(', ')))))),
      h('h2', {}, 'Deploy'),
      this.renderDropzone(),
      outcome);
  }

  renderDropzone() {
    const input = h('input', { type: 'file', accept: '.bpmn,.xml', id: 'deploy-file', class: 'visually-hidden' });
    const zone = h('div', { class: 'dropzone', id: 'dropzone' },
      'Drop a .bpmn file here to deploy it (a model of the same name gets a new version), or ',
      h('a', { href: '#/models', onclick: (event) => { event.preventDefault(); input.click(); } }, 'choose a file'), '.', input);
    zone.addEventListener('dragover', (event) => { event.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      zone.classList.remove('over');
      if (event.dataTransfer.files.length > 0) this.deploy(event.dataTransfer.files[0]);
    });
    input.addEventListener('change', () => { if (input.files.length > 0) this.deploy(input.files[0]); });
    return zone;
  }

  async deploy(file) {
    const xml = await file.text();
    try {
      const name = processIdOf(xml);
      await post(management(`/process_models/${segment(name)}/update`), { xml, overwriteExisting: true });
      toast(`Deployed ${name}`);
      await this.refresh(h('p', { id: 'deploy-result' }, `Deployed ${name} from ${file.name}.`));
    } catch (error) {
      await this.refresh(h('div', { id: 'deploy-result' }, errorText(error), problemList(error.additionalInformation)));
    }
  }
}
