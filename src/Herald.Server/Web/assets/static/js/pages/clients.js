// Clients: the tokens that read messages (apps, CLI, this browser's session). List, create, rename, delete, show and
// copy the token. Deleting this browser's own client ends the session.
import { h, replace, iconButton, timeEl } from '../dom.js';
import { get, post, put, del } from '../api.js';
import { state } from '../state.js';
import { formDialog, confirmDialog } from '../dialogs.js';
import { toast, toastError } from '../toast.js';
import { secret, rowsCard } from '../widgets.js';

export function clientsPage(main) {
  document.title = 'Herald · Clients';
  let disposed = false;
  let body = h('div', { class: 'loading', text: 'Loading…' });
  replace(main, h('div', { class: 'page', dataset: { page: 'clients' } },
    h('div', { class: 'page-head' }, h('h1', { text: 'Clients' }),
      h('div', { class: 'actions' }, iconButton('plus', 'Create client', () => createDialog(load), { iconOnly: false, cls: 'primary', id: 'create-client' }))),
    h('p', { class: 'lead', text: 'Clients receive messages (GET /message, the /stream websocket) with their token.' }),
    body));

  async function load() {
    try {
      const clients = await get('client');
      if (disposed) return;
      const card = clientsCard(clients, load);
      body.replaceWith(card);
      body = card;
    } catch (e) {
      toastError(e, 'Cannot load clients');
    }
  }

  function clientsCard(clients, reload) {
    const rows = clients.map((c) => h('div', { class: 'row clients', dataset: { id: c.id, name: c.name } },
      h('div', {},
        h('div', { class: 'title' }, c.name, c.id === state.user?.clientId ? h('span', { class: 'badge accent', text: 'this browser', style: { marginLeft: '8px' } }) : null),
        h('div', { class: 'sub' }, 'Created ', timeEl(c.createdAt))),
      h('div', {}, h('span', { class: 'label-inline', text: 'Token ' }), secret(c.token)),
      h('div', { class: 'sub' }, 'Last used ', timeEl(c.lastUsed)),
      h('div', { class: 'actions' },
        iconButton('edit', 'Rename client', () => renameDialog(c, reload)),
        iconButton('trash', 'Delete client', () => remove(c, reload), { cls: 'danger' }))));
    return rowsCard('clients', ['Name', 'Token', 'Last used', ''], rows, 'No clients.');
  }

  load();
  return () => {
    disposed = true;
  };
}

function createDialog(reload) {
  return formDialog({
    title: 'Create client',
    submitLabel: 'Create',
    fields: [{ name: 'name', label: 'Name', required: true, hint: 'For example the phone or script that will use it.' }],
    onSubmit: async ({ name }) => {
      const client = await post('client', { name });
      toast(`Client ${client.name} created.`);
      await reload();
    },
  });
}

function renameDialog(client, reload) {
  return formDialog({
    title: `Rename ${client.name}`,
    fields: [{ name: 'name', label: 'Name', required: true, value: client.name }],
    onSubmit: async ({ name }) => {
      await put(`client/${client.id}`, { name });
      toast('Client renamed.');
      await reload();
    },
  });
}

async function remove(client, reload) {
  const own = client.id === state.user?.clientId;
  const text = own
    ? `${client.name} is this browser's session: deleting it logs you out.`
    : `Delete ${client.name}? Whatever uses its token will be refused.`;
  if (!(await confirmDialog('Delete client', text))) return;
  try {
    await del(`client/${client.id}`);
    toast(`Client ${client.name} deleted.`);
    if (own) {
      await get('current/user'); // refused now: the page signs out
      return;
    }
    await reload();
  } catch (e) {
    if (!own) toastError(e, 'Cannot delete the client');
  }
}
