// The Board report (GET /api/v1/reports/board): a period and an area, the figures
// on screen from the JSON, and the CSV and HTML versions as downloads.
import { ApiError, get, request } from '../api.js';
import { clearMessages, field, fill, fmtSpan, fmtTime, formStatus, h, now, showProblem, toLocalInput } from '../dom.js';

// A quarter of the county's calendar (offset 0: this one, up to today), as YYYY-MM-DD.
function quarter(offset) {
  const today = toLocalInput(now()).slice(0, 10);
  const q = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + offset;
  const y = Number(today.slice(0, 4)) + Math.floor(q / 4), m = ((q % 4) + 4) % 4 * 3;
  const day = (yy, mm, dd) => new Date(Date.UTC(yy, mm, dd)).toISOString().slice(0, 10);
  const from = day(y, m, 1), to = day(y, m + 3, 0);
  return [from, to > today ? today : to];
}

// The arrests the guardrail refused in the period (oversight, and supervisors for their
// own agency): what was typed, how it was read, why it was refused.
async function refusedList(box, from, to) {
  const { data } = await get(`/api/v1/arrests/refused?${new URLSearchParams({ from, to })}`);
  const why = (x) => (x.refused === 'repealed' ? 'the offence was repealed' : 'SB 1322: a minor');
  fill(box, h('h2', {}, 'Refused arrest attempts'),
    data.items.length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['When', 'Agency', 'Area', 'Offense as written', 'Read as', 'Why refused', 'Age at the act']
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, data.items.map((x) => h('tr', {},
        h('td', {}, fmtTime(x.at)), h('td', {}, x.agency?.name ?? ''), h('td', {}, x.area),
        h('td', {}, x.offense ?? ''), h('td', {}, x.offense_cited ?? '—'), h('td', {}, why(x)),
        h('td', {}, x.age_at_act === null || x.age_at_act === undefined ? 'not known' : `${x.age_at_act} (${x.age_basis})`))))))
      : h('p', {}, 'None in this period.'),
    data.truncated ? h('p', { class: 'hint' }, 'Only the first 1000 are shown; choose a shorter period.') : null);
}

function value(v, type) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v; // "1-10" or "suppressed"
  if (type === 'share') return `${v.percent}% (${v.numerator} of ${v.denominator})`;
  if (type === 'median_seconds' || type === 'p90_seconds') return fmtSpan(v * 1000);
  if (type === 'mean_years' || type === 'min_years') return `${v} years`;
  return String(v);
}

function figureTable(fig, groups) {
  const cur = fig.values?.current ?? {}, prev = fig.values?.previous ?? {};
  return h('section', { class: 'figure', dataset: { figure: fig.key } },
    h('h3', {}, fig.title),
    fig.definition ? h('p', { class: 'hint' }, fig.definition) : null,
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''),
        fig.measures.map((m) => h('th', { scope: 'col' }, m.label)))),
      h('tbody', {}, groups.filter((g) => cur[g.key]).map((g) => h('tr', {},
        h('th', { scope: 'row' }, g.label),
        fig.measures.map((m) => h('td', {}, value(cur[g.key][m.key], m.type),
          prev[g.key] ? h('div', { class: 'hint' }, `previous: ${value(prev[g.key][m.key], m.type)}`) : null))))))));
}

