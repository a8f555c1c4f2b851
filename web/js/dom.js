// DOM helpers: elements are built with h(), never from HTML strings (the page's
// Content-Security-Policy enforces Trusted Types, so an HTML string sink would throw).
import { language, locale, setStepTitles, t, word } from './i18n.js';

// h('p', { class: 'x', onclick: fn }, 'text', child, [more]) -> HTMLParagraphElement
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'disabled' || k === 'hidden' || k === 'required' ||
             k === 'readOnly' || k === 'open' || k === 'multiple' || k === 'selected') el[k] = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Replaces el's children (arrays flattened, null and false skipped, unlike replaceChildren).
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let uid = 0;
export const nextId = (p = 'f') => `${p}-${++uid}`;

// A polite announcement for screen readers (the live region is in index.html).
export function announce(text) {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 50);
}

// ---- time ----
// Every time is shown in the county's zone, named, whatever the device's zone is; the
// times people type into forms are the county's too (docs/web.md).

let countyZone = 'America/Los_Angeles';
let dateTime, dateTimeYear, dateOnly, wall, timeOnly, dayWords, dayWordsYear;

// The formats of times and days, in the county's zone and the user's language (i18n.js):
// made again when either changes.
export function setCountyZone(zone) {
  if (zone) countyZone = zone;
  const base = { timeZone: countyZone };
  const lc = locale();
  dayWords = new Intl.DateTimeFormat(lc, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' });
  dayWordsYear = new Intl.DateTimeFormat(lc, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
  dateTime = new Intl.DateTimeFormat(lc, { ...base, weekday: 'short', day: 'numeric', month: 'short',
    hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  dateTimeYear = new Intl.DateTimeFormat(lc, { ...base, day: 'numeric', month: 'short', year: 'numeric',
    hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  dateOnly = new Intl.DateTimeFormat(lc, { ...base, day: 'numeric', month: 'short', year: 'numeric' });
  timeOnly = new Intl.DateTimeFormat(lc, { ...base, hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  wall = new Intl.DateTimeFormat('en-CA', { ...base, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}
setCountyZone();

export function countyZoneName() { return countyZone; }

// What the server says of the county (GET /api/v1/me): its zone, and the minutes after
// which a step done or a close dated in the past is a late entry that needs a reason.
let lateEntryMinutes = 60;
export const lateMinutes = () => lateEntryMinutes;
let countyInfo = {};
export function countyFacts() { return countyInfo; }
export function setCounty(county) {
  countyInfo = county ?? {};
  setCountyZone(county?.timezone);
  setStepTitles(county?.step_titles);
  if (Number.isInteger(county?.late_entry_minutes)) lateEntryMinutes = county.late_entry_minutes;
}

// A "why it is entered late" field, shown while the time in atInput is more than the
// county's margin before now (the server refuses such an entry without a reason).
// value() is the reason to send, or undefined when the field is hidden or empty.
export function lateEntryField(atInput) {
  const f = field({ label: t('dom.late_label'), name: 'late_entry_reason', type: 'textarea', required: true,
    hint: t('dom.late_hint', { n: lateEntryMinutes }) });
  const sync = () => {
    const t = fromLocalInput(atInput.value);
    f.wrap.hidden = !(t && now() - Date.parse(t) > lateEntryMinutes * 60000);
  };
  atInput.addEventListener('input', sync);
  atInput.addEventListener('change', sync);
  f.wrap.hidden = true;
  return { wrap: f.wrap, input: f.input, sync, show() { f.wrap.hidden = false; },
    value: () => (f.wrap.hidden ? undefined : f.input.value.trim() || undefined) };
}

// The county's wall clock at instant ms: { y, mo, d, h, mi, s } (numbers).
function wallClock(ms) {
  const p = Object.fromEntries(wall.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { y: +p.year, mo: +p.month, d: +p.day, h: +p.hour % 24, mi: +p.minute, s: +p.second };
}

export function fmtTime(iso) {
  if (!iso) return '';
  const t = new Date(iso);
  return (wallClock(t.getTime()).y === wallClock(Date.now()).y ? dateTime : dateTimeYear).format(t);
}
export function fmtDate(iso) {
  return iso ? dateOnly.format(new Date(iso)) : '';
}
// The time of day on the county's clock, its zone named ("08:30 PM PST").
export function fmtClockTime(iso) {
  return iso ? timeOnly.format(new Date(iso)) : '';
}
// A county day ("2026-03-09") in words, with the year when it is not this year
// ("Mon, Mar 9"); the date is the county's already, so it is read as it is.
export function fmtDay(date) {
  const t = new Date(`${date}T12:00:00Z`);
  return (t.getUTCFullYear() === wallClock(now()).y ? dayWords : dayWordsYear).format(t);
}
// When a deadline falls: one that ends a county day (23:59:59 there) as that day
// ("by the end of Wed, Mar 11"), any other as its time.
export function fmtDue(iso) {
  if (!iso) return '';
  const w = wallClock(Date.parse(iso));
  if (w.h === 23 && w.mi === 59 && w.s === 59) {
    const p = (n) => String(n).padStart(2, '0');
    return t('dom.by_end_of', { day: fmtDay(`${w.y}-${p(w.mo)}-${p(w.d)}`) });
  }
  return fmtTime(iso);
}

// "YYYY-MM-DDTHH:MM" on the county's clock, for <input type="datetime-local">.
export function toLocalInput(ms) {
  const w = wallClock(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${w.y}-${p(w.mo)}-${p(w.d)}T${p(w.h)}:${p(w.mi)}`;
}

// The value of a datetime-local input, read on the county's clock, as RFC 3339 UTC ("...Z").
export function fromLocalInput(v) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v ?? '');
  if (!m) return null;
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  // the zone's offset at that wall time: guess, then correct once (daylight-saving changes)
  let t = asUtc;
  for (let i = 0; i < 2; i++) {
    const w = wallClock(t);
    t = asUtc - (Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - t);
  }
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function two(n) { return String(n).padStart(2, '0'); }

// 3725000 -> "1:02:05"; 2 days and more -> "2 d 4 h".
export function fmtSpan(ms) {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400), hr = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60), sec = s % 60;
  if (d >= 2) return `${d} d ${hr} h`;
  if (d >= 1 || hr >= 1) return `${d * 24 + hr}:${two(m)}:${two(sec)}`;
  return `${m}:${two(sec)}`;
}

// ---- protocol clocks ----
// Green while more than a quarter of the step's time is left, amber under a quarter,
// red once overdue. Colour is never the only cue: the text says it too.

let offsetMs = 0; // server clock minus ours, from the Date header of API answers
export function setServerOffset(ms) { offsetMs = ms; }
export function now() { return Date.now() + offsetMs; }

export function clockState(openedAt, dueAt, t = now()) {
  if (!dueAt) return 'none';
  const due = Date.parse(dueAt);
  const left = due - t;
  if (left < 0) return 'late';
  const opened = openedAt ? Date.parse(openedAt) : NaN;
  const total = due - opened;
  if (total > 0 && left < total / 4) return 'soon';
  return 'ok';
}

function paintClock(el, at) {
  const due = Date.parse(el.dataset.due);
  const state = clockState(el.dataset.opened || null, el.dataset.due, at);
  const left = due - at;
  el.className = `clock clock-${state}`;
  el.dataset.state = state;
  el.textContent = state === 'late' ? t('dom.overdue_by', { span: fmtSpan(left) })
    : state === 'soon' ? t('dom.due_soon', { span: fmtSpan(left) }) : t('dom.left', { span: fmtSpan(left) });
}

// A live countdown to dueAt (an RFC 3339 string).
export function clock(openedAt, dueAt) {
  if (!dueAt) return h('span', { class: 'clock clock-none' }, t('dom.no_deadline'));
  const el = h('span', { class: 'clock', dataset: { due: dueAt, opened: openedAt ?? '' } });
  paintClock(el, now());
  return el;
}

// One timer for every clock on the page: each second, repaint them all.
let ticking = false;
export function startTicker() {
  if (ticking) return;
  ticking = true;
  setInterval(() => {
    const t = now();
    for (const el of document.querySelectorAll('.clock[data-due]')) paintClock(el, t);
  }, 1000);
}

// ---- forms ----

// A labelled control with room for its error and warning: { wrap, input }.
// opts: { label, name, type, hint, required, options: [[value, label]], value, attrs }
export function field(opts) {
  const id = nextId(opts.name?.replace(/\W/g, '') || 'f');
  const hintId = `${id}-hint`, msgId = `${id}-msg`;
  let input;
  const common = {
    id, name: opts.name, required: opts.required,
    'aria-describedby': [opts.hint ? hintId : null, msgId].filter(Boolean).join(' '),
    ...(opts.attrs ?? {}),
  };
  if (opts.type === 'textarea') {
    input = h('textarea', { rows: 4, ...common });
    if (opts.value) input.value = opts.value;
  } else if (opts.type === 'select') {
    input = h('select', common, (opts.options ?? []).map(([v, l]) =>
      h('option', { value: v, selected: v === opts.value }, l)));
  } else if (opts.type === 'checkbox') {
    input = h('input', { type: 'checkbox', checked: opts.value, ...common });
    return {
      input,
      wrap: h('div', { class: 'field field-check', dataset: { field: opts.name } },
        h('label', { for: id }, input, ' ', opts.label),
        opts.hint ? h('p', { class: 'hint', id: hintId }, opts.hint) : null,
        h('p', { class: 'msg', id: msgId, hidden: true })),
    };
  } else {
    input = h('input', { type: opts.type ?? 'text', value: opts.value, ...common });
  }
  const wrap = h('div', { class: 'field', dataset: { field: opts.name } },
    h('label', { for: id }, opts.label, opts.required || opts.mark === false ? null : h('span', { class: 'optional' }, t('dom.optional'))),
    opts.hint ? h('p', { class: 'hint', id: hintId }, opts.hint) : null,
    input,
    h('p', { class: 'msg', id: msgId, hidden: true }));
  return { wrap, input };
}

// A radio group in a fieldset: { wrap, value() }.
export function radios({ legend, name, options, value, hint }) {
  const msgId = nextId('msg');
  const wrap = h('fieldset', { class: 'field radios', dataset: { field: name }, 'aria-describedby': msgId },
    h('legend', {}, legend),
    hint ? h('p', { class: 'hint' }, hint) : null,
    options.map(([v, l]) => {
      const id = nextId(name);
      return h('div', { class: 'radio' },
        h('input', { type: 'radio', id, name, value: v, checked: v === value }),
        h('label', { for: id }, l));
    }),
    h('p', { class: 'msg', id: msgId, hidden: true }));
  return { wrap, value: () => wrap.querySelector('input:checked')?.value ?? null };
}

// A form-level message area (role=alert for errors).
export function formStatus() {
  return h('div', { class: 'form-status', hidden: true });
}

export function clearMessages(form) {
  for (const m of form.querySelectorAll('.msg')) { m.hidden = true; m.textContent = ''; m.className = 'msg'; }
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  const st = form.querySelector('.form-status');
  if (st) { st.hidden = true; st.textContent = ''; st.className = 'form-status'; st.removeAttribute('role'); }
}

function fieldBox(form, name) {
  if (!name) return null;
  return form.querySelector(`[data-field="${CSS.escape(name)}"]`);
}

// Shows a problem+json answer: each field error next to its field, the rest at the top.
// Focuses the first field in error (or the status), so keyboard and screen-reader
// users land on it.
export function showProblem(form, err) {
  clearMessages(form);
  const problem = err?.problem;
  // the app's own checks and the server's refusals (docs/api.md, "Problem details") both
  // come in the user's language
  const st = form.querySelector('.form-status');
  let first = null;
  const loose = [];
  for (const e of problem?.errors ?? []) {
    const box = fieldBox(form, e.field);
    if (!box) { loose.push(sentence(e.message)); continue; }
    const msg = box.querySelector('.msg');
    fill(msg, sentence(e.message));
    msg.className = 'msg error';
    msg.hidden = false;
    const input = box.querySelector('input, select, textarea');
    input?.setAttribute('aria-invalid', 'true');
    first ??= input;
  }
  if (st) {
    // a detail of its own says it all; one that only repeats the first field error (with
    // its field's name) gives way to the messages of the fields not on this form
    const first = problem?.errors?.[0];
    const own = problem?.detail && (!first || problem.detail !== `${first.field}: ${first.message}`);
    const text = !problem ? (err?.message ?? t('dom.wrong'))
      : problem.errors?.length && !loose.length ? t('dom.correct')
      : own ? sentence(problem.detail)
      : loose.length ? [problem.errors.length > loose.length ? `${t('dom.correct')} ` : null, loose.join(' ')]
      : problem.title ? sentence(problem.title) : t('dom.not_saved');
    fill(st, text);
    st.className = 'form-status error';
    st.setAttribute('role', 'alert');
    st.hidden = false;
  }
  (first ?? st)?.focus?.();
}

// Words the server keeps as a file or a record wrote them, in English (a witness rule's
// reason, a notice's detail): as they are in English; in another language, introduced in
// that language and marked as English (lang="en"), so a screen reader reads it in English.
// Refusals and warnings are not among them: the server writes those in the user's language.
export function serverWords(text) {
  if (!text || language() === 'en') return text;
  return [t('dom.server_says'), ' ', h('span', { lang: 'en' }, text)];
}

// Text the server keeps in English for everyone (a field's name it has no word for): marked
// as English (lang="en") in another language, so a screen reader reads it in English.
export function inEnglish(text) {
  return !text || language() === 'en' ? text : h('span', { lang: 'en' }, text);
}

// "is required: fill it in" -> "Is required: fill it in." (a message as a sentence)
export function sentence(s) {
  const t = String(s ?? '').trim();
  return t ? t[0].toUpperCase() + t.slice(1) + (/[.!?)]$/.test(t) ? '' : '.') : t;
}

// Shows the `warnings` of a successful answer next to their fields (kept until the next change).
export function showWarnings(form, warnings) {
  for (const w of warnings ?? []) {
    const box = fieldBox(form, w.field);
    const msg = box?.querySelector('.msg') ?? form.querySelector('.form-status');
    if (!msg) continue;
    fill(msg, t('dom.caution'), w.message);
    msg.className = msg.classList.contains('form-status') ? 'form-status warning' : 'msg warning';
    msg.setAttribute('role', 'status');
    msg.hidden = false;
  }
}

export function setStatus(form, text, kind = 'info') {
  const st = form.querySelector('.form-status');
  if (!st) return;
  st.textContent = text;
  st.className = `form-status ${kind}`;
  st.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  st.hidden = !text;
}

// ---- words ----

// Lists of words by code, in the user's language (the catalogue's `kind.*`, `status.*`,
// `section.*`): KIND.advocacy, Object.entries(STATUS) for a select's options.
const words = (group, codes) => new Proxy(Object.fromEntries(codes.map((c) => [c, c])), {
  get: (o, k) => (typeof k === 'string' && Object.hasOwn(o, k) ? word(group, k) : undefined),
});
export const KIND = words('kind', ['law_enforcement', 'child_welfare', 'probation', 'advocacy', 'medical',
  'mental_health', 'prosecutor', 'shelter', 'oversight', 'education', 'juvenile_court']);
export const STATUS = words('status', ['dependent', 'probation', 'both', 'none', 'unknown']);
export const SECTION = words('section', ['core', 'law_enforcement', 'advocacy', 'medical', 'placement', 'court',
  'missing', 'prosecution', 'services']);

// ---- tables ----

// Makes a table readable on a phone without sideways scrolling: below 40rem each row is
// a card and each cell is labelled with its column (app.css, table.stack). The roles
// keep the table's meaning for screen readers whatever the layout; a column without a
// heading (the buttons) gets one that is read but not shown.
export function stack(table) {
  table.classList.add('stack');
  table.setAttribute('role', 'table');
  const heads = [...table.querySelectorAll('thead th')].map((th) => {
    th.setAttribute('role', 'columnheader');
    if (!th.textContent.trim()) th.append(h('span', { class: 'visually-hidden' }, t('dom.actions')));
    return th.dataset.label ?? th.textContent.trim();
  });
  for (const g of table.querySelectorAll('thead, tbody')) g.setAttribute('role', 'rowgroup');
  for (const tr of table.querySelectorAll('tr')) {
    tr.setAttribute('role', 'row');
    if (tr.parentElement.tagName !== 'TBODY') continue;
    [...tr.children].forEach((cell, i) => {
      cell.setAttribute('role', cell.tagName === 'TH' ? 'rowheader' : 'cell');
      if ((cell.tagName === 'TD' || i > 0) && heads[i] && heads[i] !== t('dom.actions')) cell.dataset.label = heads[i];
    });
  }
  return table;
}
