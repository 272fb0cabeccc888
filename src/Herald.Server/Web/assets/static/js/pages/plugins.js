// Plugins (each user has their own instance of every plugin): the list with version, author, license, website,
// enabled state and load status; a plugin's page with its details, YAML configuration editor and markdown display.
import { h, replace, iconButton } from '../dom.js';
import { get, post, request, base } from '../api.js';
import { renderMarkdown } from '../markdown.js';
import { toast, toastError } from '../toast.js';
import { secret, rowsCard } from '../widgets.js';

const STATUS = {
  ok: ['ok', 'Loaded'],
  faulted: ['bad', 'Faulted'],
  failed: ['bad', 'Failed to load'],
};

function statusBadge(plugin) {
  const [kind, label] = STATUS[plugin.status] ?? ['', plugin.status ?? 'Loaded'];
  return h('span', { class: `badge ${kind}`, text: label });
}

function canOpen(plugin) {
  return plugin.id > 0 && plugin.status !== 'failed';
}

/** The enable switch: POST plugin/{id}/enable|disable, reverted with the server's error when refused. */
function enableSwitch(plugin, onChanged) {
  const input = h('input', {
    type: 'checkbox',
    class: 'switch',
    role: 'switch',
    checked: plugin.enabled,
    disabled: !canOpen(plugin),
    'aria-label': `${plugin.enabled ? 'Disable' : 'Enable'} ${plugin.name}`,
    title: plugin.enabled ? 'Enabled' : 'Disabled',
    dataset: { pluginEnabled: plugin.id },
  });
  input.addEventListener('change', async () => {
    const enable = input.checked;
    input.disabled = true;
    try {
      await post(`plugin/${plugin.id}/${enable ? 'enable' : 'disable'}`);
      plugin.enabled = enable;
      toast(`${plugin.name} ${enable ? 'enabled' : 'disabled'}.`);
    } catch (e) {
      input.checked = !enable;
      toastError(e, `Cannot ${enable ? 'enable' : 'disable'} ${plugin.name}`);
    } finally {
      input.disabled = false;
      input.title = plugin.enabled ? 'Enabled' : 'Disabled';
      input.setAttribute('aria-label', `${plugin.enabled ? 'Disable' : 'Enable'} ${plugin.name}`);
      onChanged?.();
    }
  });
  return input;
}

function websiteLink(plugin) {
  return plugin.website && /^https?:\/\//i.test(plugin.website)
    ? h('a', { href: plugin.website, target: '_blank', rel: 'noopener noreferrer', text: plugin.website })
    : plugin.website ?? null;
}

export function pluginsPage(main) {
  document.title = 'Herald · Plugins';
  let disposed = false;
  let body = h('div', { class: 'loading', text: 'Loading…' });
  replace(main, h('div', { class: 'page', dataset: { page: 'plugins' } },
    h('div', { class: 'page-head' }, h('h1', { text: 'Plugins' }),
      h('div', { class: 'actions' }, iconButton('refresh', 'Refresh', () => load(), { iconOnly: false }))),
    h('p', { class: 'lead', text: 'Plugins are installed by the administrator in the plugins folder; each user enables and configures their own.' }),
    body));

  async function load() {
    try {
      const plugins = await get('plugin');
      if (disposed) return;
      const rows = plugins.map((p) => h('div', { class: 'row plugins', dataset: { id: p.id, name: p.name, status: p.status ?? 'ok' } },
        h('div', { class: 'badge accent', style: { width: '40px', height: '40px', borderRadius: '10px', justifyContent: 'center', fontSize: '1.1em' }, text: (p.name || '?')[0].toUpperCase() }),
        h('div', {},
          h('div', { class: 'title' }, canOpen(p) ? h('a', { href: `#/plugins/${p.id}`, text: p.name }) : p.name,
            p.version ? h('span', { class: 'badge', text: `v${p.version}`, style: { marginLeft: '8px' } }) : null),
          p.description ? h('div', { class: 'sub', text: p.description }) : null,
          h('div', { class: 'sub' }, [p.author ? `by ${p.author}` : null, p.license ?? null].filter(Boolean).join(' · '), p.website ? ' · ' : null, websiteLink(p))),
        h('div', {},
          statusBadge(p),
          p.statusMessage ? h('div', { class: 'sub status-message', text: p.statusMessage }) : null),
        h('div', { class: 'actions', style: { alignItems: 'center', gap: '10px' } },
          enableSwitch(p, () => load()),
          canOpen(p) ? h('a', { class: 'button small', href: `#/plugins/${p.id}`, text: 'Details' }) : null)));
      const card = rowsCard('plugins', ['', 'Plugin', 'Status', 'Enabled'], rows, 'No plugins are installed.');
      body.replaceWith(card);
      body = card;
    } catch (e) {
      toastError(e, 'Cannot load plugins');
    }
  }

  load();
  return () => {
    disposed = true;
  };
}

