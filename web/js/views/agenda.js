// The agenda: my agency's deadlines, each case's MDT meeting, the hearings of our cases'
// minor witnesses and our on-call shifts, day by day in county time (GET /api/v1/agenda).
// The period and "only mine" live in the page's address, so a view can be bookmarked; a
// calendar app can follow the same agenda through a link made on "Your account".
import { get } from '../api.js';
import { clock, field, fill, fmtClockTime, fmtDay, fmtDue, fmtTime, h, KIND, now, toLocalInput } from '../dom.js';

const KINDS = { step: 'Deadline', mdt: 'MDT meeting', hearing: 'Hearing', shift: 'On call' };
const SPANS = [['7', 'A week'], ['14', 'Two weeks'], ['31', 'A month'], ['92', 'Three months']];
const HEARING = { preliminary: 'preliminary hearing', trial: 'trial', motion: 'motion hearing', other: 'hearing' };

const today = () => toLocalInput(now()).slice(0, 10);
function addDays(date, n) {
  const t = new Date(`${date}T12:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

function person(p) { return p ? p.name : 'nobody'; }

function itemView(it) {
  const what = h('div', { class: 'agenda-what' },
    h('span', { class: `kind kind-${it.kind}` }, KINDS[it.kind] ?? it.kind),
    h('span', { class: 'step-title' }, it.title),
    it.case_id ? h('a', { href: `/cases/${it.case_id}`, class: 'case-id' }, it.case_id) : null);
  const more = [];
  if (it.kind === 'step' || it.kind === 'mdt') {
    more.push(`due ${fmtDue(it.at)}`);
    if (it.step.owner) more.push(`owed by ${KIND[it.step.owner] ?? it.step.owner}`);
  } else if (it.kind === 'hearing') {
    more.push(`${fmtTime(it.at)}, ${HEARING[it.hearing.kind] ?? 'hearing'} at which the youth is a witness`);
    if (it.hearing.court) more.push(it.hearing.court);
  } else {
    more.push(`${fmtTime(it.at)} to ${fmtTime(it.ends_at)}`,
      `on call: ${person(it.shift.on_call)}`, it.shift.fallback ? `fallback: ${person(it.shift.fallback)}` : 'no fallback',
      `supervisor: ${person(it.shift.supervisor)}`);
  }
  if (it.area && it.area !== '*') more.push(`area ${it.area}`);
  if (it.worker) more.push(`worker: ${it.worker.name}`);
  return h('li', { class: `agenda-item card agenda-${it.kind}`, dataset: { kind: it.kind, case: it.case_id ?? '' } },
    h('div', { class: 'agenda-head' },
      h('span', { class: 'agenda-time' }, fmtClockTime(it.at)),
      what,
      it.step ? clock(it.step.opened_at, it.at) : null),
    h('p', { class: 'agenda-more' }, more.join(' · ')));
}

export async function render(main, ctx) {
  ctx.title('Agenda');
  if (!ctx.caps.staff) {
    fill(main, h('h1', {}, 'Agenda'), h('p', {}, 'The agenda is for the staff of agencies that work cases.'));
    return;
  }
  const q = new URLSearchParams(location.search);
  const from = /^\d{4}-\d{2}-\d{2}$/.test(q.get('from') ?? '') ? q.get('from') : today();
  const days = SPANS.some(([v]) => v === q.get('days')) ? q.get('days') : '14';
  const mine = q.get('mine') === '1';

  const start = field({ label: 'From', name: 'from', type: 'date', value: from, required: true });
  const span = field({ label: 'For', name: 'to', type: 'select', options: SPANS, value: days, required: true });
  const only = field({ label: 'Only my cases and my shifts', name: 'mine', type: 'checkbox', value: mine });
  const form = h('form', { class: 'card agenda-form', novalidate: true, 'aria-label': 'Which days' },
    h('div', { class: 'pair' }, start.wrap, span.wrap), only.wrap,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show')));
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
    h('h2', { id: `day-${day}` }, day === today() ? `Today, ${fmtDay(day)}` : fmtDay(day)),
    h('ol', { class: 'agenda' }, items.map(itemView))));
  fill(main,
    h('h1', {}, 'Agenda'),
    h('p', { class: 'lead' }, `${ctx.me.agency.name}${mine ? ', my cases and shifts' : ''}: deadlines, MDT meetings, hearings and on-call shifts from ${fmtDay(data.from)} to ${fmtDay(data.to)}, in county time.`),
    form,
    data.truncated ? h('p', { class: 'form-status warning', role: 'status' }, 'More than this screen can show: choose fewer days.') : null,
    list.length ? list : h('p', { class: 'muted' }, 'Nothing on the agenda for these days.'),
    h('p', { class: 'no-print' }, 'To see this agenda in your calendar app, make a calendar link on ',
      h('a', { href: '/account#calendar' }, 'Your account'), '.'));
}
