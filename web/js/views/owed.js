// "What we owe now": every pending step my agency owns across its open cases, the
// soonest due first, each with a live countdown and a one-tap "Done"; above them, the
// summonses of my agency that could reach nobody, with "I'm on it". Filtered by area, step,
// worker and overdue, as the person left it (kept on the server).
import { get, getAll } from '../api.js';
import { clock, fmtDue, fmtTime, h, STATUS, fill } from '../dom.js';
import { doneControl } from '../steps.js';
import { colleagues, filterBar, filterQuery, loadPrefs, savePrefs } from '../filters.js';
import { unreachableList } from '../summons.js';
import { stepTitle, t } from '../i18n.js';
import { sealedLabel } from './cases.js';

// The youth in a row: initials, or that no identity is left.
function youthTag(y) {
  if (y?.sealed) return [h('strong', {}, sealedLabel(y)), ' · '];
  return y?.initials ? [h('strong', {}, y.initials), ' · '] : null;
}

const REFRESH_MS = 60000;

function due(x) { return x.due_at ? Date.parse(x.due_at) : Infinity; }

export async function render(main, ctx) {
  ctx.title(t('owed.title'));
  const list = h('ol', { class: 'owed', tabindex: '-1', 'aria-label': t('owed.list_label') });
  const cases = h('ul', { class: 'cases' });
  const note = h('p', { class: 'muted', role: 'status' });
  const alarms = h('div');
  const goto = h('form', { class: 'goto', role: 'search' },
    h('label', { for: 'goto-id' }, t('owed.goto')),
    h('div', { class: 'inline' },
      h('input', { id: 'goto-id', name: 'id', placeholder: 'SH-…', autocapitalize: 'characters', spellcheck: 'false' }),
      h('button', { type: 'submit', class: 'secondary' }, t('owed.open'))));
  goto.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const id = goto.elements.id.value.trim().toUpperCase();
    if (id) ctx.navigate(`/cases/${encodeURIComponent(id.startsWith('SH-') ? id : `SH-${id}`)}`);
  });
  const [agencies, steps, people, prefs] = await Promise.all([
    get('/api/v1/agencies').then((r) => r.data).catch(() => ({})),
    get('/api/v1/steps').then((r) => (r.data.items ?? []).map((s) => [s.key, stepTitle(s.key, s.title)])).catch(() => []),
    colleagues(ctx.me), loadPrefs('owed.filter')]);
  let filter = prefs;
  const bar = filterBar({ areas: agencies.areas, steps, people, value: prefs,
    onChange: async (f) => { filter = f; await savePrefs('owed.filter', f); await load(); } });
  fill(main,
    h('h1', {}, t('owed.title')),
    h('p', { class: 'lead' }, t('owed.lead', { agency: ctx.me.agency.name })),
    alarms, bar, note, list,
    h('h2', {}, t('owed.our_cases')), cases, goto,
    h('p', {}, h('a', { href: '/cases' }, t('owed.find'))));

  async function load() {
    const [items, summons] = await Promise.all([
      getAll(`/api/v1/cases?${filterQuery(filter, { open: '1', limit: '200' })}`),
      get('/api/v1/summons').then((r) => r.data.items ?? []).catch(() => null)]);
    if (!ctx.current()) return;
    if (summons) fill(alarms, unreachableList(summons.filter((s) => !s.reached), { onAck: () => load() }));
    const rows = [];
    for (const c of items) for (const s of c.owed ?? []) rows.push({ c, s });
    rows.sort((a, b) => due(a.s) - due(b.s) || a.c.id.localeCompare(b.c.id));
    // never pull a row out from under a confirm form the user has open
    const openForms = new Set([...list.querySelectorAll('.owed-item')]
      .filter((li) => li.querySelector('.done')?.isOpen?.()).map((li) => li.dataset.key));
    const keep = new Map([...list.querySelectorAll('.owed-item')].map((li) => [li.dataset.key, li]));
    fill(list, ...rows.map(({ c, s }) => {
      const key = `${c.id}/${s.key}/${s.episode}`;
      if (openForms.has(key)) return keep.get(key);
      const li = h('li', { class: 'owed-item card', dataset: { key, case: c.id, step: s.key } },
        h('div', { class: 'owed-head' },
          h('span', { class: 'step-title' }, stepTitle(s.key, s.title)),
          clock(s.opened_at, s.due_at)),
        h('p', { class: 'owed-case' },
          youthTag(c.youth),
          h('a', { href: `/cases/${c.id}`, class: 'case-id' }, c.id),
          t('owed.case_line', { age: c.age ?? '?', status: STATUS[c.youth_status] ?? c.youth_status, area: c.area }),
          c.worker ? t('owed.worker', { name: c.worker.name }) : ''),
        s.due_at ? h('p', { class: 'due' }, t('owed.due', { when: fmtDue(s.due_at) })) : null);
      li.append(doneControl({ caseId: c.id, step: s, label: t('owed.label', { title: stepTitle(s.key, s.title), case: c.id }),
        onDone: () => { li.remove(); note.textContent = t('owed.marked', { title: stepTitle(s.key, s.title), case: c.id }); list.focus(); } }));
      return li;
    }));
    const late = rows.filter(({ s }) => s.due_at && Date.parse(s.due_at) < Date.now()).length;
    const filtered = Object.values(filter ?? {}).some((v) => v);
    note.textContent = !rows.length ? (filtered ? t('owed.nothing_filter') : t('owed.nothing'))
      : t('owed.count', { steps: t('owed.steps', { n: rows.length }), cases: t('owed.cases', { n: items.length }) }) +
        (late ? t('owed.late', { n: late }) : t('owed.none_late'));
    fill(cases, ...items.map((c) => h('li', {},
      youthTag(c.youth),
      h('a', { href: `/cases/${c.id}`, class: 'case-id' }, c.id),
      t('owed.case_line2', { age: c.age ?? '?', status: STATUS[c.youth_status] ?? c.youth_status, when: fmtTime(c.identified_at) }))));
    if (!items.length) cases.append(h('li', { class: 'muted' }, t('owed.no_cases')));
  }

  await load();
  const timer = setInterval(() => { load().catch(() => { /* shown on the next try */ }); }, REFRESH_MS);
  return () => clearInterval(timer);
}
