// Working without a signal (issue 24). An identification, and the first entries of the
// scene, made while the device is offline wait on the device in IndexedDB, encrypted
// with AES-GCM under a key made at sign-in that cannot be read out (a non-extractable
// CryptoKey: scripts can use it, never export it), and are sent when the connection
// returns, each with its own Idempotency-Key, so nothing is recorded twice. The queue
// belongs to the person signed in: sign-out deletes the key and the queue together, and
// another person signing in on this browser starts from nothing.
// The words this module shows are all in T, below, from the message catalogue (i18n.js).
import { ApiError, request } from './api.js';
import { fmtTime, h, lateMinutes, now } from './dom.js';
import { t } from './i18n.js';

export const T = {
  get offline() { return t('offline.offline'); },
  waiting: (n) => t('offline.waiting', { n }),
  get sent() { return t('offline.sent'); },
  identification: (at) => t('offline.identification', { at }),
  stepDone: (title, at) => t('offline.step_done', { title, at }),
  note: (at) => t('offline.note', { at }),
  get notSent() { return t('offline.not_sent'); },
  get sending() { return t('offline.sending'); },
  refused: (why) => t('offline.refused', { why }),
  get caseRefused() { return t('offline.case_refused'); },
  get signOutLoses() { return t('offline.sign_out_loses'); },
  lateReason: (at) => t('offline.late_reason', { at }),
  get savedHere() { return t('offline.saved_here'); },
  get savedHereLead() { return t('offline.saved_here_lead'); },
  get sceneTitle() { return t('offline.scene_title'); },
  get sceneStep() { return t('offline.scene_step'); },
  get sceneStepNone() { return t('offline.scene_step_none'); },
  get sceneAt() { return t('offline.scene_at'); },
  get sceneNote() { return t('offline.scene_note'); },
  get sceneNoteHint() { return t('offline.scene_note_hint'); },
  get sceneAdd() { return t('offline.scene_add'); },
  get sceneKept() { return t('offline.scene_kept'); },
  get anotherYouth() { return t('offline.another_youth'); },
  get correct() { return t('offline.correct'); },
  get correctLead() { return t('offline.correct_lead'); },
  get resend() { return t('offline.resend'); },
  get discard() { return t('offline.discard'); },
  get discardConfirm() { return t('offline.discard_confirm'); },
  get cancel() { return t('offline.cancel'); },
};

const DB = 'safeharbor-offline';
let dbp = null;
const listeners = new Set();
let live = false; // the session is known to be good (signed in, the CSRF token known): send
let gone = false; // signed out: this page never opens the store again (it is reloading)

function db() {
  if (gone) return Promise.reject(new Error('signed out'));
  dbp ??= new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => {
      r.result.createObjectStore('meta');
      r.result.createObjectStore('queue', { keyPath: 'id', autoIncrement: true });
      r.result.createObjectStore('sent', { keyPath: 'id', autoIncrement: true });
    };
    r.onsuccess = () => {
      // another tab signing out deletes the store: let go of it at once
      r.result.onversionchange = () => { r.result.close(); dbp = null; };
      resolve(r.result);
    };
    r.onerror = () => reject(r.error);
    r.onblocked = () => reject(new Error('the offline store is open elsewhere'));
  });
  dbp.catch(() => { dbp = null; });
  return dbp;
}

// One IndexedDB request in its own transaction, as a promise.
async function op(store, mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction(store, mode);
    const r = fn(tx.objectStore(store));
    tx.oncomplete = () => resolve(r?.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}
const getMeta = (k) => op('meta', 'readonly', (s) => s.get(k));
const putMeta = (k, v) => op('meta', 'readwrite', (s) => s.put(v, k));

async function seal(key, value) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(JSON.stringify(value)));
  return { iv, data };
}
async function open(key, rec) {
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: rec.iv }, key, rec.data);
  return JSON.parse(new TextDecoder().decode(plain));
}

// Every record of a store, decrypted, oldest first: [{ id, ...value }].
async function all(store) {
  const key = await getMeta('key');
  if (!key) return [];
  const recs = await op(store, 'readonly', (s) => s.getAll());
  return Promise.all(recs.map(async (r) => ({ ...(await open(key, r)), id: r.id })));
}
async function put(store, value) {
  const key = await getMeta('key');
  if (!key) throw new Error('no offline key: sign in again');
  const { id, ...rest } = value;
  const rec = await seal(key, rest);
  if (id !== undefined) rec.id = id;
  return op(store, 'readwrite', (s) => s.put(rec));
}

function changed() { for (const fn of listeners) fn(); }
export function onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }

// At sign-in (or a page opened signed in): the key for this person, made once and kept
// until sign-out, and what the identification screen needs offline (who, the county, its
// areas, the steps the agency owns), encrypted. Another person's queue and key go first.
let starting = Promise.resolve();
export function startSession(me, county) {
  starting = begin(me, county);
  return starting;
}
async function begin(me, county) {
  try {
    const owner = await getMeta('owner');
    if (owner !== undefined && owner !== me.id) await wipe();
    if (!(await getMeta('key'))) {
      const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      await putMeta('key', key);
      await putMeta('owner', me.id);
    }
    await keep({ me, county });
    live = true;
    flush();
  } catch { /* no IndexedDB or WebCrypto here: identifications need the connection */ }
}

