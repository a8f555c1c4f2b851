// The Board report (GET /api/v1/reports/board): a period picker and an area; on screen
// the charts of the printable HTML page (format=charts: the server draws them, the same
// SVG as the export), the county's key figures, and every figure by area and agency
// folded by section; a print view; the CSV and HTML versions as downloads. The period
// shown is kept in the address, so a reload or a shared link shows the same report.
import { ApiError, get, getDocument, request } from '../api.js';
import { clearMessages, field, fill, fmtSpan, fmtTime, formStatus, h, now, showProblem, stack, toLocalInput } from '../dom.js';

const day = (y, m, d) => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);

// The county's calendar periods, as [from, to] (YYYY-MM-DD), never past today.
function periods() {
  const today = toLocalInput(now()).slice(0, 10);
  const y = Number(today.slice(0, 4)), m = Number(today.slice(5, 7)) - 1, q = Math.floor(m / 3) * 3;
  const upTo = ([f, t]) => [f, t > today ? today : t];
  return [
    ['last_quarter', 'Last quarter', upTo([day(y, q - 3, 1), day(y, q, 0)])],
    ['quarter', 'This quarter so far', upTo([day(y, q, 1), day(y, q + 3, 0)])],
    ['last_month', 'Last month', upTo([day(y, m - 1, 1), day(y, m, 0)])],
    ['month', 'This month so far', upTo([day(y, m, 1), day(y, m + 1, 0)])],
    ['last_year', 'Last year', upTo([day(y - 1, 0, 1), day(y - 1, 11, 31)])],
    ['year', 'This year so far', upTo([day(y, 0, 1), day(y, 11, 31)])],
  ];
}

// The arrests the guardrail refused in the period (oversight, and supervisors for their
// own agency): what was typed, how it was read, why it was refused.
async function refusedList(box, from, to) {
  const { data } = await get(`/api/v1/arrests/refused?${new URLSearchParams({ from, to })}`);
  const why = (x) => (x.refused === 'repealed' ? 'the offence was repealed' : 'SB 1322: a minor');
  fill(box, h('h2', {}, 'Refused arrest attempts'),
    data.items.length ? h('div', { class: 'table-wrap' }, stack(h('table', {},
      h('thead', {}, h('tr', {}, ['When', 'Agency', 'Area', 'Offense as written', 'Read as', 'Why refused', 'Age at the act']
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, data.items.map((x) => h('tr', {},
        h('td', {}, fmtTime(x.at)), h('td', {}, x.agency?.name ?? ''), h('td', {}, x.area),
        h('td', {}, x.offense ?? ''), h('td', {}, x.offense_cited ?? '—'), h('td', {}, why(x)),
        h('td', {}, x.age_at_act === null || x.age_at_act === undefined ? 'not known' : `${x.age_at_act} (${x.age_basis})`)))))))
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

// One figure, a row per area or agency: this period, the previous one below it.
function figureTable(fig, groups) {
  const cur = fig.values?.current ?? {}, prev = fig.values?.previous ?? {};
  return h('section', { class: 'figure', dataset: { figure: fig.key } },
    h('h4', {}, fig.title),
    fig.definition ? h('p', { class: 'hint' }, fig.definition) : null,
    h('div', { class: 'table-wrap' }, stack(h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Area or agency'),
        fig.measures.map((m) => h('th', { scope: 'col' }, m.label)))),
      h('tbody', {}, groups.filter((g) => cur[g.key]).map((g) => h('tr', {},
        h('th', { scope: 'row' }, g.label),
        fig.measures.map((m) => h('td', {}, value(cur[g.key][m.key], m.type),
          prev[g.key] ? h('span', { class: 'prev' }, ` previous: ${value(prev[g.key][m.key], m.type)}`) : null)))))))));
}

