// The agenda: my agency's deadlines, each case's MDT meeting, the hearings of our cases'
// minor witnesses and our on-call shifts, day by day in county time (GET /api/v1/agenda).
// The period and "only mine" live in the page's address, so a view can be bookmarked; a
// calendar app can follow the same agenda through a link made on "Your account".
import { get } from '../api.js';
import { clock, field, fill, fmtClockTime, fmtDay, fmtDue, fmtTime, h, KIND, now, toLocalInput } from '../dom.js';
import { stepTitle, t, word } from '../i18n.js';

const SPANS = ['7', '14', '31', '92'];

const today = () => toLocalInput(now()).slice(0, 10);
function addDays(date, n) {
  const t = new Date(`${date}T12:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

function person(p) { return p ? p.name : t('agenda.nobody'); }

function itemView(it) {
  const what = h('div', { class: 'agenda-what' },
    h('span', { class: `kind kind-${it.kind}` }, word('agenda.kind', it.kind)),
    h('span', { class: 'step-title' }, it.step ? stepTitle(it.step.key, it.title)
      : it.hearing ? word('hearing_title', it.hearing.kind) : it.kind === 'shift' ? word('agenda.kind', 'shift') : it.title),
    it.case_id ? h('a', { href: `/cases/${it.case_id}`, class: 'case-id' }, it.case_id) : null);
  const more = [];
  if (it.kind === 'step' || it.kind === 'mdt') {
    more.push(t('agenda.due', { when: fmtDue(it.at) }));
    if (it.step.owner) more.push(t('agenda.owed_by', { kind: KIND[it.step.owner] ?? it.step.owner }));
  } else if (it.kind === 'hearing') {
    more.push(t('agenda.hearing', { when: fmtTime(it.at), kind: word('hearing_kind', it.hearing.kind) }));
    if (it.hearing.court) more.push(it.hearing.court);
  } else {
    more.push(t('agenda.span', { from: fmtTime(it.at), to: fmtTime(it.ends_at) }),
      t('agenda.on_call', { name: person(it.shift.on_call) }), it.shift.fallback ? t('agenda.fallback', { name: person(it.shift.fallback) }) : t('agenda.no_fallback'),
      t('agenda.supervisor', { name: person(it.shift.supervisor) }));
  }
  if (it.area && it.area !== '*') more.push(t('agenda.area', { area: it.area }));
  if (it.worker) more.push(t('agenda.worker', { name: it.worker.name }));
  return h('li', { class: `agenda-item card agenda-${it.kind}`, dataset: { kind: it.kind, case: it.case_id ?? '' } },
    h('div', { class: 'agenda-head' },
      h('span', { class: 'agenda-time' }, fmtClockTime(it.at)),
      what,
      it.step ? clock(it.step.opened_at, it.at) : null),
    h('p', { class: 'agenda-more' }, more.join(' · ')));
}

export async function render(main, ctx) {
  ctx.title(t('agenda.title'));
  if (!ctx.caps.staff) {
    fill(main, h('h1', {}, t('agenda.title')), h('p', {}, t('agenda.staff_only')));
    return;
  }
  const q = new URLSearchParams(location.search);
  const from = /^\d{4}-\d{2}-\d{2}$/.test(q.get('from') ?? '') ? q.get('from') : today();
  const days = SPANS.includes(q.get('days')) ? q.get('days') : '14';
  const mine = q.get('mine') === '1';

  const start = field({ label: t('agenda.from'), name: 'from', type: 'date', value: from, required: true });
  const span = field({ label: t('agenda.for'), name: 'to', type: 'select', options: SPANS.map((v) => [v, t(`agenda.span.${v}`)]), value: days, required: true });
  const only = field({ label: t('agenda.mine'), name: 'mine', type: 'checkbox', value: mine });
  const form = h('form', { class: 'card agenda-form', novalidate: true, 'aria-label': t('agenda.which') },
    h('div', { class: 'pair' }, start.wrap, span.wrap), only.wrap,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('agenda.show'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams({ from: start.input.value || today(), days: span.input.value });
    if (only.input.checked) p.set('mine', '1');
    ctx.navigate(`/agenda?${p}`);
  });
  const to = addDays(from, Number(days) - 1);
  const p = new URLSearchParams({ from, to });
  if (mine) p.set('mine', '1');
  const { data } = await get(`/api/v1/agenda?${p}`);
  if (!ctx.current()) return;

  // day by day, each day's items in time order (the server's order)
  const byDay = new Map();
  for (const it of data.items ?? []) {
    if (!byDay.has(it.day)) byDay.set(it.day, []);
    byDay.get(it.day).push(it);
  }
  const list = [...byDay].map(([day, items]) => h('section', { class: 'agenda-day', 'aria-labelledby': `day-${day}` },
    h('h2', { id: `day-${day}` }, day === today() ? t('agenda.today', { day: fmtDay(day) }) : fmtDay(day)),
    h('ol', { class: 'agenda' }, items.map(itemView))));
  fill(main,
    h('h1', {}, t('agenda.title')),
    h('p', { class: 'lead' }, t('agenda.lead', { agency: ctx.me.agency.name, mine: mine ? t('agenda.lead_mine') : '', from: fmtDay(data.from), to: fmtDay(data.to) })),
    form,
    data.truncated ? h('p', { class: 'form-status warning', role: 'status' }, t('agenda.truncated')) : null,
    list.length ? list : h('p', { class: 'muted' }, t('agenda.nothing')),
    h('p', { class: 'no-print' }, t('agenda.calendar'),
      h('a', { href: '/account#calendar' }, t('agenda.your_account')), '.'));
}
