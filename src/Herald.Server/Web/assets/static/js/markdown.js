// Markdown for messages (client::display contentType text/markdown) and plugin displays: marked renders, raw HTML
// in the source is shown as text (as Gotify's UI ignores it), and DOMPurify sanitizes the result into a DOM fragment,
// so no script, event handler, javascript: URL, style or form can come from a message.
import { Marked } from '../vendor/marked.esm.js';
import DOMPurify from '../vendor/purify.es.mjs';

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    // Raw HTML blocks and inline tags: shown as the text they are.
    html(token) {
      return escapeHtml(token.text);
    },
  },
});

const purifier = DOMPurify(window);
const SAFE_IMAGE = /^(?:https?:|data:image\/(?:png|jpe?g|gif|webp);base64,)/i;

purifier.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
  if (node.tagName === 'IMG') {
    const src = node.getAttribute('src') || '';
    if (!SAFE_IMAGE.test(src)) node.removeAttribute('src');
    node.setAttribute('loading', 'lazy');
    node.setAttribute('referrerpolicy', 'no-referrer');
  }
});

const CONFIG = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'object', 'embed', 'svg', 'math', 'video', 'audio', 'source'],
  FORBID_ATTR: ['style', 'class', 'id', 'srcset'],
  ALLOW_DATA_ATTR: false,
  RETURN_DOM_FRAGMENT: true,
};

/** The sanitized DOM fragment of markdown text. */
export function renderMarkdown(text) {
  return purifier.sanitize(marked.parse(String(text ?? '')), CONFIG);
}

/** Plain text of markdown (for notifications). */
export function markdownToText(text) {
  return renderMarkdown(text).textContent.replace(/\s+\n/g, '\n').trim();
}
