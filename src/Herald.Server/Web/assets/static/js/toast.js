import { h } from './dom.js';

/** A short message at the bottom of the screen; errors stay longer. */
export function toast(text, kind = 'info') {
  const el = h('div', { class: `toast ${kind}`, text, role: kind === 'error' ? 'alert' : undefined });
  document.getElementById('toasts').append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 7000 : 3500);
}

/** Shows an API or other error as a toast. */
export function toastError(error, prefix) {
  const text = error?.description || error?.message || String(error);
  toast(prefix ? `${prefix}: ${text}` : text, 'error');
}
