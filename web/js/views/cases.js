// Find a youth: by name or alias, birth date or case number (POST /api/v1/search: the words
// travel in a body, never in the address, so they stay out of the browser's history), with
// filters; then the agency's cases (for a shelter, the youth placed with it), and for
// supervisors the caseload of each worker.
import { ApiError, get, getAll, post } from '../api.js';
import { clearMessages, field, fill, fmtDate, fmtTime, formStatus, h, KIND, setStatus, showProblem, STATUS } from '../dom.js';
import { t } from '../i18n.js';
import { areaOptions, colleagues, filterBar, filterQuery, loadPrefs, savePrefs } from '../filters.js';

// the last search, in memory only (never in storage), for the person who made it
let last = null;

// A youth whose identity is gone: sealed by a court, or destroyed by the retention schedule.
export function sealedLabel(y) {
  return y.sealed === 'retention' ? t('cases.sealed_retention') : t('cases.sealed_court');
}

// How a result tells youths apart: the name (or initials) to those who may see it.
export function youthLabel(y) {
  if (!y) return t('cases.name_hidden');
  if (y.sealed) return sealedLabel(y);
  const name = [y.first_name, y.last_name].filter(Boolean).join(' ');
  if (name) return name;
  if (y.name_confidential && !y.initials) return t('cases.name_confidential');
  return y.initials || t('cases.no_name');
}

function resultItem(c) {
  const y = c.youth ?? null;
  const bits = [
    t('cases.age', { age: c.age ?? '?', est: c.age_estimated ? t('cases.est') : '' }),
    y?.birth_date ? t('cases.born', { date: fmtDate(`${y.birth_date}T12:00:00Z`) }) : null,
    c.area,
    t('cases.identified', { when: fmtTime(c.identified_at) }),
    c.lead_agency ? t('cases.lead_agency', { agency: c.lead_agency.name ?? KIND[c.lead_agency.kind] ?? c.lead_agency.kind }) : null,
  ].filter(Boolean);
  return h('li', { class: 'result card', dataset: { case: c.id } },
    h('p', { class: 'result-head' },
      h('a', { href: `/cases/${c.id}`, class: 'result-name' }, youthLabel(y),
        h('span', { class: 'visually-hidden' }, t('cases.case_hidden', { id: c.id }))),
      ' ', h('span', { class: `badge ${c.open ? 'badge-open' : 'badge-closed'}` }, c.open ? t('cases.open') : t('cases.closed')),
      c.overdue ? [' ', h('span', { class: 'badge badge-deviation' }, t('cases.overdue'))] : null),
    y?.aliases?.length ? h('p', { class: 'muted result-aka' }, t('cases.aka', { names: y.aliases.join(', ') })) : null,
    h('p', { class: 'result-facts' }, h('span', { class: 'case-id' }, c.id), ' · ', bits.join(' · ')),
    c.worker ? h('p', { class: 'muted' }, t('cases.our_worker', { name: c.worker.name })) : null);
}

