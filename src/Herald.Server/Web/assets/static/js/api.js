// The REST API, same-origin with the session cookie. Paths are relative to the page, so Herald also works behind a
// reverse proxy under a sub-path. Errors become ApiError carrying Gotify's errorDescription.

export const base = new URL('./', location.href.split('#')[0]);

export class ApiError extends Error {
  constructor(status, description) {
    super(description || `HTTP ${status}`);
    this.status = status;
    this.description = description;
  }
}

const unauthorizedListeners = new Set();

/** Called with no argument whenever a request is refused for lack of a session (HTTP 401). */
export function onUnauthorized(listener) {
  unauthorizedListeners.add(listener);
}

/**
 * Sends a request. options: json (sent as JSON), body (FormData or string), headers, quiet401 (do not signal a
 * lost session, for the session check itself). Resolves to the parsed JSON, the text, or null for an empty body.
 */
export async function request(method, path, { json, body, headers = {}, quiet401 = false } = {}) {
  const init = { method, headers: { ...headers }, credentials: 'same-origin', cache: 'no-store' };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }

  let response;
  try {
    response = await fetch(new URL(path, base), init);
  } catch {
    throw new ApiError(0, 'cannot reach the server');
  }

  const text = await response.text();
  const isJson = (response.headers.get('Content-Type') || '').includes('json');
  let data = null;
  if (text.length > 0) {
    try {
      data = isJson ? JSON.parse(text) : text;
    } catch {
      data = text;
    }
  }

  if (!response.ok) {
    if (response.status === 401 && !quiet401) unauthorizedListeners.forEach((l) => l());
    const description = data && typeof data === 'object' && data.errorDescription ? data.errorDescription : (typeof data === 'string' && data) || response.statusText;
    throw new ApiError(response.status, description);
  }

  return data;
}

export const get = (path, options) => request('GET', path, options);
export const post = (path, json, options) => request('POST', path, { json, ...options });
export const put = (path, json, options) => request('PUT', path, { json, ...options });
export const del = (path, options) => request('DELETE', path, options);

/** Absolute URL of a path the API returned (an application's image such as "image/x.png"). */
export function resolve(path) {
  return new URL(path, base).href;
}

/** The websocket URL of /stream for this page (ws: or wss: like the page). */
export function streamUrl() {
  const url = new URL('stream', base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/** "Basic <base64(utf-8 name:password)>". */
export function basicAuth(name, password) {
  const bytes = new TextEncoder().encode(`${name}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return 'Basic ' + btoa(binary);
}
