// Modal dialogs on the native <dialog> element: forms that show the server's error inside the dialog and close only
// on success, and confirmations.
import { h } from './dom.js';

/**
 * Opens a form dialog. fields: [{ name, label, type ('text'|'password'|'number'|'textarea'|'checkbox'), value,
 * required, hint, autocomplete }]. onSubmit(values) may throw; its error's description is shown in the dialog.
 * Resolves to onSubmit's result, or undefined when cancelled.
 */
export function formDialog({ title, fields, submitLabel = 'Save', danger = false, intro, onSubmit }) {
  return new Promise((resolve) => {
    const error = h('div', { class: 'error-box', role: 'alert', hidden: true });
    const inputs = {};
    const rows = fields.map((f) => {
      const id = `f-${f.name}-${Math.random().toString(36).slice(2, 8)}`;
      if (f.type === 'checkbox') {
        inputs[f.name] = h('input', { type: 'checkbox', id, name: f.name, checked: !!f.value });
        return h('label', { class: 'check', for: id }, inputs[f.name], f.label);
      }
      inputs[f.name] = f.type === 'textarea'
        ? h('textarea', { id, name: f.name, rows: 3, value: f.value ?? '' })
        : h('input', { id, name: f.name, type: f.type ?? 'text', value: f.value ?? '', required: !!f.required, autocomplete: f.autocomplete ?? 'off', step: f.type === 'number' ? '1' : undefined });
      return h('label', { class: 'field', for: id }, f.label, inputs[f.name], f.hint ? h('small', { text: f.hint }) : null);
    });

    const submit = h('button', { type: 'submit', class: danger ? 'danger solid' : 'primary', text: submitLabel });
    const cancel = h('button', { type: 'button', text: 'Cancel', onClick: () => dialog.close() });
    const form = h('form', { method: 'dialog', novalidate: true },
      h('h2', { text: title }),
      intro ? h('p', { text: intro }) : null,
      rows,
      error,
      h('div', { class: 'dialog-actions' }, cancel, submit));
    const dialog = h('dialog', { 'aria-label': title }, form);
    let result;

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const values = {};
      for (const f of fields) {
        const input = inputs[f.name];
        values[f.name] = f.type === 'checkbox' ? input.checked : f.type === 'number' ? (input.value === '' ? 0 : Number(input.value)) : input.value;
        if (f.required && values[f.name] === '') {
          error.textContent = `${f.label} is required`;
          error.hidden = false;
          input.focus();
          return;
        }
      }
      submit.disabled = true;
      try {
        result = await onSubmit(values);
        dialog.close();
      } catch (e) {
        error.textContent = e?.description || e?.message || String(e);
        error.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    const first = fields.find((f) => f.type !== 'checkbox');
    if (first) inputs[first.name].focus();
  });
}

/** Asks before a destructive action; resolves to true when confirmed. */
export function confirmDialog(title, text, confirmLabel = 'Delete') {
  return new Promise((resolve) => {
    let confirmed = false;
    const dialog = h('dialog', { 'aria-label': title },
      h('form', { method: 'dialog' },
        h('h2', { text: title }),
        h('p', { text }),
        h('div', { class: 'dialog-actions' },
          h('button', { type: 'button', text: 'Cancel', onClick: () => dialog.close() }),
          h('button', { type: 'submit', class: 'danger solid', text: confirmLabel, onClick: () => { confirmed = true; } }))));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(confirmed);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
