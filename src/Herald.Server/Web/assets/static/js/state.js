// What the pages share: the signed-in user, the user's applications (for names and images everywhere), and the
// live message feed. Listeners are plain callbacks; pages unsubscribe when they are left.
import { get } from './api.js';

export const state = {
  /** CurrentUser of the session ({id, name, admin, clientId…}) or null. */
  user: null,
  /** Applications in the server's order (sort key, id). */
  apps: [],
};

const appListeners = new Set();
const messageListeners = new Set();

/** Subscribes to changes of state.apps; returns the unsubscribe function. */
export function onApps(listener) {
  appListeners.add(listener);
  return () => appListeners.delete(listener);
}

/** Subscribes to new messages from the stream; returns the unsubscribe function. */
export function onMessage(listener) {
  messageListeners.add(listener);
  return () => messageListeners.delete(listener);
}

export function emitMessage(message) {
  for (const l of messageListeners) l(message);
}

/** Reloads the application list from the server. */
export async function refreshApps() {
  state.apps = await get('application');
  for (const l of appListeners) l(state.apps);
  return state.apps;
}

export function appById(id) {
  return state.apps.find((a) => a.id === id);
}
