// Identification of a youth, built for a phone: a few large inputs and one button.
// On a flaky connection the same request is sent again with the same Idempotency-Key
// until the server answers; "Saved" appears only once it has. The draft (and the key)
// live in sessionStorage, which sign-out clears, so a reload does not lose it and
// a retry after a reload cannot record the youth twice.
import { ApiError, get, newKey, request } from '../api.js';
import {
  announce, clearMessages, field, fmtTime, formStatus, fromLocalInput, h, now, radios,
  setStatus, showProblem, STATUS, toLocalInput, fill } from '../dom.js';
import { stepList } from '../steps.js';
import * as offline from '../offline.js';
import { t } from '../i18n.js';

const DRAFT = 'sh.identify.draft';

// What an officer may notice (all optional): kept as written on the case.
const INDICATORS = [
  'Branding or tattoos (a name, a symbol, money signs)',
  'Hotel keys, several phones or cash',
  'An older boyfriend or someone controlling them',
  'Runs away, or missing from care',
  'A scripted or inconsistent story',
  'Injuries or signs of abuse',
  'No ID, or someone else holds it',
  'Talks about quotas, "the life" or a "daddy"',
  'Met in an area known for commercial sex',
];
// The county's threshold languages first; any language can be typed.
const LANGUAGES = ['English', 'Spanish', 'Armenian', 'Chinese', 'Farsi', 'Japanese', 'Khmer', 'Korean',
  'Russian', 'Tagalog', 'Vietnamese', 'Arabic', 'American Sign Language'];

function loadDraft() {
  try { return JSON.parse(sessionStorage.getItem(DRAFT) ?? 'null'); } catch { return null; }
}
function storeDraft(d) {
  try { sessionStorage.setItem(DRAFT, JSON.stringify(d)); } catch { /* storage off: memory only */ }
}
function dropDraft() {
  try { sessionStorage.removeItem(DRAFT); } catch { /* nothing */ }
}

const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  const wake = () => { clearTimeout(timer); resolve(); };
  signal.addEventListener('abort', wake, { once: true });
  window.addEventListener('online', wake, { once: true });
});