// Keeps what the identification screen needs offline ({ areas, home_area, steps, ... }),
// each part sealed on its own (no read-modify-write between screens saving at once).
const PARTS = ['me', 'county', 'areas', 'home_area', 'steps', 'language'];
export async function remember(parts) {
  await starting; // the key is made at sign-in: wait for it
  return keep(parts);
}
async function keep(parts) {
  const key = await getMeta('key').catch(() => null);
  if (!key) return;
  for (const [k, v] of Object.entries(parts)) {
    if (PARTS.includes(k)) await putMeta(`profile.${k}`, await seal(key, v ?? null));
  }
}

// What was kept, for a page opened without a connection; null when nothing is.
export async function profile() {
  try {
    const key = await getMeta('key');
    if (!key) return null;
    const p = {};
    for (const k of PARTS) {
      const rec = await getMeta(`profile.${k}`);
      if (rec) p[k] = await open(key, rec);
    }
    return p.me ? p : null;
  } catch { return null; }
}

// Can this device keep things offline now (signed in here with a key)?
export async function ready() {
  try { return !!(await getMeta('key')); } catch { return false; }
}

// Sign-out (signOut: true, the page then reloads), or another person signing in: the key,
// the queue and what was sent, all gone.
export async function wipe({ signOut = false } = {}) {
  gone ||= signOut;
  live = false;
  const d = await dbp?.catch(() => null);
  d?.close();
  dbp = null;
  await new Promise((resolve) => {
    const r = indexedDB.deleteDatabase(DB);
    // blocked: another tab's connection, which closes on versionchange (below)
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
  if (!signOut) changed();
}

// Queues one request: { kind: 'case', ref, key, raw } or { kind: 'event', caseRef, key, body,
// what }. made_at is when the device recorded it.
export async function enqueue(item) {
  await put('queue', { ...item, made_at: Date.now() });
  changed();
  flush();
}

export const pending = () => all('queue');
export const sentItems = () => all('sent');

let flushing = null;
let retry = null;
// Sends what waits, oldest first; stops at the first that cannot go yet (no connection, the
// server busy) and tries again later or when the browser is back online. A 401 asks for the
// password (api.js) and sending goes on after it; "sign out instead" deletes the queue.
export function flush() {
  flushing ??= send().finally(() => { flushing = null; changed(); });
  return flushing;
}
window.addEventListener('online', () => flush());

async function send() {
  clearTimeout(retry);
  if (!live) return;
  const items = await all('queue').catch(() => []);
  if (!items.length) return;
  const sent = await all('sent');
  const cases = new Map(sent.filter((s) => s.kind === 'case').map((s) => [s.ref, s.case_id]));
  const refused = new Set(items.filter((i) => i.kind === 'case' && i.refused).map((i) => i.ref));
  for (const it of items) {
    if (it.refused) continue;
    let path = '/api/v1/cases', raw = it.raw;
    if (it.kind === 'event') {
      if (refused.has(it.caseRef)) {
        await put('queue', { ...it, refused: T.caseRefused, caseRefused: true });
        continue;
      }
      const id = cases.get(it.caseRef);
      if (!id) return; // its identification has not gone yet
      path = `/api/v1/cases/${id}/events`;
      if (!raw) {
        // the bytes are fixed at the first attempt, and kept: a retry sends the same ones
        const body = { ...it.body };
        const late = lateMinutes() * 60000;
        if (body.type === 'step_done' && now() - Date.parse(body.at) > late) {
          body.late_entry_reason = T.lateReason(fmtTime(body.at));
        }
        raw = JSON.stringify(body);
        await put('queue', { ...it, raw });
      }
    }
    try {
      const { data } = await request('POST', path, { raw, headers: { 'Idempotency-Key': it.key } });
      const caseId = it.kind === 'case' ? data.id : cases.get(it.caseRef);
      await put('sent', { kind: it.kind, ref: it.ref, what: it.what, made_at: it.made_at, case_id: caseId, sent_at: Date.now() });
      await op('queue', 'readwrite', (s) => s.delete(it.id));
      if (it.kind === 'case') cases.set(it.ref, caseId);
      changed();
    } catch (e) {
      if (!(e instanceof ApiError) || e.status === 401) return; // signed out instead
      if (e.retryable) {
        retry = setTimeout(flush, 15000);
        return;
      }
      // a definite refusal: nothing was stored; it stays in the list with the reason and the
      // fields the server named, to be corrected and sent again, or discarded
      await put('queue', { ...it, raw, refused: T.refused(e.message), fields: e.problem?.errors ?? [] });
      if (it.kind === 'case') refused.add(it.ref);
    }
  }
}

// The body a queued item sends (parsed), and the same with one field ("youth.age_estimate")
// set from what the person typed: a number where the value was a number (or a number is
// typed into a field the body did not have), removed when emptied.
const bodyOf = (it) => (it.raw ? JSON.parse(it.raw) : { ...it.body });
const valueAt = (body, path) => path.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), body);
function setAt(body, path, text) {
  const keys = path.split('.');
  const last = keys.pop();
  let o = body;
  for (const k of keys) o = (o[k] && typeof o[k] === 'object') ? o[k] : (o[k] = {});
  const old = o[last];
  if (text.trim() === '') delete o[last];
  else o[last] = (typeof old === 'number' || (old === undefined && /^-?\d+(\.\d+)?$/.test(text.trim()))) ? Number(text) : text;
}

