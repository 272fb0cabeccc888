// Herald's web UI: boot, login, the page shell (header and navigation) and the hash router (#/messages/3 and so
// on, as Gotify's UI). Everything goes through the REST API and the /stream websocket with the session cookie.
import { h, replace, icon, iconButton } from './dom.js';
import { get, post, onUnauthorized, basicAuth, resolve } from './api.js';
import { state, refreshApps, onApps, emitMessage, appById } from './state.js';
import { startStream, stopStream, onStreamStatus, streamStatus } from './stream.js';
import * as notify from './notify.js';
import { toast, toastError } from './toast.js';
import { formDialog } from './dialogs.js';
import { messagesPage } from './pages/messages.js';
import { applicationsPage } from './pages/applications.js';
import { clientsPage } from './pages/clients.js';
import { usersPage } from './pages/users.js';
import { pluginsPage, pluginDetailPage } from './pages/plugins.js';

const root = document.getElementById('app');
let shell = null;
let disposePage = null;
let unsubscribers = [];

const routes = [
  [/^\/?$/, () => messagesPage, () => ({ appId: null })],
  [/^\/messages\/(\d+)$/, () => messagesPage, (m) => ({ appId: Number(m[1]) })],
  [/^\/applications$/, () => applicationsPage, () => ({})],
  [/^\/clients$/, () => clientsPage, () => ({})],
  [/^\/users$/, () => usersPage, () => ({})],
  [/^\/plugins$/, () => pluginsPage, () => ({})],
  [/^\/plugins\/(\d+)$/, () => pluginDetailPage, (m) => ({ id: Number(m[1]) })],
];

async function boot() {
  onUnauthorized(() => {
    if (state.user) {
      signOutLocally();
      toast('Your session has ended. Please log in again.');
    }
  });

  try {
    state.user = await get('current/user', { quiet401: true });
  } catch (e) {
    state.user = null;
    if (e.status !== 401) toastError(e, 'Cannot check the session');
  }
  root.classList.remove('booting');
  if (state.user) await enter();
  else showLogin();
}

/** "Chrome 131", "Firefox 128"…: the name of the session's client, as Gotify's UI sends it. */
function browserName() {
  const ua = navigator.userAgent;
  for (const [name, pattern] of [['Edge', /Edg\/(\d+)/], ['Firefox', /Firefox\/(\d+)/], ['Chrome', /Chrom(?:e|ium)\/(\d+)/], ['Safari', /Version\/(\d+).*Safari/]]) {
    const m = ua.match(pattern);
    if (m) return `${name} ${m[1]}`;
  }
  return 'Web browser';
}

// ---------------------------------------------------------------------------------------------------------- login

async function showLogin() {
  teardown();
  document.title = 'Herald · Login';
  const error = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const name = h('input', { id: 'login-name', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary', text: 'Log in' });
  const register = h('div', { class: 'alt', hidden: true },
    h('button', { type: 'button', class: 'small', text: 'Create an account', onClick: () => registerDialog() }));
  const version = h('p', { class: 'muted alt' });

  const form = h('form', { id: 'login-form', class: 'card login', novalidate: true },
    h('div', { class: 'brand' }, h('img', { src: 'static/favicon.svg', alt: '' }), h('h1', { text: 'Herald' })),
    h('label', { class: 'field', for: 'login-name' }, 'User name', name),
    h('label', { class: 'field', for: 'login-pass' }, 'Password', pass),
    error,
    submit,
    register,
    version);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!name.value) {
      name.focus();
      return;
    }
    submit.disabled = true;
    error.hidden = true;
    try {
      await login(name.value, pass.value);
    } catch (e) {
      error.textContent = e.status === 401 ? 'Wrong user name or password.' : `Login failed: ${e.description || e.message}`;
      error.hidden = false;
      pass.select();
    } finally {
      submit.disabled = false;
    }
  });

  replace(root, h('div', { class: 'login-wrap' }, form));
  name.focus();

  try {
    const info = await get('gotifyinfo');
    register.hidden = !info.register;
    version.textContent = `Herald ${info.version}`;
  } catch {
    // Only decoration.
  }
}

async function login(name, password) {
  const clientName = browserName();
  state.user = await post('auth/local/login', { name: clientName }, { headers: { Authorization: basicAuth(name, password) }, quiet401: true });
  await enter();
  toast(`A client named '${clientName}' was created for this session.`);
}

function registerDialog() {
  return formDialog({
    title: 'Create an account',
    submitLabel: 'Create and log in',
    fields: [
      { name: 'name', label: 'User name', required: true, autocomplete: 'username' },
      { name: 'pass', label: 'Password', type: 'password', required: true, autocomplete: 'new-password' },
    ],
    onSubmit: async ({ name, pass }) => {
      await post('user', { name, pass, admin: false }, { quiet401: true });
      await login(name, pass);
    },
  });
}

async function logout() {
  try {
    await post('auth/logout');
  } catch (e) {
    if (e.status !== 401) toastError(e, 'Logout failed');
  }
  signOutLocally();
}

function signOutLocally() {
  state.user = null;
  state.apps = [];
  showLogin();
}

function teardown() {
  stopStream();
  disposePage?.();
  disposePage = null;
  unsubscribers.forEach((u) => u());
  unsubscribers = [];
  window.removeEventListener('hashchange', route);
  shell = null;
}

// ---------------------------------------------------------------------------------------------------------- shell

async function enter() {
  teardown();
  shell = buildShell();
  replace(root, shell.el);
  try {
    await refreshApps();
  } catch (e) {
    toastError(e, 'Cannot load applications');
  }
  startStream(onStreamMessage);
  window.addEventListener('hashchange', route);
  route();
}

