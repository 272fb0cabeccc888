// DOM building without HTML strings: every text goes in as a text node, so nothing a server or a message sends can
// become markup. The only HTML the UI inserts is sanitized markdown (markdown.js), as a DOM fragment.

/**
 * Creates an element. props: class, text, value (as property), on<Event> handlers, dataset (object), style (object);
 * true sets a boolean attribute; any other string or number is set as an attribute.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'value') el.value = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style') Object.assign(el.style, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children: nodes, strings (as text), numbers; arrays are flattened; null/undefined/false skipped. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces the children of el. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

const ICONS = {
  menu: 'M4 6h16M4 12h16M4 18h16',
  trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3',
  edit: 'M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4',
  copy: 'M9 9h11v11H9zM5 15H4V4h11v1',
  eye: 'M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12zM12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z',
  eyeOff: 'M3 3l18 18M10.6 5.1A10 10 0 0 1 12 5c6.5 0 10 7 10 7a17 17 0 0 1-3.2 4.1M6.6 6.6C3.8 8.4 2 12 2 12s3.5 7 10 7a9.7 9.7 0 0 0 5.4-1.6M9.9 9.9a3 3 0 0 0 4.2 4.2',
  refresh: 'M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7',
  plus: 'M12 5v14M5 12h14',
  image: 'M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M15 9h.01',
  imageOff: 'M4 5h16v14H4zM4 4l16 16',
  up: 'M12 19V5M6 11l6-6 6 6',
  down: 'M12 5v14M6 13l6 6 6-6',
  bell: 'M6 16V11a6 6 0 1 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0',
  bellOff: 'M3 3l18 18M6 16v-5c0-1 .2-2 .7-2.9M9.5 5.6A6 6 0 0 1 18 11v3M18 18H4l2-2M10 20a2 2 0 0 0 4 0',
  logout: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h11',
  key: 'M14 10a4 4 0 1 0-3.5 4L12 15.5V18h2.5v2H18v-3.5l-4.9-4.9A4 4 0 0 0 14 10z',
  theme: 'M12 3a9 9 0 1 0 9 9 7 7 0 0 1-9-9z',
  link: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
  back: 'M15 5l-7 7 7 7',
  settings: 'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM19 12l2-1-1-3-2 .3-1.4-1.4L17 5l-3-1-1 2h-2L10 4 7 5l.4 2L6 8.3 4 8 3 11l2 1v0l-2 1 1 3 2-.3 1.4 1.4L7 19l3 1 1-2h2l1 2 3-1-.4-2 1.4-1.4 2 .4 1-3z',
};

/** An inline SVG icon (stroke paths above), hidden from assistive technology. */
export function icon(name) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'i');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}

/** A button with an icon and an accessible name; text is shown next to the icon unless iconOnly. */
export function iconButton(name, label, onClick, { iconOnly = true, cls = '', ...rest } = {}) {
  return h('button', { type: 'button', class: `${iconOnly ? 'icon' : ''} ${cls}`.trim(), title: label, 'aria-label': label, onClick, ...rest },
    icon(name), iconOnly ? null : h('span', { text: label }));
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "3 minutes ago", or the date for anything older than a week. */
export function ago(date) {
  const d = new Date(date);
  if (Number.isNaN(d.getTime())) return '';
  const seconds = (d.getTime() - Date.now()) / 1000;
  const abs = Math.abs(seconds);
  if (abs < 45) return relative.format(0, 'second').replace(/^in /, '');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86400) return relative.format(Math.round(seconds / 86400), 'day');
  return absolute.format(d);
}

/** A time element showing ago(date), kept fresh by refreshTimes(), with the full date as tooltip. */
export function timeEl(date) {
  if (!date) return h('span', { class: 'muted', text: 'never' });
  const d = new Date(date);
  return h('time', { datetime: d.toISOString(), title: absolute.format(d), dataset: { relative: '' }, text: ago(d) });
}

setInterval(() => {
  for (const el of document.querySelectorAll('time[data-relative]')) el.textContent = ago(el.dateTime);
}, 30_000);
