// Browser notifications for new messages, once the user allowed them (the bell button in the header asks).
// The notification shows the priority, the application and the text; a click focuses Herald or opens the
// message's click URL (client::notification.click.url).
import { markdownToText } from './markdown.js';
import { resolve } from './api.js';

export const supported = typeof window.Notification === 'function';

export function permission() {
  return supported ? Notification.permission : 'denied';
}

export async function requestPermission() {
  if (!supported) return 'denied';
  return Notification.requestPermission();
}

/** "high" for 8 and more, "medium" for 4–7, "low" otherwise (Gotify's colours and Android's levels). */
export function priorityLevel(priority) {
  return priority >= 8 ? 'high' : priority >= 4 ? 'medium' : 'low';
}

export function isMarkdown(message) {
  return message.extras?.['client::display']?.contentType === 'text/markdown';
}

/** The http(s) URL a click on the message should open, if any. */
export function clickUrl(message) {
  const url = message.extras?.['client::notification']?.click?.url;
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
}

export function notifyMessage(message, app) {
  if (permission() !== 'granted') return;
  const text = isMarkdown(message) ? markdownToText(message.message) : message.message;
  const level = priorityLevel(message.priority);
  const notification = new Notification(message.title || app?.name || 'Herald', {
    body: `Priority ${message.priority} (${level})${app ? ` · ${app.name}` : ''}\n${text}`.slice(0, 500),
    icon: resolve(app?.image ?? 'static/defaultapp.png'),
    tag: `herald-${message.id}`,
    requireInteraction: level === 'high',
  });
  const url = clickUrl(message);
  notification.addEventListener('click', () => {
    if (url) window.open(url, '_blank', 'noopener');
    else window.focus();
    notification.close();
  });
  if (level !== 'high') setTimeout(() => notification.close(), 8000);
}
