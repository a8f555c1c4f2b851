// Pages to print (the browser's "Print" makes the PDF): a case summary with what the
// reader may see, a minor witness's safety plan, and the court packet for a witness
// (eligibility with its reasons, the notice, the plan, the advocate). Every read behind
// them is audited as a print (purpose=print: case.print, events.print, witness.print).
import { ApiError, get, getAll } from '../api.js';
import { fill, fmtDate, fmtDue, fmtTime, h, now } from '../dom.js';
import { stepList } from '../steps.js';
import { agencyList, caseBadges, caseFacts, deviationList, eventItem } from './case.js';
import { planPart, rulesTable } from './witness.js';

const PAGES = {
  summary: 'Case summary',
  plan: 'Safety plan',
  court: 'Court packet for a minor witness',
};

// Who printed it, when, and what the paper is: on every page printed.
function banner(ctx, id) {
  return [
    h('p', { class: 'print-meta' }, `Case ${id} · printed ${fmtTime(new Date(now()).toISOString())} by ${ctx.me.display_name} (${ctx.me.agency.name})`),
    h('p', { class: 'print-notice' }, 'Confidential: the record of a child victim, shared under WIC 18961.7 for the First ' +
      'Responder Protocol. It shows only what your agency may see. Do not copy or pass it on; shred it when done.'),
  ];
}

function toolbar(id) {
  const print = h('button', { type: 'button', class: 'primary' }, 'Print');
  print.addEventListener('click', () => window.print());
  return h('div', { class: 'actions no-print' }, print, h('a', { href: `/cases/${id}`, class: 'button' }, 'Back to the case'));
}

function witnessHead(w) {
  return h('h2', {}, `${w.court_case_number} · listed ${fmtDate(w.listed_at)}`);
}

function advocate(w) {
  return h('p', {}, h('strong', {}, 'Advocate: '), w.advocate
    ? [w.advocate.name, ` (${w.advocate.agency})`, w.advocate.contact ? ` · ${w.advocate.contact}` : '']
    : h('strong', { class: 'no' }, 'none assigned yet'));
}

// The hearings, each with its written notice (due, served) and plan review.
function hearings(w) {
  const items = w.items ?? [];
  if (!(w.hearings ?? []).length) return h('p', {}, 'No hearing set yet.');
  return h('ul', { class: 'hearings' }, w.hearings.map((hr) => h('li', {},
    h('strong', {}, `${hr.kind} hearing, ${fmtTime(hr.at)}`),
    items.filter((s) => s.episode === hr.id && s.key !== 'witness_advocate' && s.key !== 'cctv_motion_deadline').map((s) =>
      h('div', {}, `${s.title}: `, s.state === 'done' ? `done ${fmtTime(s.done_at)}` : s.state === 'pending'
        ? `due ${fmtDue(s.due_at)}${s.overdue ? ' (overdue)' : ''}` : s.state)))));
}

async function summary(main, ctx, id) {
  const q = 'purpose=print';
  const [{ data: c }, events] = await Promise.all([get(`/api/v1/cases/${encodeURIComponent(id)}?${q}`),
    getAll(`/api/v1/cases/${encodeURIComponent(id)}/events?${q}`)]);
  const titles = Object.fromEntries((c.steps ?? []).map((s) => [s.key, stepTitle(s.key, s.title)]));
  return [
    h('p', { class: 'badges' }, caseBadges(c)),
    h('h2', {}, 'Youth'), caseFacts(c),
    h('h2', {}, 'Agencies taking part'), agencyList(c),
    (c.deviations ?? []).length ? [h('h2', {}, 'Protocol deviations'), deviationList(c)] : null,
    h('h2', {}, 'Steps'), stepList(c.steps ?? [], { closed: !c.open }),
    h('h2', {}, 'Timeline'),
    h('p', { class: 'hint' }, 'Oldest first. Entries your agency may not read are not shown.'),
    h('ol', { class: 'timeline' }, events.map((e) => eventItem(e, titles, null))),
  ];
}

async function witnesses(id) {
  const { data } = await get(`/api/v1/cases/${encodeURIComponent(id)}/witness?purpose=print`);
  return data;
}

async function plan(main, ctx, id) {
  const data = await witnesses(id);
  if (!(data.witnesses ?? []).length) return [h('p', {}, 'The youth is not listed as a witness.')];
  return data.witnesses.map((w) => h('section', { class: 'print-witness' }, witnessHead(w),
    h('p', {}, `The youth is ${data.youth_label}.`), advocate(w), planPart(w, { all: true })));
}

async function court(main, ctx, id) {
  const data = await witnesses(id);
  if (!(data.witnesses ?? []).length) return [h('p', {}, 'The youth is not listed as a witness.')];
  return data.witnesses.map((w) => h('section', { class: 'print-witness' }, witnessHead(w),
    h('p', {}, `The youth is ${data.youth_label}. Charges: ${(w.charges ?? []).join(', ')}.`),
    advocate(w),
    h('h3', {}, 'Closed-circuit testimony: eligibility'),
    w.eligibility ? [h('p', {}, `Judged on ${fmtDate(`${w.eligibility.motion_date}T12:00:00Z`)}`,
      w.eligibility.motion_filed ? ' (the date of the motion filed)' : ' (today: no motion filed yet)',
      w.eligibility.birth_date_estimated ? '; the birth date is estimated' : '', '. The court makes its own findings.'),
    rulesTable(w.eligibility.rules)] : h('p', {}, 'No eligibility rules are loaded.'),
    (w.cctv_motions ?? []).length ? h('p', {}, 'Motions: ', w.cctv_motions.map((m) => `${m.rule} ${m.outcome} ${fmtDate(m.at)}`).join('; ')) : null,
    (w.warnings ?? []).map((x) => h('p', { class: 'no' }, x)),
    h('h3', {}, 'Hearings, written notice and plan review'), hearings(w),
    (w.items ?? []).filter((s) => s.key === 'cctv_motion_deadline' && s.state === 'pending').map((s) =>
      h('p', {}, `Last day a motion can be dated: ${fmtDate(s.due_at)}.`)),
    planPart(w, { all: true })));
}

export async function render(main, ctx) {
  const [id, kind = 'summary'] = ctx.params;
  ctx.title(`${PAGES[kind]} · ${id}`);
  let body;
  try {
    body = await { summary, plan, court }[kind](main, ctx, id);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
      fill(main, h('h1', {}, `${PAGES[kind]}, case ${id}`),
        h('p', { class: 'form-status error', role: 'alert' }, 'No such case, or it is not shared with your agency.'));
      return;
    }
    throw e;
  }
  if (!ctx.current()) return;
  fill(main, h('article', { class: 'print-page' },
    toolbar(id),
    h('h1', {}, `${PAGES[kind]}, case `, h('span', { class: 'case-id' }, id)),
    banner(ctx, id), body));
}
