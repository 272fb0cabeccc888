// The /stream websocket, authenticated by the session cookie: one JSON message per frame. Reconnects with backoff
// while the session lasts; a refused or lost session ends in the login page (through the API's 401 handling).
import { streamUrl, get } from './api.js';

let socket = null;
let wanted = false;
let retry = 0;
let timer = null;
let handler = () => {};
const statusListeners = new Set();

/** 'open', 'connecting' or 'closed'. */
export let streamStatus = 'closed';

function setStatus(status) {
  streamStatus = status;
  document.documentElement.dataset.stream = status;
  for (const l of statusListeners) l(status);
}

export function onStreamStatus(listener) {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

/** Opens the stream; onMessage gets each message object. */
export function startStream(onMessage) {
  handler = onMessage;
  wanted = true;
  retry = 0;
  connect();
}

export function stopStream() {
  wanted = false;
  clearTimeout(timer);
  if (socket) {
    const s = socket;
    socket = null;
    s.close(1000);
  }
  setStatus('closed');
}

function connect() {
  clearTimeout(timer);
  setStatus('connecting');
  const s = new WebSocket(streamUrl());
  socket = s;
  s.addEventListener('open', () => {
    retry = 0;
    setStatus('open');
  });
  s.addEventListener('message', (event) => {
    try {
      handler(JSON.parse(event.data));
    } catch (e) {
      console.warn('Unreadable stream frame', e);
    }
  });
  s.addEventListener('close', async () => {
    if (socket !== s) return;
    socket = null;
    setStatus('closed');
    if (!wanted) return;
    try {
      await get('current/user'); // a 401 here signs the page out
    } catch {
      // The server may be restarting: keep trying while the page wants the stream.
    }
    if (!wanted) return;
    const delay = Math.min(30_000, 500 * 2 ** retry++);
    timer = setTimeout(connect, delay);
  });
}
