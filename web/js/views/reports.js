// The Board report (GET /api/v1/reports/board): a period picker and an area; on screen
// the charts of the printable HTML page (format=charts: the server draws them, the same
// SVG as the export), the county's key figures, and every figure by area and agency
// folded by section; a print view; the CSV and HTML versions as downloads. The period
// shown is kept in the address, so a reload or a shared link shows the same report.
import { ApiError, get, getDocument, request } from '../api.js';
import { clearMessages, field, fill, fmtSpan, fmtTime, formStatus, h, now, showProblem, stack, toLocalInput } from '../dom.js';
import { stepTitle, t, word } from '../i18n.js';

const day = (y, m, d) => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);

// The county's calendar periods, as [from, to] (YYYY-MM-DD), never past today.
function periods() {
  const today = toLocalInput(now()).slice(0, 10);
  const y = Number(today.slice(0, 4)), m = Number(today.slice(5, 7)) - 1, q = Math.floor(m / 3) * 3;
  const upTo = ([f, to]) => [f, to > today ? today : to];
  return [
    ['last_quarter', t('reports.last_quarter'), upTo([day(y, q - 3, 1), day(y, q, 0)])],
    ['quarter', t('reports.quarter'), upTo([day(y, q, 1), day(y, q + 3, 0)])],
    ['last_month', t('reports.last_month'), upTo([day(y, m - 1, 1), day(y, m, 0)])],
    ['month', t('reports.month'), upTo([day(y, m, 1), day(y, m + 1, 0)])],
    ['last_year', t('reports.last_year'), upTo([day(y - 1, 0, 1), day(y - 1, 11, 31)])],
    ['year', t('reports.year'), upTo([day(y, 0, 1), day(y, 11, 31)])],
  ];
}

// The arrests the guardrail refused in the period (oversight, and supervisors for their
// own agency): what was typed, how it was read, why it was refused.
async function refusedList(box, from, to) {
  const { data } = await get(`/api/v1/arrests/refused?${new URLSearchParams({ from, to })}`);
  const why = (x) => (x.refused === 'repealed' ? t('reports.repealed') : t('reports.sb1322'));
  fill(box, h('h2', {}, t('reports.refused')),
    data.items.length ? h('div', { class: 'table-wrap' }, stack(h('table', {},
      h('thead', {}, h('tr', {}, [t('reports.refused_cols'), t('reports.agency'), t('reports.area'), t('reports.offense'), t('reports.read_as'), t('reports.why'), t('reports.age_at_act')]
        .map((label) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, data.items.map((x) => h('tr', {},
        h('td', {}, fmtTime(x.at)), h('td', {}, x.agency?.name ?? ''), h('td', {}, x.area),
        h('td', {}, x.offense ?? ''), h('td', {}, x.offense_cited ?? '—'), h('td', {}, why(x)),
        h('td', {}, x.age_at_act === null || x.age_at_act === undefined ? t('reports.not_known') : `${x.age_at_act} (${x.age_basis})`)))))))
      : h('p', {}, t('reports.none')),
    data.truncated ? h('p', { class: 'hint' }, t('reports.first_1000')) : null);
}

function value(v, type) {
  if (v === null || v === undefined) return '—';
  if (v === 'suppressed') return t('reports.suppressed');
  if (typeof v === 'string') return v; // "1-10"
  if (type === 'share') return t('reports.share', { percent: v.percent, numerator: v.numerator, denominator: v.denominator });
  if (type === 'median_seconds' || type === 'p90_seconds') return fmtSpan(v * 1000);
  if (type === 'mean_years' || type === 'min_years') return t('reports.years', { n: v });
  return String(v);
}

// One figure, a row per area or agency: this period, the previous one below it.
function figureTable(fig, groups) {
  const cur = fig.values?.current ?? {}, prev = fig.values?.previous ?? {};
  return h('section', { class: 'figure', dataset: { figure: fig.key } },
    h('h4', {}, fig.title),
    fig.definition ? h('p', { class: 'hint' }, fig.definition) : null,
    h('div', { class: 'table-wrap' }, stack(h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('reports.area_or_agency')),
        fig.measures.map((m) => h('th', { scope: 'col' }, m.label)))),
      h('tbody', {}, groups.filter((g) => cur[g.key]).map((g) => h('tr', {},
        h('th', { scope: 'row' }, g.label),
        fig.measures.map((m) => h('td', {}, value(cur[g.key][m.key], m.type),
          prev[g.key] ? h('span', { class: 'prev' }, t('reports.previous', { value: value(prev[g.key][m.key], m.type) })) : null)))))))));
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
    h('h2', {}, t('reports.key')),
    h('div', { class: 'table-wrap' }, stack(h('table', { class: 'key' },
      h('thead', {}, h('tr', {}, [t('reports.figure'), t('reports.this_period'), t('reports.previous_period')].map((label) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, rows)))),
    steps.length ? [h('h3', {}, t('reports.steps')),
      h('div', { class: 'table-wrap' }, stack(h('table', { class: 'key' },
        h('thead', {}, h('tr', {}, [t('reports.step'), t('reports.due'), t('reports.on_time'), t('reports.on_time_before'), t('reports.median')].map((label) => h('th', { scope: 'col' }, label)))),
        h('tbody', {}, steps.map((f) => {
          const m = Object.fromEntries(f.measures.map((x) => [x.key, x]));
          return h('tr', {}, h('th', { scope: 'row' }, stepTitle(f.key.slice(5), f.title)), h('td', {}, all(f, 'current', m.due)),
            h('td', {}, all(f, 'current', m.on_time)), h('td', {}, all(f, 'previous', m.on_time)),
            h('td', {}, all(f, 'current', m.median)));
        })))))] : null,
  ];
}