export async function render(main, ctx) {
  ctx.title(t('cases.title'));
  const me = ctx.me;
  const shelter = me.agency.kind === 'shelter';
  const agencies = (await get('/api/v1/agencies')).data;
  const name = field({ label: t('cases.name'), name: 'name', mark: false,
    hint: t('cases.name_hint'),
    attrs: { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none' } });
  const birth = field({ label: t('cases.birth'), name: 'birth_date', type: 'date', mark: false });
  const caseNo = field({ label: t('cases.case_no'), name: 'case_id', mark: false, hint: t('cases.case_hint'),
    attrs: { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters' } });
  const area = field({ label: t('cases.area'), name: 'area', type: 'select', options: [['', t('cases.any_area')], ...areaOptions(agencies.areas)] });
  const status = field({ label: t('cases.cases'), name: 'status', type: 'select', value: 'any',
    options: [['any', t('cases.open_or_closed')], ['open', t('cases.open')], ['closed', t('cases.closed')]] });
  const overdue = field({ label: t('cases.with_overdue'), name: 'overdue', type: 'checkbox' });
  const mine = field({ label: t('cases.mine'), name: 'mine', type: 'checkbox' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('cases.search'));
  const form = h('form', { class: 'find card', role: 'search', novalidate: true, 'aria-label': t('cases.title') },
    h('div', { class: 'pair' }, name.wrap, birth.wrap), caseNo.wrap,
    h('details', { class: 'more' }, h('summary', {}, t('cases.filters')), h('div', { class: 'pair' }, area.wrap, status.wrap),
      overdue.wrap, mine.wrap),
    formStatus(), h('div', { class: 'actions' }, submit));
  const found = h('p', { class: 'muted', role: 'status' });
  const results = h('ol', { class: 'results', 'aria-label': t('cases.found_label') });
  const listHeading = h('h2', {}, shelter ? t('cases.placed') : t('cases.our'));
  const listNote = h('p', { class: 'muted' });
  const list = h('ol', { class: 'results' });
  const loads = h('div');

  function body() {
    const b = {};
    if (name.input.value.trim()) b.name = name.input.value.trim();
    if (birth.input.value) b.birth_date = birth.input.value;
    if (caseNo.input.value.trim()) b.case_id = caseNo.input.value.trim();
    if (area.input.value) b.area = area.input.value;
    if (status.input.value !== 'any') b.status = status.input.value;
    if (overdue.input.checked) b.overdue = true;
    if (mine.input.checked) b.mine = true;
    return b;
  }

  function show(answer) {
    const items = answer.items ?? [];
    found.textContent = !items.length ? t('cases.nobody')
      : t('cases.found', { found: t('cases.n_found', { n: items.length }), more: answer.truncated ? t('cases.truncated') : '' });
    fill(results, items.map(resultItem));
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    const b = body();
    if (!Object.keys(b).length) {
      showProblem(form, { problem: { errors: [{ field: 'name', message: t('cases.give') }] } });
      return;
    }
    submit.disabled = true;
    setStatus(form, t('cases.searching'));
    try {
      const { data } = await post('/api/v1/search', b);
      setStatus(form, '');
      last = { user: me.username, body: b, answer: data };
      show(data);
      results.querySelector('a')?.focus();
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) showProblem(form, e);
    } finally {
      submit.disabled = false;
    }
  });

  // the agency's cases, filtered as the person left it last time (kept on the server)
  const [prefs, people] = await Promise.all([loadPrefs('cases.filter'), colleagues(me)]);
  const bar = filterBar({ areas: agencies.areas, people, value: prefs, open: true,
    onChange: async (f) => { await savePrefs('cases.filter', f); await loadList(f); } });

  async function loadList(f) {
    const q = filterQuery(f, { limit: '200' });
    if (f.open !== false) q.set('open', '1');
    const items = await getAll(`/api/v1/cases?${q}`);
    if (!ctx.current()) return;
    listNote.textContent = items.length ? t('cases.n_cases', { n: items.length }) : t('cases.no_cases');
    fill(list, items.map((c) => h('li', { class: 'result card', dataset: { case: c.id } },
      h('p', { class: 'result-head' }, h('a', { href: `/cases/${c.id}`, class: 'result-name' },
        c.youth?.sealed ? sealedLabel(c.youth) : c.youth?.initials || t('cases.youth'), h('span', { class: 'visually-hidden' }, t('cases.case_hidden', { id: c.id }))),
      ' ', h('span', { class: `badge ${c.open ? 'badge-open' : 'badge-closed'}` }, c.open ? t('cases.open') : t('cases.closed'))),
      h('p', { class: 'result-facts' }, h('span', { class: 'case-id' }, c.id),
        t('cases.line', { age: c.age ?? '?', status: STATUS[c.youth_status] ?? c.youth_status, area: c.area, when: fmtTime(c.identified_at) })),
      c.worker ? h('p', { class: 'muted' }, t('cases.our_worker', { name: c.worker.name })) : null)));
  }

  fill(main,
    h('h1', {}, t('cases.title')),
    h('p', { class: 'lead' }, t('cases.lead')),
    form, found, results,
    listHeading, bar, listNote, list, loads);
  if (last?.user === me.username) {
    name.input.value = last.body.name ?? '';
    birth.input.value = last.body.birth_date ?? '';
    caseNo.input.value = last.body.case_id ?? '';
    show(last.answer);
  }
  await loadList(prefs);
  if (me.role === 'supervisor') {
    const { caseloads } = await import('./caseloads.js');
    fill(loads, await caseloads(me));
  }
}