function onStreamMessage(message) {
  const app = appById(message.appid);
  if (!app) {
    // A new application (a plugin's, or one made elsewhere): reload the list for names and images.
    refreshApps().catch(() => {});
  }
  emitMessage(message);
  notify.notifyMessage(message, app);
}

function buildShell() {
  const nav = h('nav', { class: 'side', 'aria-label': 'Main' });
  const main = h('main', { id: 'main' });
  const scrim = h('div', { class: 'scrim', onClick: () => el.classList.remove('nav-open') });
  const dot = h('span', { class: 'stream-dot', title: 'Live updates: connecting' });
  const bell = h('button', { type: 'button', class: 'icon', id: 'notifications-button' });
  const themeButton = iconButton('theme', 'Theme', cycleTheme, { id: 'theme-button' });

  const header = h('header', { class: 'top' },
    iconButton('menu', 'Menu', () => el.classList.toggle('nav-open'), { cls: 'menu-button' }),
    h('a', { class: 'brand', href: '#/' }, h('img', { src: 'static/favicon.svg', alt: '' }), 'Herald'),
    dot,
    bell,
    themeButton,
    h('span', { class: 'user', id: 'current-user', text: state.user.name }),
    iconButton('key', 'Change password', changePasswordDialog, { id: 'change-password-button' }),
    iconButton('logout', 'Log out', logout, { id: 'logout-button' }));

  const el = h('div', { class: 'shell' }, header, nav, scrim, main);

  const renderBell = () => {
    const p = notify.permission();
    const label = !notify.supported ? 'Notifications are not supported by this browser'
      : p === 'granted' ? 'Browser notifications are on'
        : p === 'denied' ? 'Browser notifications are blocked for this site'
          : 'Turn on browser notifications';
    bell.replaceChildren(icon(p === 'granted' ? 'bell' : 'bellOff'));
    bell.title = label;
    bell.setAttribute('aria-label', label);
    bell.dataset.permission = p;
  };
  bell.addEventListener('click', async () => {
    if (notify.permission() === 'default') {
      await notify.requestPermission();
      if (notify.permission() === 'granted') toast('Browser notifications are on for new messages.');
    } else {
      toast(bell.title);
    }
    renderBell();
  });
  renderBell();

  const renderDot = (status) => {
    dot.className = `stream-dot ${status}`;
    dot.title = status === 'open' ? 'Live updates: connected' : 'Live updates: reconnecting';
  };
  renderDot(streamStatus);
  unsubscribers.push(onStreamStatus(renderDot));
  unsubscribers.push(onApps(() => renderNav(nav)));
  renderNav(nav);
  themeButton.title = themeLabel();
  return { el, main, nav };
}

function renderNav(nav) {
  const link = (href, label, image) => h('a', { href, dataset: { nav: href } },
    image ? h('img', { src: resolve(image), alt: '' }) : null,
    h('span', { class: 'name', text: label }));
  replace(nav,
    h('div', { class: 'section', text: 'Messages' }),
    link('#/', 'All messages'),
    state.apps.map((a) => link(`#/messages/${a.id}`, a.name, a.image)),
    h('div', { class: 'section', text: 'Manage' }),
    link('#/applications', 'Applications'),
    link('#/clients', 'Clients'),
    state.user?.admin ? link('#/users', 'Users') : null,
    link('#/plugins', 'Plugins'));
  markActive();
}

function markActive() {
  if (!shell) return;
  const current = currentPath();
  for (const a of shell.nav.querySelectorAll('a')) {
    const target = a.dataset.nav.slice(1);
    const active = target === '/' ? current === '/' : current === target || current.startsWith(target + '/');
    a.classList.toggle('active', active);
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function currentPath() {
  const path = location.hash.replace(/^#/, '') || '/';
  return path.length > 1 ? path.replace(/\/$/, '') : path;
}

function route() {
  if (!shell) return;
  disposePage?.();
  disposePage = null;
  shell.el.classList.remove('nav-open');
  const path = currentPath();
  for (const [pattern, page, params] of routes) {
    const m = path.match(pattern);
    if (m) {
      disposePage = page()(shell.main, params(m)) ?? null;
      markActive();
      window.scrollTo(0, 0);
      return;
    }
  }
  document.title = 'Herald · Not found';
  replace(shell.main, h('div', { class: 'page' }, h('div', { class: 'card empty' }, 'This page does not exist. ', h('a', { href: '#/', text: 'Back to messages' }))));
  markActive();
}

function changePasswordDialog() {
  return formDialog({
    title: 'Change password',
    submitLabel: 'Change password',
    fields: [
      { name: 'pass', label: 'New password', type: 'password', required: true, autocomplete: 'new-password' },
      { name: 'again', label: 'New password again', type: 'password', required: true, autocomplete: 'new-password' },
    ],
    onSubmit: async ({ pass, again }) => {
      if (pass !== again) throw new Error('The passwords differ.');
      await post('current/user/password', { pass });
      toast('Password changed.');
    },
  });
}

// ---------------------------------------------------------------------------------------------------------- theme

function themeLabel() {
  const theme = document.documentElement.dataset.theme;
  return `Theme: ${theme ?? 'system'} (click to change)`;
}

function cycleTheme(event) {
  const order = [undefined, 'light', 'dark'];
  const next = order[(order.indexOf(document.documentElement.dataset.theme) + 1) % order.length];
  if (next) {
    document.documentElement.dataset.theme = next;
    localStorage.setItem('herald-theme', next);
  } else {
    delete document.documentElement.dataset.theme;
    localStorage.removeItem('herald-theme');
  }
  event.currentTarget.title = themeLabel();
  toast(themeLabel().replace(' (click to change)', ''));
}

boot();
