// Talking to the API: JSON in and out, the CSRF token on every write, problem+json
// errors as ApiError, and a signed-out answer (401) handled in place: the caller's
// request waits while the user signs in again, then is sent again. Nothing here
// touches browser storage.
import { setServerOffset } from './dom.js';
import { language, t } from './i18n.js';

let csrf = null;
let reauth = null;     // () => Promise<void>, set by auth.js
let reauthing = null;  // the sign-in in progress, shared by every request waiting on it
let lastAnswer = Date.now(); // when the server last answered a signed-in request

export function setCsrf(token) { csrf = token; }
export function onSignedOut(fn) { reauth = fn; }
export function lastAnswerAt() { return lastAnswer; }

// The session has ended (a 401, or its time ran out while nothing was sent): ask for the
// password once, whoever noticed. Resolves once signed in again; rejects on sign-out.
export function sessionEnded() {
  if (!reauth) return Promise.reject(new ApiError({ status: 401 }));
  reauthing ??= reauth().finally(() => { reauthing = null; });
  return reauthing;
}
export function reauthInProgress() { return reauthing !== null; }

export class ApiError extends Error {
  constructor({ status = 0, problem = null, network = false, message }) {
    super(message ?? problem?.detail ?? problem?.title ?? (network
      ? t('api.no_connection')
      : t('api.status', { status: String(status) })));
    this.status = status;
    this.problem = problem;
    this.network = network;
  }
  // Worth sending again as it is (the connection, or the server, may do better soon).
  get retryable() {
    return this.network || [408, 409, 425, 429, 500, 502, 503, 504].includes(this.status);
  }
}

async function once(method, path, { body, raw, headers = {}, signal }) {
  // the server answers its refusals in the signed-in user's language, else in this one: the
  // app's, so that a refusal before sign-in reads like the screen around it
  const h = { Accept: 'application/json', 'Accept-Language': language(), ...headers };
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) h['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrf) h['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(path, { method, headers: h, body: payload, credentials: 'same-origin', cache: 'no-store', signal });
  } catch (e) {
    if (e?.name === 'AbortError') throw e;
    throw new ApiError({ network: true });
  }
  const date = Date.parse(res.headers.get('Date') ?? '');
  if (!Number.isNaN(date)) setServerOffset(date - Date.now());
  const type = res.headers.get('Content-Type') ?? '';
  let data = null;
  if (/json/.test(type)) {
    try { data = await res.json(); } catch { throw new ApiError({ network: true }); }
  } else if (res.status !== 204) {
    data = await res.text().catch(() => null);
  }
  return { res, data, type };
}

// request('POST', '/api/v1/cases', { body, headers }) -> { status, data, headers }
// opts.auth === false: a 401 is an error, not a prompt to sign in (sign-in itself, /me at start).
export async function request(method, path, opts = {}) {
  for (;;) {
    const { res, data, type } = await once(method, path, opts);
    if (res.status === 401 && opts.auth !== false && reauth) {
      await sessionEnded(); // rejects when the user chose to sign out instead
      continue;
    }
    if (res.status !== 401) lastAnswer = Date.now();
    if (!res.ok) {
      throw new ApiError({ status: res.status, problem: /problem\+json|json/.test(type) ? data : null });
    }
    return { status: res.status, data, headers: res.headers };
  }
}

export const get = (path, opts) => request('GET', path, opts);
export const post = (path, body, opts = {}) => request('POST', path, { ...opts, body });
export const put = (path, body, opts = {}) => request('PUT', path, { ...opts, body });
export const patch = (path, body, opts = {}) => request('PATCH', path, { ...opts, body });
export const del = (path, opts) => request('DELETE', path, opts);

// A random Idempotency-Key (crypto.getRandomValues works outside secure contexts too).
export function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return 'web-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// Every page of a cursor-paged list: GET path (with ?), following `next`.
export async function getAll(path, max = 20) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < max; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const { data } = await get(cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...(data.items ?? []));
    cursor = data.next;
    if (!cursor) break;
  }
  return items;
}

// An XML document from the API (GET), e.g. the report's charts: the browser parses it
// (no HTML string ever reaches a sink the page's Trusted Types policy forbids), and the
// caller moves its nodes into the page with document.importNode().
export function getDocument(path) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('GET', path);
    x.responseType = 'document';
    x.onload = () => {
      if (x.status === 200 && x.responseXML) resolve(x.responseXML);
      else reject(new ApiError({ status: x.status }));
    };
    x.onerror = () => reject(new ApiError({ network: true }));
    x.send();
  });
}