export function pluginDetailPage(main, { id }) {
  document.title = 'Herald · Plugin';
  let disposed = false;
  replace(main, h('div', { class: 'page', dataset: { page: 'plugin' } }, h('div', { class: 'loading', text: 'Loading…' })));

  (async () => {
    let plugin;
    try {
      plugin = (await get('plugin')).find((p) => p.id === id);
    } catch (e) {
      toastError(e, 'Cannot load the plugin');
      return;
    }
    if (disposed) return;
    if (!plugin) {
      replace(main, h('div', { class: 'page' }, h('div', { class: 'card empty' }, 'This plugin does not exist. ', h('a', { href: '#/plugins', text: 'Back to plugins' }))));
      return;
    }
    document.title = `Herald · ${plugin.name}`;
    const caps = plugin.capabilities ?? [];
    const webhook = caps.includes('webhooker') && plugin.token ? new URL(`plugin/${plugin.id}/custom/${plugin.token}/`, base).href : null;

    const display = caps.includes('displayer') ? displayPanel(plugin) : null;
    const config = caps.includes('configurer') ? configPanel(plugin, () => display?.refresh()) : null;

    replace(main, h('div', { class: 'page', dataset: { page: 'plugin', id: plugin.id } },
      h('div', { class: 'page-head' },
        h('h1', {}, h('a', { href: '#/plugins', class: 'button icon', title: 'Back to plugins', 'aria-label': 'Back to plugins' }, '‹'), h('span', { text: plugin.name })),
        h('div', { class: 'actions', style: { alignItems: 'center' } }, h('span', { class: 'muted', text: 'Enabled' }), enableSwitch(plugin, () => display?.refresh()))),
      h('section', { class: 'card panel' },
        h('h2', { text: 'About' }),
        h('dl', { class: 'plugin-info' },
          info('Version', plugin.version),
          info('Module path', plugin.modulePath),
          info('Author', plugin.author),
          info('Website', websiteLink(plugin)),
          info('License', plugin.license),
          info('Description', plugin.description),
          info('Capabilities', caps.length ? caps.join(', ') : 'none'),
          info('Status', [statusBadge(plugin), plugin.statusMessage ? ` ${plugin.statusMessage}` : null]),
          info('Token', secret(plugin.token)),
          webhook ? info('Webhook URL prefix', h('code', { text: webhook })) : null)),
      config?.el,
      display?.el));
    display?.refresh();
    config?.load();
  })();

  return () => {
    disposed = true;
  };
}

function info(label, value) {
  if (value === undefined || value === null || value === '') return null;
  return [h('dt', { text: label }), h('dd', {}, value)];
}

function configPanel(plugin, onSaved) {
  const editor = h('textarea', { class: 'code', id: 'plugin-config', spellcheck: 'false', autocapitalize: 'off', 'aria-label': 'Configuration (YAML)', rows: 12 });
  const error = h('div', { class: 'error-box', id: 'plugin-config-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'button', class: 'primary', id: 'plugin-config-save', text: 'Save' });
  editor.addEventListener('keydown', (event) => {
    if (event.key === 'Tab' && !event.shiftKey && !event.ctrlKey && !event.altKey) {
      event.preventDefault();
      editor.setRangeText('  ', editor.selectionStart, editor.selectionEnd, 'end');
    }
  });

  async function load() {
    try {
      editor.value = await request('GET', `plugin/${plugin.id}/config`) ?? '';
      error.hidden = true;
    } catch (e) {
      error.textContent = e.description || e.message;
      error.hidden = false;
    }
  }

  save.addEventListener('click', async () => {
    save.disabled = true;
    try {
      await request('POST', `plugin/${plugin.id}/config`, { body: editor.value, headers: { 'Content-Type': 'application/x-yaml' } });
      error.hidden = true;
      toast('Configuration saved.');
      onSaved();
    } catch (e) {
      error.textContent = e.description || e.message;
      error.hidden = false;
    } finally {
      save.disabled = false;
    }
  });

  const el = h('section', { class: 'card panel', id: 'plugin-config-panel' },
    h('h2', { text: 'Configuration' }),
    h('p', { class: 'muted', style: { marginTop: '-6px' }, text: 'YAML. The plugin checks it on save; a rejected configuration is not stored.' }),
    editor, error,
    h('div', { class: 'panel-actions' }, save, h('button', { type: 'button', text: 'Reload', onClick: load })));
  return { el, load };
}

function displayPanel(plugin) {
  const content = h('div', { class: 'markdown', id: 'plugin-display' });
  async function refresh() {
    try {
      const text = await get(`plugin/${plugin.id}/display`);
      content.replaceChildren(text ? renderMarkdown(text) : h('span', { class: 'muted', text: 'Nothing to display.' }));
    } catch (e) {
      content.replaceChildren(h('div', { class: 'error-box', text: e.description || e.message }));
    }
  }
  const el = h('section', { class: 'card panel', id: 'plugin-display-panel' },
    h('div', { class: 'page-head', style: { marginBottom: '8px' } }, h('h2', { text: 'Display' }), iconButton('refresh', 'Refresh display', refresh)),
    content);
  return { el, refresh };
}