export async function render(main, ctx) {
  ctx.title('Reports');
  if (!ctx.caps.reports) {
    fill(main, h('h1', {}, 'Board reports'), h('p', {}, 'Reports are for analysts, supervisors and oversight staff.'));
    return;
  }
  const [qFrom, qTo] = quarter(-1);
  const from = field({ label: 'From', name: 'from', type: 'date', required: true, value: qFrom });
  const to = field({ label: 'To', name: 'to', type: 'date', required: true, value: qTo });
  const area = field({ label: 'Area', name: 'area', type: 'select', options: [['', 'All areas']], mark: false });
  // small counts are for county-wide roles; an agency's supervisor always gets them suppressed
  const internal = ctx.me.role === 'analyst' || (ctx.me.agency.kind === 'oversight' && ctx.me.role !== 'admin');
  const pub = field({ label: 'Public release: suppress small counts', name: 'public', type: 'checkbox',
    value: !internal, attrs: internal ? {} : { disabled: true },
    hint: internal ? undefined : 'Counts from 1 to 10 are hidden in reports for agency supervisors, so that no figure points at another agency’s case.' });
  const picks = h('div', { class: 'actions' },
    [['Last quarter', quarter(-1)], ['This quarter so far', quarter(0)]].map(([label, [f, t]]) =>
      h('button', { type: 'button', class: 'secondary', onclick: () => { from.input.value = f; to.input.value = t; } }, label)));
  const show = h('button', { type: 'submit', class: 'primary' }, 'Show report');
  const csv = h('button', { type: 'button', class: 'secondary' }, 'Download CSV');
  const html = h('button', { type: 'button', class: 'secondary' }, 'Download HTML');
  const mayRefused = ctx.me.role === 'supervisor' || (ctx.me.agency.kind === 'oversight' && ctx.me.role === 'member');
  const refused = mayRefused ? h('button', { type: 'button', class: 'secondary' }, 'Refused arrest attempts') : null;
  const form = h('form', { class: 'card', novalidate: true }, formStatus(),
    h('fieldset', { class: 'field' }, h('legend', {}, 'Period (county days)'), picks, h('div', { class: 'pair' }, from.wrap, to.wrap)),
    area.wrap, pub.wrap, h('div', { class: 'actions' }, show, csv, html, refused));
  const out = h('div', { class: 'report', 'aria-live': 'polite' });
  const attempts = h('div', { class: 'report', 'aria-live': 'polite' });
  fill(main, h('h1', {}, 'Board report'),
    h('p', { class: 'lead' }, 'Figures by period, area and agency. Privileged and sensitive details never appear in reports.'),
    form, attempts, out);
  refused?.addEventListener('click', async () => {
    clearMessages(form);
    try {
      await refusedList(attempts, from.input.value, to.input.value);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) showProblem(form, e);
    }
  });

  get('/api/v1/agencies').then(({ data }) => {
    const areas = new Set();
    for (const a of data.items ?? []) for (const x of [a.home_area, ...(a.areas ?? [])]) if (x && x !== '*') areas.add(x);
    for (const x of [...areas].sort()) area.input.append(h('option', { value: x }, x));
  }).catch(() => { /* all areas still works */ });

  const query = (format) => {
    const p = new URLSearchParams({ from: from.input.value, to: to.input.value, format });
    if (area.input.value) p.set('area', area.input.value);
    if (pub.input.checked) p.set('public', '1');
    return `/api/v1/reports/board?${p}`;
  };

  // a download through fetch, so an ended session asks for the password in place
  async function download(format) {
    clearMessages(form);
    try {
      const res = await request('GET', query(format), { headers: { Accept: format === 'csv' ? 'text/csv' : 'text/html' } });
      const blob = new Blob([res.data], { type: res.headers.get('Content-Type') ?? 'application/octet-stream' });
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: `board-${from.input.value}-${to.input.value}${area.input.value ? `-${area.input.value}` : ''}.${format}` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) showProblem(form, e);
    }
  }
  csv.addEventListener('click', () => download('csv'));
  html.addEventListener('click', () => download('html'));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    show.disabled = true;
    try {
      const { data } = await get(query('json'));
      const sections = [];
      for (const f of data.figures ?? []) {
        let s = sections.find((x) => x.name === f.section);
        if (!s) sections.push(s = { name: f.section, figs: [] });
        s.figs.push(f);
      }
      fill(out,
        h('h2', {}, `${data.period.from} to ${data.period.to}${data.area ? ` · ${data.area}` : ''} · ${data.release}`),
        h('p', { class: 'hint' }, `Compared with ${data.previous_period.from} to ${data.previous_period.to}. Data as of ${data.data_as_of ?? 'now'}.`),
        data.suppression?.applied ? h('p', { class: 'hint' }, data.suppression.method) : null,
        h('p', {}, h('strong', {}, 'Stable means: '), data.stability_definition),
        sections.map((s) => [h('h2', {}, s.name), s.figs.map((f) => figureTable(f, data.groups ?? []))]));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404 && !e.problem?.errors?.length) {
        showProblem(form, { problem: { detail: 'This server does not offer Board reports yet.' } });
      } else if (!(e instanceof ApiError && e.status === 401)) {
        showProblem(form, e);
      }
    } finally {
      show.disabled = false;
    }
  });
}
