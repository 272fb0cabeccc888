// Users (admins only): list, create, edit (name, password, admin), delete.
import { h, replace, iconButton, timeEl } from '../dom.js';
import { get, post, del } from '../api.js';
import { state } from '../state.js';
import { formDialog, confirmDialog } from '../dialogs.js';
import { toast, toastError } from '../toast.js';
import { rowsCard } from '../widgets.js';

export function usersPage(main) {
  document.title = 'Herald · Users';
  if (!state.user?.admin) {
    replace(main, h('div', { class: 'page' }, h('div', { class: 'card empty', text: 'Only administrators manage users.' })));
    return null;
  }

  let disposed = false;
  let body = h('div', { class: 'loading', text: 'Loading…' });
  replace(main, h('div', { class: 'page', dataset: { page: 'users' } },
    h('div', { class: 'page-head' }, h('h1', { text: 'Users' }),
      h('div', { class: 'actions' }, iconButton('plus', 'Create user', () => userDialog(null, load), { iconOnly: false, cls: 'primary', id: 'create-user' }))),
    body));

  async function load() {
    try {
      const users = await get('user');
      if (disposed) return;
      const rows = users.map((u) => h('div', { class: 'row users', dataset: { id: u.id, name: u.name } },
        h('div', {}, h('div', { class: 'title' }, u.name, u.id === state.user.id ? h('span', { class: 'badge accent', text: 'you', style: { marginLeft: '8px' } }) : null)),
        h('div', {}, u.admin ? h('span', { class: 'badge ok', text: 'admin' }) : h('span', { class: 'badge', text: 'user' })),
        h('div', { class: 'sub' }, 'Created ', timeEl(u.createdAt)),
        h('div', { class: 'actions' },
          iconButton('edit', 'Edit user', () => userDialog(u, load)),
          iconButton('trash', 'Delete user', () => remove(u, load), { cls: 'danger' }))));
      const card = rowsCard('users', ['Name', 'Role', 'Created', ''], rows, 'No users.');
      body.replaceWith(card);
      body = card;
    } catch (e) {
      toastError(e, 'Cannot load users');
    }
  }

  load();
  return () => {
    disposed = true;
  };
}

function userDialog(user, reload) {
  return formDialog({
    title: user ? `Edit ${user.name}` : 'Create user',
    submitLabel: user ? 'Save' : 'Create',
    fields: [
      { name: 'name', label: 'User name', required: true, value: user?.name ?? '', autocomplete: 'off' },
      { name: 'pass', label: user ? 'New password' : 'Password', type: 'password', required: !user, autocomplete: 'new-password', hint: user ? 'Leave empty to keep the current password.' : undefined },
      { name: 'admin', label: 'Administrator', type: 'checkbox', value: user?.admin ?? false },
    ],
    onSubmit: async ({ name, pass, admin }) => {
      if (user) {
        await post(`user/${user.id}`, { name, admin, pass });
        if (user.id === state.user.id) {
          Object.assign(state.user, { name, admin });
          const label = document.getElementById('current-user');
          if (label) label.textContent = name;
        }
        toast('User saved.');
      } else {
        await post('user', { name, pass, admin });
        toast(`User ${name} created.`);
      }
      await reload();
    },
  });
}

async function remove(user, reload) {
  if (!(await confirmDialog('Delete user', `Delete ${user.name} with all their applications, messages, clients and plugin settings?`))) return;
  try {
    await del(`user/${user.id}`);
    toast(`User ${user.name} deleted.`);
    if (user.id === state.user.id) {
      await get('current/user');
      return;
    }
    await reload();
  } catch (e) {
    toastError(e, 'Cannot delete the user');
  }
}