// The county's figures at a glance: every measure of every figure for all areas (the
// steps in a table of their own), this period beside the previous one.
function keyFigures(figs) {
  const all = (f, p, m) => value(f.values?.[p]?.all?.[m.key], m.type);
  const steps = figs.filter((f) => f.key.startsWith('step.'));
  const rows = figs.filter((f) => !f.key.startsWith('step.') && !['gender', 'race_ethnicity'].includes(f.key))
    .flatMap((f) => f.measures.filter((m) => f.key !== 'age_at_first_recovery' || /years/.test(m.type))
      .map((m, i, ms) => h('tr', {}, h('th', { scope: 'row' }, ms.length > 1 ? `${f.title}: ${m.label}` : f.title),
        h('td', {}, all(f, 'current', m)), h('td', {}, all(f, 'previous', m)))));
  return [
    h('h2', {}, 'Key figures, all areas'),
    h('div', { class: 'table-wrap' }, stack(h('table', { class: 'key' },
      h('thead', {}, h('tr', {}, ['Figure', 'This period', 'Previous period'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)))),
    steps.length ? [h('h3', {}, 'Protocol steps, all areas'),
      h('div', { class: 'table-wrap' }, stack(h('table', { class: 'key' },
        h('thead', {}, h('tr', {}, ['Step', 'Due', 'On time', 'On time before', 'Median time'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, steps.map((f) => {
          const m = Object.fromEntries(f.measures.map((x) => [x.key, x]));
          return h('tr', {}, h('th', { scope: 'row' }, f.title), h('td', {}, all(f, 'current', m.due)),
            h('td', {}, all(f, 'current', m.on_time)), h('td', {}, all(f, 'previous', m.on_time)),
            h('td', {}, all(f, 'current', m.median)));
        })))))] : null,
  ];
}

export async function render(main, ctx) {
  ctx.title('Reports');
  if (!ctx.caps.reports) {
    fill(main, h('h1', {}, 'Board reports'), h('p', {}, 'Reports are for analysts, supervisors and oversight staff.'));
    return;
  }
  const presets = periods();
  const asked = new URLSearchParams(location.search);
  const from = field({ label: 'From', name: 'from', type: 'date', required: true, value: asked.get('from') ?? presets[0][2][0] });
  const to = field({ label: 'To', name: 'to', type: 'date', required: true, value: asked.get('to') ?? presets[0][2][1] });
  const pick = field({ label: 'Period', name: 'period', type: 'select', mark: false,
    options: [...presets.map(([k, l]) => [k, l]), ['custom', 'Other dates']] });
  const syncPick = () => {
    pick.input.value = presets.find(([, , [f, t]]) => f === from.input.value && t === to.input.value)?.[0] ?? 'custom';
  };
  syncPick();
  pick.input.addEventListener('change', () => {
    const p = presets.find(([k]) => k === pick.input.value);
    if (p) [from.input.value, to.input.value] = p[2];
  });
  from.input.addEventListener('input', syncPick);
  to.input.addEventListener('input', syncPick);
  const area = field({ label: 'Area', name: 'area', type: 'select', options: [['', 'All areas']], mark: false });
  // small counts are for county-wide roles; an agency's supervisor always gets them suppressed
  const internal = ctx.me.role === 'analyst' || (ctx.me.agency.kind === 'oversight' && ctx.me.role !== 'admin');
  const pub = field({ label: 'Public release: suppress small counts', name: 'public', type: 'checkbox',
    value: internal ? asked.get('public') === '1' : true, attrs: internal ? {} : { disabled: true },
    hint: internal ? undefined : 'Counts from 1 to 10 are hidden in reports for agency supervisors, so that no figure points at another agency’s case.' });
  const show = h('button', { type: 'submit', class: 'primary' }, 'Show report');
  const print = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Print');
  const csv = h('button', { type: 'button', class: 'secondary' }, 'Download CSV');
  const html = h('button', { type: 'button', class: 'secondary' }, 'Download HTML');
  const mayRefused = ctx.me.role === 'supervisor' || (ctx.me.agency.kind === 'oversight' && ctx.me.role === 'member');
  const refused = mayRefused ? h('button', { type: 'button', class: 'secondary' }, 'Refused arrest attempts') : null;
  const form = h('form', { class: 'card no-print', novalidate: true }, formStatus(),
    h('fieldset', { class: 'field' }, h('legend', {}, 'Period (county days)'), pick.wrap,
      h('div', { class: 'pair' }, from.wrap, to.wrap)),
    area.wrap, pub.wrap, h('div', { class: 'actions' }, show, print, csv, html, refused));
  const out = h('div', { class: 'report', 'aria-live': 'polite' });
  const attempts = h('div', { class: 'report' });
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
    for (const x of [...areas].sort()) area.input.append(h('option', { value: x, selected: x === asked.get('area') }, x));
  }).catch(() => { /* all areas still works */ });

  const params = (format) => {
    const p = new URLSearchParams({ from: from.input.value, to: to.input.value });
    if (format) p.set('format', format);
    if (area.input.value) p.set('area', area.input.value);
    if (pub.input.checked && internal) p.set('public', '1');
    return p;
  };
  const query = (format) => `/api/v1/reports/board?${params(format)}`;

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

  // printing shows every section, open or folded on screen
  const folded = [];
  const beforePrint = () => {
    for (const d of out.querySelectorAll('details:not([open])')) { folded.push(d); d.open = true; }
  };
  const afterPrint = () => { for (const d of folded.splice(0)) d.open = false; };
  window.addEventListener('beforeprint', beforePrint);
  window.addEventListener('afterprint', afterPrint);
  print.addEventListener('click', () => window.print());

  async function showReport() {
    clearMessages(form);
    show.disabled = true;
    try {
      const { data } = await get(query('json'));
      history.replaceState(null, '', `/reports?${params()}`);
      const sections = [];
      for (const f of data.figures ?? []) {
        let s = sections.find((x) => x.name === f.section);
        if (!s) sections.push(s = { name: f.section, figs: [] });
        s.figs.push(f);
      }
      const charts = h('div', { class: 'charts-box' }, h('p', { class: 'muted' }, 'Drawing the charts…'));
      fill(out,
        h('h2', { class: 'report-title' }, `${data.period.from} to ${data.period.to}${data.area ? ` · ${data.area}` : ' · all areas'} · ${data.release} release`),
        h('p', { class: 'hint' }, `Compared with ${data.previous_period.from} to ${data.previous_period.to}. Data as of ${data.data_as_of ?? 'now'}.`),
        data.suppression?.applied ? h('p', { class: 'hint' }, data.suppression.method) : null,
        h('p', {}, h('strong', {}, 'Stable means: '), data.stability_definition),
        h('h2', {}, 'Charts'), charts,
        keyFigures(data.figures ?? []),
        h('h2', {}, 'By area and identifying agency'),
        h('p', { class: 'hint no-print' }, 'Open a section to see its figures for every area and agency.'),
        sections.map((s) => h('details', { class: 'report-section card' }, h('summary', {}, s.name),
          s.figs.map((f) => figureTable(f, data.groups ?? [])))));
      print.hidden = false;
      getDocument(query('charts')).then((doc) => {
        if (ctx.current()) fill(charts, document.importNode(doc.documentElement, true));
      }).catch(() => fill(charts, h('p', { class: 'muted' }, 'The charts could not be loaded; the figures below carry the same data.')));
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) showProblem(form, e);
    } finally {
      show.disabled = false;
    }
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); showReport(); });
  if (asked.get('from') && asked.get('to')) showReport();
  return () => {
    window.removeEventListener('beforeprint', beforePrint);
    window.removeEventListener('afterprint', afterPrint);
  };
}