export async function render(main, ctx) {
  ctx.title(t('identify.title'));
  let draft = loadDraft();
  if (draft && draft.user !== ctx.me.username) { dropDraft(); draft = null; } // another user's: never shown
  const v = draft?.values ?? {};
  let pendingKey = draft?.key ?? null; // kept until the server gives a definite answer
  let stop = null;

  const when = field({ label: t('identify.when'), name: 'identified_at', type: 'datetime-local',
    required: true, value: v.identified_at ?? toLocalInput(now()),
    hint: t('identify.when_hint'),
    attrs: { class: 'big', max: toLocalInput(now() + 60000) } });
  const status = radios({ legend: t('identify.status'), name: 'youth_status', value: v.youth_status ?? 'unknown',
    options: Object.entries(STATUS) });
  const birth = field({ label: t('identify.birth'), name: 'youth.birth_date', type: 'date', value: v.birth_date, mark: false,
    attrs: { class: 'big', max: toLocalInput(now()).slice(0, 10), min: '1995-01-01' } });
  const age = field({ label: t('identify.age_estimate'), name: 'youth.age_estimate', type: 'number', value: v.age_estimate, mark: false,
    attrs: { class: 'big', inputmode: 'numeric', min: '8', max: '25', step: '1' } });
  const first = field({ label: t('identify.first'), name: 'youth.first_name', value: v.first_name, mark: false,
    attrs: { class: 'big', autocomplete: 'off', spellcheck: 'false' } });
  const last = field({ label: t('identify.last'), name: 'youth.last_name', value: v.last_name, mark: false,
    attrs: { class: 'big', autocomplete: 'off', spellcheck: 'false' } });
  const confidential = field({ label: t('identify.pc293'),
    name: 'name_confidential', type: 'checkbox', value: !!v.name_confidential });
  // the area is chosen from the county's areas (GET /api/v1/agencies), not typed
  const area = field({ label: t('identify.area'), name: 'area', type: 'select', required: true,
    options: v.area ? [[v.area, v.area]] : [], value: v.area,
    hint: t('identify.area_hint'), attrs: { class: 'big' } });
  const areaShown = h('strong', {}, v.area ?? '…');
  const areaBox = h('details', { class: 'area' },
    h('summary', {}, t('identify.area_summary'), areaShown, h('span', { class: 'change' }, t('identify.change'))), area.wrap);

  // more about the encounter, all optional, folded away: the minimum stays under a minute
  const assault = field({ label: t('identify.assault'), name: 'last_assault_at',
    type: 'datetime-local', value: v.last_assault_at, mark: false,
    hint: t('identify.assault_hint'),
    attrs: { max: toLocalInput(now() + 60000) } });
  const place = field({ label: t('identify.place'), name: 'location', value: v.location, mark: false,
    hint: t('identify.place_hint'), attrs: { autocomplete: 'off' } });
  const language = field({ label: t('identify.language'), name: 'language', value: v.language, mark: false,
    attrs: { list: 'languages', autocomplete: 'off' } });
  const interpreter = field({ label: t('identify.interpreter'), name: 'interpreter', type: 'checkbox', value: !!v.interpreter });
  const callback = field({ label: t('identify.callback'), name: 'callback_number', type: 'tel', value: v.callback_number,
    mark: false, hint: t('identify.callback_hint'), attrs: { autocomplete: 'tel' } });
  const picked = new Set(v.indicators ?? []);
  const indicators = h('fieldset', { class: 'field indicators', dataset: { field: 'indicators' } },
    h('legend', {}, t('identify.noticed')),
    INDICATORS.map((label) => {
      const id = `ind-${INDICATORS.indexOf(label)}`;
      // kept on the case in English, as written; shown in the user's language
      return h('div', { class: 'field-check' }, h('label', { for: id },
        h('input', { type: 'checkbox', id, name: 'indicators', value: label, checked: picked.has(label) }), ' ',
        t(`identify.indicator.${INDICATORS.indexOf(label)}`)));
    }),
    h('p', { class: 'msg', hidden: true }));
  const more = h('details', { class: 'more', open: !!(v.last_assault_at || v.location || v.language ||
    v.callback_number || picked.size) },
    h('summary', {}, t('identify.more')),
    assault.wrap, place.wrap, language.wrap, interpreter.wrap, indicators, callback.wrap,
    h('datalist', { id: 'languages' }, LANGUAGES.map((l) => h('option', { value: l }))));

  const save = h('button', { type: 'submit', class: 'primary big' }, t('identify.save'));
  const stopBtn = h('button', { type: 'button', class: 'secondary', hidden: true }, t('identify.stop'));
  const fields = h('fieldset', { class: 'plain' },
    when.wrap, status.wrap,
    h('fieldset', { class: 'field' }, h('legend', {}, t('identify.age')),
      h('p', { class: 'hint' }, t('identify.age_hint')),
      h('div', { class: 'pair' }, birth.wrap, age.wrap)),
    h('fieldset', { class: 'field names' }, h('legend', {}, t('identify.name'), h('span', { class: 'optional' }, t('identify.name_optional'))),
      h('div', { class: 'pair' }, first.wrap, last.wrap), confidential.wrap),
    areaBox, more);
  const form = h('form', { class: 'identify', novalidate: true },
    fields, formStatus(), h('div', { class: 'actions' }, save, stopBtn));
  const result = h('div', { class: 'result' });
  const outbox = offline.outbox();
  fill(main, h('h1', {}, t('identify.title')), outbox, form, result);

  // the county's areas; the officer's agency's home area first chosen (without a
  // connection, as kept on the device at sign-in, encrypted)
  get('/api/v1/agencies').then(({ data }) => {
    const mine = (data.items ?? []).find((a) => a.id === ctx.me.agency.id);
    offline.remember({ areas: data.areas ?? [], home_area: mine?.home_area ?? null });
    return { areas: data.areas ?? [], home: mine?.home_area };
  }).catch(async (e) => {
    const p = e instanceof ApiError && e.network ? await offline.profile() : null;
    if (!p?.areas) throw e;
    return { areas: p.areas, home: p.home_area };
  }).then(({ areas: known, home }) => {
    const chosen = area.input.value || home || '';
    const areas = [...new Set([...known, chosen].filter(Boolean))].sort();
    fill(area.input, h('option', { value: '' }, t('identify.choose_area')),
      areas.map((a) => h('option', { value: a, selected: a === chosen }, a)));
    areaShown.textContent = area.input.value || t('identify.not_set');
    if (!area.input.value) areaBox.open = true;
  }).catch(() => { areaShown.textContent = area.input.value || t('identify.not_set'); if (!area.input.value) areaBox.open = true; });
  // the steps the agency owns, for the scene's entries made offline
  get('/api/v1/steps').then(({ data }) => offline.remember({ steps: data.items ?? [] })).catch(() => { /* kept ones */ });

  const values = () => ({
    identified_at: when.input.value, youth_status: status.value(), birth_date: birth.input.value,
    age_estimate: age.input.value, first_name: first.input.value, last_name: last.input.value,
    name_confidential: confidential.input.checked, area: area.input.value,
    last_assault_at: assault.input.value, location: place.input.value, language: language.input.value,
    interpreter: interpreter.input.checked, callback_number: callback.input.value,
    indicators: [...indicators.querySelectorAll('input:checked')].map((x) => x.value),
  });
  const keep = () => storeDraft({ user: ctx.me.username, values: values(), key: pendingKey });
  form.addEventListener('input', () => { keep(); areaShown.textContent = area.input.value || t('identify.not_set'); });
  form.addEventListener('change', keep);

  function build() {
    const errs = [];
    const at = fromLocalInput(when.input.value);
    if (!at) errs.push({ field: 'identified_at', message: t('identify.e_time') });
    const b = birth.input.value, a = age.input.value;
    if (!b && !a) errs.push({ field: 'youth.birth_date', message: t('identify.e_age') });
    if (b && a) errs.push({ field: 'youth.age_estimate', message: t('identify.e_both') });
    if (a && !/^\d{1,2}$/.test(a)) errs.push({ field: 'youth.age_estimate', message: t('identify.e_whole') });
    if (!area.input.value.trim()) { errs.push({ field: 'area', message: t('identify.e_area') }); areaBox.open = true; }
    const lastAssault = assault.input.value ? fromLocalInput(assault.input.value) : null;
    if (assault.input.value && !lastAssault) errs.push({ field: 'last_assault_at', message: t('identify.e_assault') });
    if (errs.length) {
      if (errs.some((e) => ['last_assault_at', 'location', 'language', 'callback_number'].includes(e.field))) more.open = true;
      return { errs };
    }
    const youth = {};
    if (b) youth.birth_date = b; else youth.age_estimate = Number(a);
    if (first.input.value.trim()) youth.first_name = first.input.value.trim();
    if (last.input.value.trim()) youth.last_name = last.input.value.trim();
    const body = { identified_at: at, area: area.input.value.trim(), youth_status: status.value() ?? 'unknown', youth };
    if (confidential.input.checked) body.name_confidential = true;
    if (lastAssault) body.last_assault_at = lastAssault;
    for (const [k, f] of [['location', place], ['language', language], ['callback_number', callback]]) {
      if (f.input.value.trim()) body[k] = f.input.value.trim();
    }
    if (interpreter.input.checked) body.interpreter = true;
    const noticed = [...indicators.querySelectorAll('input:checked')].map((x) => x.value);
    if (noticed.length) body.indicators = noticed;
    return { body };
  }

  function lock(on) {
    fields.disabled = on;
    save.disabled = on;
    stopBtn.hidden = !on;
  }

  function showSaved(data) {
    form.hidden = true;
    const again = h('button', { type: 'button', class: 'secondary big' }, t('identify.another'));
    again.addEventListener('click', () => ctx.navigate('/identify', { replace: true }));
    const heading = h('h2', { tabindex: '-1' }, t('identify.saved'));
    fill(result, h('section', { class: 'saved card' },
      heading,
      h('p', {}, t('identify.case'), h('a', { href: `/cases/${data.id}`, class: 'case-id' }, data.id),
        t('identify.clock_started', { when: fmtTime(data.identified_at) })),
      h('h3', {}, t('identify.clocks')),
      stepList(data.steps ?? [], { caseId: data.id, myKind: ctx.me.agency.kind,
        onDone: (ans) => { const s = result.querySelector('.steps'); s.replaceWith(stepList(ans.steps, { caseId: data.id, myKind: ctx.me.agency.kind })); } }),
      h('div', { class: 'actions' }, h('a', { href: `/cases/${data.id}`, class: 'button primary' }, t('identify.open')), again)));
    heading.focus();
    announce(t('identify.saved_case', { id: data.id }));
  }

  // No connection: the identification waits on the device, encrypted, with its key, and
  // goes by itself when the connection returns (js/offline.js).
  async function keepOffline(raw, body) {
    if (!(await offline.ready())) return false;
    const ref = pendingKey;
    await offline.enqueue({ kind: 'case', ref, key: pendingKey, raw,
      what: offline.T.identification(fmtTime(body.identified_at)) });
    pendingKey = null;
    dropDraft();
    lock(false);
    setStatus(form, '');
    showKept(ref);
    return true;
  }

  // The identification kept on the device, and the scene's first entries (a step done
  // and its time, a note), queued after it.
  async function showKept(ref) {
    const T = offline.T;
    form.hidden = true;
    const steps = (await offline.profile())?.steps ?? [];
    const step = field({ label: T.sceneStep, name: 'step', type: 'select', mark: false,
      options: [['', T.sceneStepNone], ...steps.map((s) => [s.key, s.title])] });
    const at = field({ label: T.sceneAt, name: 'at', type: 'datetime-local', required: true,
      value: toLocalInput(now()), attrs: { max: toLocalInput(now() + 60000) } });
    const note = field({ label: T.sceneNote, name: 'text', type: 'textarea', mark: false, hint: T.sceneNoteHint });
    const keepBtn = h('button', { type: 'submit', class: 'primary' }, T.sceneAdd);
    const scene = h('form', { class: 'scene', novalidate: true },
      h('h3', {}, T.sceneTitle), step.wrap, at.wrap, note.wrap, formStatus(), h('div', { class: 'actions' }, keepBtn));
    scene.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearMessages(scene);
      const when = fromLocalInput(at.input.value);
      if (!when) { showProblem(scene, { problem: { errors: [{ field: 'at', message: 'enter the date and time' }] } }); return; }
      if (step.input.value) {
        const title = steps.find((s) => s.key === step.input.value)?.title ?? step.input.value;
        await offline.enqueue({ kind: 'event', caseRef: ref, key: newKey(),
          body: { type: 'step_done', at: when, step: step.input.value }, what: T.stepDone(title, fmtTime(when)) });
      }
      if (note.input.value.trim()) {
        const section = ctx.me.agency.kind === 'law_enforcement' && ctx.me.may.write.includes('law_enforcement')
          ? 'law_enforcement' : 'core';
        await offline.enqueue({ kind: 'event', caseRef: ref, key: newKey(),
          body: { type: 'note', section, at: when, text: note.input.value.trim() }, what: T.note(fmtTime(when)) });
      }
      step.input.value = '';
      note.input.value = '';
      setStatus(scene, T.sceneKept);
      announce(T.sceneKept);
    });
    const again = h('button', { type: 'button', class: 'secondary big' }, T.anotherYouth);
    again.addEventListener('click', () => ctx.navigate('/identify', { replace: true }));
    const heading = h('h2', { tabindex: '-1' }, T.savedHere);
    fill(result, h('section', { class: 'kept card' }, heading, h('p', {}, T.savedHereLead), scene,
      h('div', { class: 'actions' }, again)));
    heading.focus();
    announce(T.savedHere);
  }

  stopBtn.addEventListener('click', () => stop?.abort());
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    const { body, errs } = build();
    if (errs) { showProblem(form, { problem: { errors: errs } }); return; }
    pendingKey ??= newKey();
    keep();
    const raw = JSON.stringify(body);
    if (!navigator.onLine && await keepOffline(raw, body)) return;
    stop = new AbortController();
    lock(true);
    for (let attempt = 1; ; attempt++) {
      setStatus(form, attempt === 1 ? t('identify.saving') : t('identify.saving_n', { n: attempt }));
      try {
        const { data } = await request('POST', '/api/v1/cases', { raw, headers: { 'Idempotency-Key': pendingKey } });
        pendingKey = null;
        dropDraft();
        lock(false);
        setStatus(form, '');
        showSaved(data);
        return;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return; // signed out instead of signing in
        if (e instanceof ApiError && e.network && !navigator.onLine && await keepOffline(raw, body)) return;
        if (e instanceof ApiError && e.retryable && !stop.signal.aborted) {
          const wait = Math.min(15000, 1000 * 2 ** (attempt - 1));
          setStatus(form, t('identify.not_yet', { why: e.network ? t('identify.no_connection') : t('identify.busy'), s: Math.round(wait / 1000) }), 'warning');
          await sleep(wait, stop.signal);
          if (!stop.signal.aborted) continue;
        }
        lock(false);
        if (stop.signal.aborted) {
          setStatus(form, t('identify.not_saved'), 'error');
          save.focus();
          return;
        }
        // a definite refusal: nothing was stored under this key
        const reused = e.status === 422 && /Idempotency-Key/i.test(e.problem?.detail ?? '');
        pendingKey = null;
        keep();
        if (reused) {
          setStatus(form, t('identify.reused'), 'error');
          return;
        }
        const named = new Set((e.problem?.errors ?? []).map((x) => x.field.replace(/\[\d+\]$/, '')));
        if (['last_assault_at', 'location', 'language', 'interpreter', 'callback_number', 'indicators'].some((f) => named.has(f))) more.open = true;
        if (named.has('area')) areaBox.open = true;
        showProblem(form, e);
        return;
      }
    }
  });
  return () => { stop?.abort(); outbox.stop(); };
}
