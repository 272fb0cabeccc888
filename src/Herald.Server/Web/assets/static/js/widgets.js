import { h, iconButton, icon } from './dom.js';
import { toast } from './toast.js';

/** Copies text to the clipboard (the Clipboard API, or a selection copy where that is unavailable). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h('textarea', { value: text, readonly: true, style: { position: 'fixed', opacity: '0' } });
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

/** A token, hidden until shown, with show/hide and copy buttons. */
export function secret(value, what = 'token') {
  if (!value) return h('span', { class: 'muted', text: '—' });
  const code = h('code', { class: 'token', text: '•'.repeat(12), title: `Hidden ${what}` });
  let shown = false;
  const toggle = iconButton('eye', `Show ${what}`, () => {
    shown = !shown;
    code.textContent = shown ? value : '•'.repeat(12);
    code.title = shown ? value : `Hidden ${what}`;
    toggle.replaceChildren(icon(shown ? 'eyeOff' : 'eye'));
    toggle.title = `${shown ? 'Hide' : 'Show'} ${what}`;
    toggle.setAttribute('aria-label', toggle.title);
  });
  const copy = iconButton('copy', `Copy ${what}`, async () => {
    toast((await copyText(value)) ? `${what[0].toUpperCase()}${what.slice(1)} copied to the clipboard.` : 'Copying failed: select the text and copy it.', 'info');
  });
  return h('div', { class: 'secret' }, code, toggle, copy);
}

/** A list card with a header row. */
export function rowsCard(kind, headers, rows, emptyText) {
  return h('div', { class: 'card rows', dataset: { list: kind } },
    h('div', { class: `row head ${kind}` }, headers.map((t) => h('div', { text: t }))),
    rows.length ? rows : h('div', { class: 'empty', text: emptyText }));
}
