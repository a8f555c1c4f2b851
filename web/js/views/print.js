// Pages to print (the browser's "Print" makes the PDF): a case summary with what the
// reader may see, a minor witness's safety plan, and the court packet for a witness
// (eligibility with its reasons, the notice, the plan, the advocate). Every read behind
// them is audited as a print (purpose=print: case.print, events.print, witness.print).
import { ApiError, get, getAll } from '../api.js';
import { fill, fmtDate, fmtDue, fmtTime, h, now } from '../dom.js';
import { stepList } from '../steps.js';
import { agencyList, caseBadges, caseFacts, deviationList, eventItem } from './case.js';
import { planPart, rulesTable } from './witness.js';
import { stepTitle, t, word } from '../i18n.js';

const page = (kind) => t(`print.page.${kind}`);

// Who printed it, when, and what the paper is: on every page printed.
function banner(ctx, id) {
  return [
    h('p', { class: 'print-meta' }, t('print.meta', { id, when: fmtTime(new Date(now()).toISOString()), name: ctx.me.display_name, agency: ctx.me.agency.name })),
    h('p', { class: 'print-notice' }, t('print.notice')),
  ];
}

function toolbar(id) {
  const print = h('button', { type: 'button', class: 'primary' }, t('print.print'));
  print.addEventListener('click', () => window.print());
  return h('div', { class: 'actions no-print' }, print, h('a', { href: `/cases/${id}`, class: 'button' }, t('print.back')));
}

function witnessHead(w) {
  return h('h2', {}, t('print.listed', { number: w.court_case_number, date: fmtDate(w.listed_at) }));
}

function advocate(w) {
  return h('p', {}, h('strong', {}, t('print.advocate')), w.advocate
    ? [w.advocate.name, ` (${w.advocate.agency})`, w.advocate.contact ? ` · ${w.advocate.contact}` : '']
    : h('strong', { class: 'no' }, t('print.no_advocate')));
}

// The hearings, each with its written notice (due, served) and plan review.
function hearings(w) {
  const items = w.items ?? [];
  if (!(w.hearings ?? []).length) return h('p', {}, t('print.no_hearing'));
  return h('ul', { class: 'hearings' }, w.hearings.map((hr) => h('li', {},
    h('strong', {}, t('print.hearing', { kind: word('hearing_title', hr.kind), when: fmtTime(hr.at) })),
    items.filter((s) => s.episode === hr.id && s.key !== 'witness_advocate' && s.key !== 'cctv_motion_deadline').map((s) =>
      h('div', {}, t('print.item', { title: stepTitle(s.key, s.title) }), s.state === 'done' ? t('print.done', { when: fmtTime(s.done_at) }) : s.state === 'pending'
        ? t('print.due', { when: fmtDue(s.due_at), late: s.overdue ? t('print.overdue') : '' }) : s.state)))));
}

async function summary(main, ctx, id) {
  const q = 'purpose=print';
  const [{ data: c }, events] = await Promise.all([get(`/api/v1/cases/${encodeURIComponent(id)}?${q}`),
    getAll(`/api/v1/cases/${encodeURIComponent(id)}/events?${q}`)]);
  const titles = Object.fromEntries((c.steps ?? []).map((s) => [s.key, stepTitle(s.key, s.title)]));
  return [
    h('p', { class: 'badges' }, caseBadges(c)),
    h('h2', {}, t('print.youth')), caseFacts(c),
    h('h2', {}, t('print.agencies')), agencyList(c),
    (c.deviations ?? []).length ? [h('h2', {}, t('print.deviations')), deviationList(c)] : null,
    h('h2', {}, t('print.steps')), stepList(c.steps ?? [], { closed: !c.open }),
    h('h2', {}, t('print.timeline')),
    h('p', { class: 'hint' }, t('print.oldest')),
    h('ol', { class: 'timeline' }, events.map((e) => eventItem(e, titles, null))),
  ];
}

async function witnesses(id) {
  const { data } = await get(`/api/v1/cases/${encodeURIComponent(id)}/witness?purpose=print`);
  return data;
}

async function plan(main, ctx, id) {
  const data = await witnesses(id);
  if (!(data.witnesses ?? []).length) return [h('p', {}, t('print.not_witness'))];
  return data.witnesses.map((w) => h('section', { class: 'print-witness' }, witnessHead(w),
    h('p', {}, t('witness.youth_is', { label: data.youth_label.startsWith('named') ? t('witness.named') : t('witness.doe') })), advocate(w), planPart(w, { all: true })));
}

async function court(main, ctx, id) {
  const data = await witnesses(id);
  if (!(data.witnesses ?? []).length) return [h('p', {}, t('print.not_witness'))];
  return data.witnesses.map((w) => h('section', { class: 'print-witness' }, witnessHead(w),
    h('p', {}, t('print.youth_charges', { label: data.youth_label.startsWith('named') ? t('witness.named') : t('witness.doe'), charges: (w.charges ?? []).join(', ') })),
    advocate(w),
    h('h3', {}, t('print.cctv')),
    w.eligibility ? [h('p', {}, t('print.judged', { date: fmtDate(`${w.eligibility.motion_date}T12:00:00Z`) }),
      w.eligibility.motion_filed ? t('print.motion_filed') : t('print.today'),
      w.eligibility.birth_date_estimated ? t('print.estimated') : '', t('print.findings')),
    rulesTable(w.eligibility.rules)] : h('p', {}, t('print.no_rules')),
    (w.cctv_motions ?? []).length ? h('p', {}, t('print.motions'), w.cctv_motions.map((m) => t('witness.motion_line', { rule: m.rule, outcome: word('motion_outcome', m.outcome), date: fmtDate(m.at) })).join('; ')) : null,
    (w.warnings ?? []).map((x) => h('p', { class: 'no' }, x)),
    h('h3', {}, t('print.hearings')), hearings(w),
    (w.items ?? []).filter((s) => s.key === 'cctv_motion_deadline' && s.state === 'pending').map((s) =>
      h('p', {}, t('print.last_day', { date: fmtDate(s.due_at) }))),
    planPart(w, { all: true })));
}

export async function render(main, ctx) {
  const [id, kind = 'summary'] = ctx.params;
  ctx.title(t('print.title', { page: page(kind), id }));
  let body;
  try {
    body = await { summary, plan, court }[kind](main, ctx, id);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
      fill(main, h('h1', {}, t('print.h1_case', { page: page(kind), id })),
        h('p', { class: 'form-status error', role: 'alert' }, t('print.not_shared')));
      return;
    }
    throw e;
  }
  if (!ctx.current()) return;
  fill(main, h('article', { class: 'print-page' },
    toolbar(id),
    h('h1', {}, t('print.h1', { page: page(kind) }), h('span', { class: 'case-id' }, id)),
    banner(ctx, id), body));
}
