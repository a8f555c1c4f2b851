// Find a youth: by name or alias, birth date or case number (POST /api/v1/search: the words
// travel in a body, never in the address, so they stay out of the browser's history), with
// filters; then the agency's cases (for a shelter, the youth placed with it), and for
// supervisors the caseload of each worker.
import { ApiError, get, getAll, post } from '../api.js';
import { clearMessages, field, fill, fmtTime, formStatus, h, KIND, setStatus, showProblem, STATUS } from '../dom.js';
import { areaOptions, colleagues, filterBar, filterQuery, loadPrefs, savePrefs } from '../filters.js';

// the last search, in memory only (never in storage), for the person who made it
let last = null;

// A youth whose identity is gone: sealed by a court, or destroyed by the retention schedule.
export function sealedLabel(y) {
  return y.sealed === 'retention' ? 'Identity destroyed (retention schedule)' : 'Sealed by court order';
}

// How a result tells youths apart: the name (or initials) to those who may see it.
export function youthLabel(y) {
  if (!y) return 'Name not shown to your agency';
  if (y.sealed) return sealedLabel(y);
  const name = [y.first_name, y.last_name].filter(Boolean).join(' ');
  if (name) return name;
  if (y.name_confidential && !y.initials) return 'Name confidential (PC 293)';
  return y.initials || 'No name given';
}

function resultItem(c) {
  const y = c.youth ?? null;
  const bits = [
    `age ${c.age}${c.age_estimated ? ' (est.)' : ''}`,
    y?.birth_date ? `born ${y.birth_date}` : null,
    c.area,
    `identified ${fmtTime(c.identified_at)}`,
    c.lead_agency ? `lead: ${c.lead_agency.name ?? KIND[c.lead_agency.kind] ?? c.lead_agency.kind}` : null,
  ].filter(Boolean);
  return h('li', { class: 'result card', dataset: { case: c.id } },
    h('p', { class: 'result-head' },
      h('a', { href: `/cases/${c.id}`, class: 'result-name' }, youthLabel(y),
        h('span', { class: 'visually-hidden' }, `, case ${c.id}`)),
      ' ', h('span', { class: `badge ${c.open ? 'badge-open' : 'badge-closed'}` }, c.open ? 'Open' : 'Closed'),
      c.overdue ? [' ', h('span', { class: 'badge badge-deviation' }, 'Overdue')] : null),
    y?.aliases?.length ? h('p', { class: 'muted result-aka' }, `Also known as ${y.aliases.join(', ')}`) : null,
    h('p', { class: 'result-facts' }, h('span', { class: 'case-id' }, c.id), ' · ', bits.join(' · ')),
    c.worker ? h('p', { class: 'muted' }, `Our worker: ${c.worker.name}`) : null);
}

export async function render(main, ctx) {
  ctx.title('Find a youth');
  const me = ctx.me;
  const shelter = me.agency.kind === 'shelter';
  const agencies = (await get('/api/v1/agencies')).data;
  const name = field({ label: 'Name or alias', name: 'name', mark: false,
    hint: 'Any part of a first or last name, or a street name, at least 2 letters each: “mar lop”.',
    attrs: { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none' } });
  const birth = field({ label: 'Birth date', name: 'birth_date', type: 'date', mark: false });
  const caseNo = field({ label: 'Case number', name: 'case_id', mark: false, hint: 'All of it, or 4 characters or more of it.',
    attrs: { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters' } });
  const area = field({ label: 'Area', name: 'area', type: 'select', options: [['', 'Any area'], ...areaOptions(agencies.areas)] });
  const status = field({ label: 'Cases', name: 'status', type: 'select', value: 'any',
    options: [['any', 'Open or closed'], ['open', 'Open'], ['closed', 'Closed']] });
  const overdue = field({ label: 'With a step of ours overdue', name: 'overdue', type: 'checkbox' });
  const mine = field({ label: 'Only cases I am the worker on', name: 'mine', type: 'checkbox' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Search');
  const form = h('form', { class: 'find card', role: 'search', novalidate: true, 'aria-label': 'Find a youth' },
    h('div', { class: 'pair' }, name.wrap, birth.wrap), caseNo.wrap,
    h('details', { class: 'more' }, h('summary', {}, 'Filters'), h('div', { class: 'pair' }, area.wrap, status.wrap),
      overdue.wrap, mine.wrap),
    formStatus(), h('div', { class: 'actions' }, submit));
  const found = h('p', { class: 'muted', role: 'status' });
  const results = h('ol', { class: 'results', 'aria-label': 'Youth found' });
  const listHeading = h('h2', {}, shelter ? 'Youth placed with us' : 'Our cases');
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
    found.textContent = !items.length ? 'Nobody found among the cases your agency takes part in.'
      : `${items.length} found${answer.truncated ? ' (the most recent shown: add to the search to narrow it)' : ''}.`;
    fill(results, items.map(resultItem));
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    const b = body();
    if (!Object.keys(b).length) {
      showProblem(form, { problem: { errors: [{ field: 'name', message: 'give a name, a birth date, a case number or a filter' }] } });
      return;
    }
    submit.disabled = true;
    setStatus(form, 'Searching…');
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
    listNote.textContent = items.length ? `${items.length} case${items.length === 1 ? '' : 's'}.` : 'No cases.';
    fill(list, items.map((c) => h('li', { class: 'result card', dataset: { case: c.id } },
      h('p', { class: 'result-head' }, h('a', { href: `/cases/${c.id}`, class: 'result-name' },
        c.youth?.sealed ? sealedLabel(c.youth) : c.youth?.initials || 'Youth', h('span', { class: 'visually-hidden' }, `, case ${c.id}`)),
      ' ', h('span', { class: `badge ${c.open ? 'badge-open' : 'badge-closed'}` }, c.open ? 'Open' : 'Closed')),
      h('p', { class: 'result-facts' }, h('span', { class: 'case-id' }, c.id),
        ` · age ${c.age} · ${STATUS[c.youth_status] ?? c.youth_status} · ${c.area} · identified ${fmtTime(c.identified_at)}`),
      c.worker ? h('p', { class: 'muted' }, `Our worker: ${c.worker.name}`) : null)));
  }

  fill(main,
    h('h1', {}, 'Find a youth'),
    h('p', { class: 'lead' }, 'Among the cases your agency takes part in. Every search is recorded.'),
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