// A refused item, corrected: sent again under a new Idempotency-Key. The key names one
// request: the server keeps the first body it saw under a key and refuses the same key with
// another body, and a refused request recorded nothing, so a new key cannot make a double.
// The entries that waited on a refused identification wait again with it.
export async function correct(id, values) {
  const it = (await all('queue')).find((x) => x.id === id);
  if (!it) return;
  const body = bodyOf(it);
  for (const [path, text] of Object.entries(values)) setAt(body, path, text);
  const { refused, fields, ...rest } = it;
  await put('queue', { ...rest, body: it.kind === 'event' ? body : it.body, raw: JSON.stringify(body), key: crypto.randomUUID() });
  if (it.kind === 'case') {
    for (const ev of await all('queue')) {
      if (ev.kind === 'event' && ev.caseRef === it.ref && ev.caseRefused) {
        const { refused: r, caseRefused, ...again } = ev;
        await put('queue', again);
      }
    }
  }
  changed();
  flush();
}

// A refused item given up: gone from the device, with the entries that waited on it.
export async function discard(id) {
  const items = await all('queue');
  const it = items.find((x) => x.id === id);
  if (!it) return;
  const gone = items.filter((x) => x.id === id || (it.kind === 'case' && x.kind === 'event' && x.caseRef === it.ref));
  for (const x of gone) await op('queue', 'readwrite', (s) => s.delete(x.id));
  changed();
}

// The form that corrects a refused item: each field the server named, with its message and
// the value sent (the field's name as the API says it, in code: it is data).
function corrector(it, done) {
  const body = bodyOf(it);
  const named = [...new Map((it.fields ?? []).map((f) => [f.field, f])).values()];
  const inputs = named.map((f, i) => {
    const v = valueAt(body, f.field);
    const input = h('input', { id: `fix-${it.id}-${i}`, name: f.field, value: v === undefined || typeof v === 'object' ? '' : String(v) });
    return { f, input };
  });
  const form = h('form', { class: 'fix', novalidate: true },
    h('p', { class: 'hint' }, T.correctLead),
    inputs.map(({ f, input }) => h('div', { class: 'field' },
      h('label', { for: input.id }, h('code', {}, f.field)), input,
      h('p', { class: 'msg error' }, f.message))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, T.resend),
      h('button', { type: 'button', onclick: () => done() }, T.cancel)));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await correct(it.id, Object.fromEntries(inputs.map(({ f, input }) => [f.field, input.value])));
    done();
  });
  return form;
}

// The list of what waits and what was sent, for the screen; redraws itself.
export function outbox() {
  const box = h('section', { class: 'outbox card', 'aria-live': 'polite', hidden: true });
  const label = (it) => {
    const at = fmtTime(new Date(it.made_at).toISOString());
    if (it.kind === 'case') return T.identification(at);
    return it.what ?? T.note(at);
  };
  let editing = null; // the id of the refused item being corrected
  const actions = (it) => (editing === it.id ? corrector(it, () => { editing = null; draw(); })
    : h('span', { class: 'actions' },
      it.fields?.length ? h('button', { type: 'button', onclick: () => { editing = it.id; draw(); } }, T.correct) : null,
      h('button', { type: 'button', onclick: () => { if (confirm(T.discardConfirm)) discard(it.id); } }, T.discard)));
  const draw = async () => {
    const [waiting, done] = await Promise.all([pending().catch(() => []), sentItems().catch(() => [])]);
    const parts = [];
    if (!navigator.onLine) parts.push(h('p', { class: 'form-status warning' }, T.offline));
    if (waiting.length) {
      parts.push(h('h2', {}, T.waiting(waiting.length)),
        h('ul', { class: 'waiting' }, waiting.map((it) => h('li', {}, label(it), ' — ',
          h('span', { class: it.refused ? 'error' : '' }, it.refused ?? (flushing ? T.sending : T.notSent)),
          it.refused && !it.caseRefused ? actions(it) : null))),
        h('p', { class: 'hint' }, T.signOutLoses));
    }
    if (done.length) {
      parts.push(h('h2', {}, T.sent), h('ul', { class: 'sent' }, done.slice(-10).map((it) => h('li', {}, label(it), ' → ',
        h('a', { href: `/cases/${it.case_id}`, class: 'case-id' }, it.case_id)))));
    }
    box.replaceChildren(...parts);
    box.hidden = !parts.length;
  };
  const off = onChange(draw);
  const net = () => draw();
  window.addEventListener('online', net);
  window.addEventListener('offline', net);
  draw();
  box.stop = () => { off(); window.removeEventListener('online', net); window.removeEventListener('offline', net); };
  return box;
}
