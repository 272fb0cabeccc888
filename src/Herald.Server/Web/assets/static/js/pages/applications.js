// Applications: list with images, create, edit (name, description, default priority), order (sort keys computed
// with fractional-indexing, as Gotify's UI), upload and remove the image, show and copy the token, delete.
import { h, replace, iconButton, timeEl } from '../dom.js';
import { post, put, del, request, resolve } from '../api.js';
import { state, refreshApps, onApps } from '../state.js';
import { formDialog, confirmDialog } from '../dialogs.js';
import { toast, toastError } from '../toast.js';
import { secret, rowsCard } from '../widgets.js';
import { generateKeyBetween } from '../../vendor/fractional-indexing.js';

const DEFAULT_IMAGE = 'static/defaultapp.png';

export function applicationsPage(main) {
  document.title = 'Herald · Applications';
  const render = () => {
    const rows = state.apps.map((app, index) => appRow(app, index));
    replace(main, h('div', { class: 'page', dataset: { page: 'applications' } },
      h('div', { class: 'page-head' }, h('h1', { text: 'Applications' }),
        h('div', { class: 'actions' }, iconButton('plus', 'Create application', createDialog, { iconOnly: false, cls: 'primary', id: 'create-application' }))),
      h('p', { class: 'lead', text: 'Applications send messages with their token (POST /message?token=…).' }),
      rowsCard('apps', ['', 'Name', 'Token', 'Priority', ''], rows, 'No applications yet. Create one to send messages.')));
  };
  const unsubscribe = onApps(render);
  render();
  refreshApps().catch((e) => toastError(e, 'Cannot load applications'));
  return unsubscribe;
}

function appRow(app, index) {
  const custom = app.image !== DEFAULT_IMAGE;
  const fileInput = h('input', { type: 'file', accept: '.png,.jpg,.jpeg,.gif,image/png,image/jpeg,image/gif', hidden: true, 'aria-label': `Image file for ${app.name}` });
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files[0];
    if (!file) return;
    const form = new FormData();
    form.append('file', file);
    try {
      await request('POST', `application/${app.id}/image`, { body: form });
      toast('Image uploaded.');
      await refreshApps();
    } catch (e) {
      toastError(e, 'Cannot upload the image');
    }
  });

  return h('div', { class: 'row apps', dataset: { id: app.id, name: app.name } },
    h('img', { class: 'app-image', src: resolve(app.image), alt: `${app.name} image` }),
    h('div', {},
      h('div', { class: 'title' }, h('a', { href: `#/messages/${app.id}`, text: app.name }), app.internal ? h('span', { class: 'badge accent', text: 'plugin', style: { marginLeft: '8px' } }) : null),
      app.description ? h('div', { class: 'sub', text: app.description }) : null,
      h('div', { class: 'sub' }, 'Last used ', timeEl(app.lastUsed))),
    h('div', {}, h('span', { class: 'label-inline', text: 'Token ' }), secret(app.token)),
    h('div', {}, h('span', { class: 'label-inline', text: 'Default priority ' }), h('span', { class: 'priority', text: String(app.defaultPriority) })),
    h('div', { class: 'actions' },
      fileInput,
      iconButton('up', 'Move up', () => move(index, -1), { disabled: index === 0 }),
      iconButton('down', 'Move down', () => move(index, 1), { disabled: index === state.apps.length - 1 }),
      iconButton('image', 'Upload image', () => fileInput.click()),
      custom ? iconButton('imageOff', 'Remove image', () => removeImage(app)) : null,
      iconButton('edit', 'Edit application', () => editDialog(app)),
      iconButton('trash', app.internal ? 'A plugin\'s application cannot be deleted' : 'Delete application', () => remove(app), { cls: 'danger', disabled: app.internal })));
}

function params(app, changes) {
  return { name: app.name, description: app.description, defaultPriority: app.defaultPriority, sortKey: app.sortKey, ...changes };
}

function createDialog() {
  return formDialog({
    title: 'Create application',
    submitLabel: 'Create',
    fields: [
      { name: 'name', label: 'Name', required: true },
      { name: 'description', label: 'Description', type: 'textarea' },
      { name: 'defaultPriority', label: 'Default priority', type: 'number', value: 0, hint: 'Used for messages sent without a priority.' },
    ],
    onSubmit: async (values) => {
      const app = await post('application', values);
      await refreshApps();
      toast(`Application ${app.name} created.`);
    },
  });
}

function editDialog(app) {
  return formDialog({
    title: `Edit ${app.name}`,
    fields: [
      { name: 'name', label: 'Name', required: true, value: app.name },
      { name: 'description', label: 'Description', type: 'textarea', value: app.description },
      { name: 'defaultPriority', label: 'Default priority', type: 'number', value: app.defaultPriority },
    ],
    onSubmit: async (values) => {
      await put(`application/${app.id}`, params(app, values));
      await refreshApps();
      toast('Application saved.');
    },
  });
}

async function move(index, direction) {
  const apps = state.apps;
  const target = index + direction;
  if (target < 0 || target >= apps.length) return;
  // The new key lies between the two neighbours of the target position.
  const before = direction < 0 ? apps[target - 1]?.sortKey ?? null : apps[target].sortKey;
  const after = direction < 0 ? apps[target].sortKey : apps[target + 1]?.sortKey ?? null;
  try {
    const sortKey = generateKeyBetween(before || null, after || null);
    await put(`application/${apps[index].id}`, params(apps[index], { sortKey }));
    await refreshApps();
  } catch (e) {
    toastError(e, 'Cannot reorder');
  }
}

async function removeImage(app) {
  try {
    await del(`application/${app.id}/image`);
    toast('Image removed.');
    await refreshApps();
  } catch (e) {
    toastError(e, 'Cannot remove the image');
  }
}

async function remove(app) {
  if (!(await confirmDialog('Delete application', `Delete ${app.name} and all its messages? Senders using its token will be refused.`))) return;
  try {
    await del(`application/${app.id}`);
    toast(`Application ${app.name} deleted.`);
    await refreshApps();
    if (location.hash === `#/messages/${app.id}`) location.hash = '#/';
  } catch (e) {
    toastError(e, 'Cannot delete the application');
  }
}
