// Messages: all of them (#/) or one application's (#/messages/3). Newest first, the next page loads when the end of
// the list scrolls into view, and new messages from the stream appear at the top as they arrive.
import { h, replace, iconButton, timeEl, icon } from '../dom.js';
import { get, del, resolve } from '../api.js';
import { appById, onMessage, onApps } from '../state.js';
import { renderMarkdown } from '../markdown.js';
import { priorityLevel, isMarkdown, clickUrl } from '../notify.js';
import { confirmDialog } from '../dialogs.js';
import { toast, toastError } from '../toast.js';

const PAGE_SIZE = 50;

export function messagesPage(main, { appId }) {
  const app = appId === null ? null : appById(appId);
  if (appId !== null && !app) {
    document.title = 'Herald · Not found';
    replace(main, h('div', { class: 'page' }, h('div', { class: 'card empty', text: 'This application does not exist.' })));
    return null;
  }

  document.title = app ? `Herald · ${app.name}` : 'Herald · All messages';
  const list = h('div', { class: 'messages', id: 'messages' });
  const empty = h('div', { class: 'card empty', id: 'messages-empty', text: 'No messages yet.', hidden: true });
  const loading = h('div', { class: 'loading', text: 'Loading…', hidden: true });
  const sentinel = h('div', { class: 'sentinel' });
  const ids = new Set();
  let since = 0;
  let done = false;
  let busy = false;
  let generation = 0;
  let disposed = false;

  const title = app
    ? h('h1', {}, h('img', { src: resolve(app.image), alt: '' }), h('span', { text: app.name }))
    : h('h1', { text: 'All messages' });
  const head = h('div', { class: 'page-head' }, title,
    h('div', { class: 'actions' },
      iconButton('refresh', 'Refresh', () => reload(), { iconOnly: false }),
      iconButton('trash', app ? 'Delete all of this application' : 'Delete all', deleteAll, { iconOnly: false, cls: 'danger', id: 'delete-all' })));

  replace(main, h('div', { class: 'page', dataset: { page: 'messages' } },
    head,
    app?.description ? h('p', { class: 'lead', text: app.description }) : null,
    empty, list, loading, sentinel));

  const updateEmpty = () => {
    empty.hidden = ids.size > 0 || !done;
  };

  const add = (message, { atTop = false, fresh = false } = {}) => {
    if (ids.has(message.id)) return;
    ids.add(message.id);
    const el = messageElement(message, { showApp: appId === null, fresh, onDeleted: () => { ids.delete(message.id); updateEmpty(); } });
    if (atTop) list.prepend(el);
    else list.append(el);
  };

  async function loadMore() {
    if (busy || done || disposed) return;
    busy = true;
    loading.hidden = false;
    const mine = generation;
    try {
      const path = `${appId === null ? 'message' : `application/${appId}/message`}?limit=${PAGE_SIZE}${since > 0 ? `&since=${since}` : ''}`;
      const page = await get(path);
      if (mine !== generation || disposed) return;
      page.messages.forEach((m) => add(m));
      since = page.paging.since;
      done = !page.paging.next || page.messages.length === 0;
    } catch (e) {
      if (mine === generation) {
        done = true;
        toastError(e, 'Cannot load messages');
      }
    } finally {
      if (mine === generation) {
        busy = false;
        loading.hidden = true;
        updateEmpty();
        // The observer only reports changes: keep loading while the end of the list is still on screen.
        if (!done && !disposed && sentinel.getBoundingClientRect().top < window.innerHeight + 400) loadMore();
      }
    }
  }

  function reload() {
    generation++;
    busy = false;
    since = 0;
    done = false;
    ids.clear();
    list.replaceChildren();
    updateEmpty();
    loadMore();
  }

  async function deleteAll() {
    const what = app ? `all messages of ${app.name}` : 'all messages of all your applications';
    if (!(await confirmDialog('Delete messages', `Delete ${what}? This cannot be undone.`, 'Delete all'))) return;
    try {
      await del(app ? `application/${app.id}/message` : 'message');
      generation++;
      ids.clear();
      list.replaceChildren();
      done = true;
      busy = false;
      updateEmpty();
      toast('Messages deleted.');
    } catch (e) {
      toastError(e, 'Cannot delete');
    }
  }

  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) loadMore();
  }, { rootMargin: '400px' });
  observer.observe(sentinel);

  const unsubscribe = onMessage((message) => {
    if (appId !== null && message.appid !== appId) return;
    add(message, { atTop: true, fresh: true });
    updateEmpty();
  });
  // Application names and images may change (or arrive later for a new plugin application): refresh the headers.
  const unsubscribeApps = onApps(() => {
    for (const el of list.querySelectorAll('.message')) {
      const a = appById(Number(el.dataset.appid));
      if (!a) continue;
      el.querySelector('img.app-image').src = resolve(a.image);
      const name = el.querySelector('.app');
      if (name) name.textContent = a.name;
    }
  });

  loadMore();
  return () => {
    disposed = true;
    observer.disconnect();
    unsubscribe();
    unsubscribeApps();
  };
}

/** The URL of client::notification.bigImageUrl when it is an http(s) or data:image URL. */
function bigImageUrl(message) {
  const url = message.extras?.['client::notification']?.bigImageUrl;
  return typeof url === 'string' && /^(?:https?:\/\/|data:image\/(?:png|jpe?g|gif|webp);base64,)/i.test(url) ? url : null;
}

function messageElement(message, { showApp, fresh, onDeleted }) {
  const app = appById(message.appid);
  const level = priorityLevel(message.priority);
  const url = clickUrl(message);
  const titleText = message.title || app?.name || '';
  const big = bigImageUrl(message);

  const body = isMarkdown(message)
    ? h('div', { class: 'body markdown' }, renderMarkdown(message.message))
    : h('div', { class: 'body plain', text: message.message });

  const el = h('article', {
    class: `card message prio-${level === 'medium' ? 'mid' : level}${fresh ? ' fresh' : ''}`,
    dataset: { id: message.id, appid: message.appid, priority: message.priority },
  });
  const remove = async () => {
    try {
      await del(`message/${message.id}`);
      el.remove();
      onDeleted();
      toast('Message deleted.');
    } catch (e) {
      toastError(e, 'Cannot delete the message');
    }
  };

  return replace(el,
    h('img', { class: 'app-image', src: resolve(app?.image ?? 'static/defaultapp.png'), alt: '' }),
    h('div', { class: 'content' },
      h('div', { class: 'meta' },
        h('h2', { class: 'title' }, url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', title: url }, titleText) : titleText),
        showApp && app ? h('span', { class: 'app', text: app.name }) : null,
        h('span', { class: 'prio', title: `Priority ${message.priority} (${level})`, text: `P${message.priority}` }),
        timeEl(message.date),
        h('span', { class: 'tools' },
          url ? h('a', { class: 'button icon', href: url, target: '_blank', rel: 'noopener noreferrer', title: `Open ${url}`, 'aria-label': 'Open link' }, icon('link')) : null,
          iconButton('trash', 'Delete message', remove))),
      body,
      big ? h('img', { class: 'big-image', src: big, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer' }) : null));
}