export async function render(main, ctx) {
  ctx.title(t('reports.title'));
  if (!ctx.caps.reports) {
    fill(main, h('h1', {}, t('reports.board_reports')), h('p', {}, t('reports.for_whom')));
    return;
  }
  const presets = periods();
  const asked = new URLSearchParams(location.search);
  const from = field({ label: t('reports.from'), name: 'from', type: 'date', required: true, value: asked.get('from') ?? presets[0][2][0] });
  const to = field({ label: t('reports.to'), name: 'to', type: 'date', required: true, value: asked.get('to') ?? presets[0][2][1] });
  const pick = field({ label: t('reports.period'), name: 'period', type: 'select', mark: false,
    options: [...presets.map(([k, l]) => [k, l]), ['custom', t('reports.other')]] });
  const syncPick = () => {
    pick.input.value = presets.find(([, , [f, until]]) => f === from.input.value && until === to.input.value)?.[0] ?? 'custom';
  };
  syncPick();
  pick.input.addEventListener('change', () => {
    const p = presets.find(([k]) => k === pick.input.value);
    if (p) [from.input.value, to.input.value] = p[2];
  });
  from.input.addEventListener('input', syncPick);
  to.input.addEventListener('input', syncPick);
  const area = field({ label: t('reports.area'), name: 'area', type: 'select', options: [['', t('reports.all_areas')]], mark: false });
  // small counts are for county-wide roles; an agency's supervisor always gets them suppressed
  const internal = ctx.me.role === 'analyst' || (ctx.me.agency.kind === 'oversight' && ctx.me.role !== 'admin');
  const pub = field({ label: t('reports.public'), name: 'public', type: 'checkbox',
    value: internal ? asked.get('public') === '1' : true, attrs: internal ? {} : { disabled: true },
    hint: internal ? undefined : t('reports.public_hint') });
  const show = h('button', { type: 'submit', class: 'primary' }, t('reports.show'));
  const print = h('button', { type: 'button', class: 'secondary', hidden: true }, t('reports.print'));
  const csv = h('button', { type: 'button', class: 'secondary' }, t('reports.csv'));
  const html = h('button', { type: 'button', class: 'secondary' }, t('reports.html'));
  const mayRefused = ctx.me.role === 'supervisor' || (ctx.me.agency.kind === 'oversight' && ctx.me.role === 'member');
  const refused = mayRefused ? h('button', { type: 'button', class: 'secondary' }, t('reports.refused')) : null;
  const form = h('form', { class: 'card no-print', novalidate: true }, formStatus(),
    h('fieldset', { class: 'field' }, h('legend', {}, t('reports.county_days')), pick.wrap,
      h('div', { class: 'pair' }, from.wrap, to.wrap)),
    area.wrap, pub.wrap, h('div', { class: 'actions' }, show, print, csv, html, refused));
  const out = h('div', { class: 'report', 'aria-live': 'polite' });
  const attempts = h('div', { class: 'report' });
  fill(main, h('h1', {}, t('reports.board_report')),
    h('p', { class: 'lead' }, t('reports.lead')),
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
      const charts = h('div', { class: 'charts-box' }, h('p', { class: 'muted' }, t('reports.drawing')));
      fill(out,
        h('h2', { class: 'report-title' }, t('reports.heading', { from: data.period.from, to: data.period.to, area: data.area ? ` · ${data.area}` : t('reports.all_areas_tail'), release: word('release', data.release) })),
        h('p', { class: 'hint' }, t('reports.compared', { from: data.previous_period.from, to: data.previous_period.to, asof: data.data_as_of ?? t('reports.now') })),
        data.suppression?.applied ? h('p', { class: 'hint' }, data.suppression.method) : null,
        h('p', {}, h('strong', {}, t('reports.stable')), data.stability_definition),
        h('h2', {}, t('reports.charts')), charts,
        keyFigures(data.figures ?? []),
        h('h2', {}, t('reports.by_area')),
        h('p', { class: 'hint no-print' }, t('reports.open_section')),
        sections.map((s) => h('details', { class: 'report-section card' }, h('summary', {}, s.name),
          s.figs.map((f) => figureTable(f, data.groups ?? [])))));
      print.hidden = false;
      getDocument(query('charts')).then((doc) => {
        const svg = document.importNode(doc.documentElement, true);
        if (ctx.current()) fill(charts, svg);
      }).catch(() => fill(charts, h('p', { class: 'muted' }, t('reports.no_charts'))));
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
