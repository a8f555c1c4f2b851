// A case: who the youth is (as far as this user may know), the agencies taking part,
// the steps with their clocks, the forms this user's agency may add, and the
// timeline (the API already leaves out the sections this user may not read).
import { ApiError, get, getAll, post } from '../api.js';
import {
  announce, clearMessages, clock, field, fmtDate, fmtTime, formStatus, fromLocalInput, h, KIND,
  inEnglish, lateEntryField, now, radios, SECTION, setStatus, showProblem, showWarnings, STATUS, toLocalInput, fill } from '../dom.js';
import { stepList } from '../steps.js';
import { workerControl } from '../assign.js';
import { sealedLabel } from './cases.js';
import { onItButton, unreachableWhy } from '../summons.js';
import { stepTitle, t, word } from '../i18n.js';

// Options in the user's language: [[code, label]] from a catalogue group.
const options = (group, codes) => codes.map((c) => [c, word(group, c)]);
const SETTINGS = ['home', 'relative', 'foster', 'shelter', 'group_home', 'str', 'hospital', 'detention', 'other'];
const CLOSE_REASONS = ['stable_services_ended', 'aged_out', 'moved_out_of_county', 'other'];
const SHOWN = new Set(['id', 'type', 'section', 'at', 'recorded_at', 'author', 'amends', 'amended_by', 'episode', 'deviation']);
const yesNo = (b) => (b ? t('case.yes') : t('case.no'));
const SETTLED = ['case_closed', 'not_applicable', 'step_done', 'step_waived'];

function notFound(main, id) {
  fill(main, h('h1', {}, t('case.title', { id })),
    h('p', { class: 'form-status error', role: 'alert' },
      t('case.not_shared')),
    h('p', {}, h('a', { href: '/' }, t('case.back'))));
}

export async function render(main, ctx) {
  const id = ctx.params[0];
  ctx.title(t('case.title', { id }));
  let c, events;
  const load = async () => {
    const [a, b] = await Promise.all([get(`/api/v1/cases/${encodeURIComponent(id)}`),
      getAll(`/api/v1/cases/${encodeURIComponent(id)}/events`)]);
    c = a.data;
    events = b;
  };
  try {
    await load();
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) { notFound(main, id); return; }
    throw e;
  }
  if (!ctx.current()) return;

  const badges = h('p', { class: 'badges' });
  const head = h('div', { class: 'case-head' });
  const steps = h('div');
  const witness = h('div', { id: 'witness' });
  const summoned = h('div');
  const timeline = h('ol', { class: 'timeline', reversed: true });
  // nothing is added to a sealed youth's case (the API refuses it: 409)
  const forms = c.youth?.sealed ? [] : buildForms(ctx, id, refresh);
  // the steps and their clocks lead (what a worker on a phone needs first); links jump to the rest
  const jumps = [['steps', t('case.steps')], ['youth', t('case.youth_agencies')], ['witness', t('case.witness')],
    forms.length && ['add', t('case.add')], ['timeline', t('case.timeline')], ['export', t('case.export')]].filter(Boolean);
  const jumpNav = h('nav', { class: 'jumps no-print', 'aria-label': t('case.on_page') },
    h('ul', {}, jumps.map(([to, label]) => h('li', { dataset: { to } }, h('a', { href: `#${to}` }, label))),
      h('li', {}, h('a', { href: `/cases/${id}/print`, dataset: { print: 'summary' } }, t('case.print'))),
      h('li', {}, h('a', { href: `/cases/${id}/youth`, dataset: { youth: '1' } }, t('case.youth_page')))));
  fill(main,
    h('h1', {}, t('case.case'), h('span', { class: 'case-id' }, id)),
    badges, jumpNav,
    h('h2', { id: 'steps', tabindex: '-1' }, t('case.steps_clocks')), steps, summoned,
    h('h2', { id: 'youth', tabindex: '-1' }, t('case.youth_agencies')), head, witness,
    forms.length ? [h('h2', { id: 'add', tabindex: '-1' }, t('case.add')), h('div', { class: 'forms' }, forms)] : null,
    h('h2', { id: 'timeline', tabindex: '-1' }, t('case.timeline')),
    h('p', { class: 'hint' }, t('case.newest')),
    timeline,
    h('h2', { id: 'export', tabindex: '-1', class: 'no-print' }, t('case.export')), exportForm(id));

  function paint() {
    fill(badges, caseBadges(c));
    fill(head, caseFacts(c),
      h('h3', {}, t('case.agencies')), agencyList(c, (a) => (a.active && c.open && a.id === ctx.me.agency.id && ctx.me.role !== 'admin'
        ? workerControl(ctx.me, id, a, () => refresh()) : null)),
      (c.deviations ?? []).length ? [h('h3', {}, t('case.deviations')), deviationList(c)] : null);
    jumpNav.querySelector('[data-to="witness"]').hidden = !witness.childElementCount;
    fill(steps, stepList(c.steps ?? [], { caseId: id, myKind: ctx.me.agency.kind, closed: !c.open,
      onDone: () => refresh() }));
    const titles = Object.fromEntries((c.steps ?? []).map((s) => [s.key, stepTitle(s.key, s.title)]));
    fill(timeline, ...[...events].reverse().map((e) => eventItem(e, titles, correction(e))));
    for (const f of forms) f.sync?.(c, events);
  }

  // "Correct" on an entry my agency made, when I have its form: the form opens filled
  // in, and saving records a new entry that amends it (the original is kept)
  function correction(e) {
    const box = forms.find((f) => f.dataset.form === e.type);
    if (!box?.amend || e.amended_by || e.author?.agency !== ctx.me.agency.name) return null;
    return h('button', { type: 'button', class: 'link', onclick: () => box.amend(e) }, t('case.correct'),
      h('span', { class: 'visually-hidden' }, t('case.correct_label', { what: word('event', e.type), when: fmtTime(e.at) })));
  }

  async function refresh() {
    try { await load(); } catch (e) { announce(e.message); return; }
    if (ctx.current()) paint();
    paintWitness();
    paintSummons();
  }

  // who was summoned, through what, and when they acknowledged (loaded after the rest)
  async function paintSummons() {
    try {
      const n = (await get(`/api/v1/cases/${encodeURIComponent(id)}/notifications`)).data;
      if (ctx.current()) fill(summoned, ...summonsSection(n, ctx.me, paintSummons));
    } catch { /* the rest of the page stands without it */ }
  }

  // the witness part, for agencies that see court matters (loaded after the rest)
  async function paintWitness() {
    if (!ctx.me.may.read.includes('court')) return;
    try {
      const { witnessSection } = await import('./witness.js');
      const sec = await witnessSection(id, ctx, refresh);
      if (!ctx.current()) return;
      fill(witness, ...(sec ? [sec] : []));
      jumpNav.querySelector('[data-to="witness"]').hidden = !sec;
    } catch { /* the rest of the page stands without it */ }
  }

  paint();
  paintWitness();
  paintSummons();
}

// The case's state at a glance: open or closed, missing now, a deviation awaiting review.
export function caseBadges(c) {
  return [h('span', { class: `badge ${c.open ? 'badge-open' : 'badge-closed'}` }, c.open ? t('case.open') : t('case.closed', { when: fmtTime(c.closed_at) })),
    c.missing?.now ? h('span', { class: 'badge badge-missing' }, t('case.missing_now')) : null,
    (c.deviations ?? []).some((d) => !d.reviewed) ? h('span', { class: 'badge badge-deviation' }, t('case.awaiting')) : null];
}

// Who the youth is, as far as the reader may know (the API leaves out the rest).
export function caseFacts(c) {
  const y = c.youth ?? {};
  const name = [y.first_name, y.last_name].filter(Boolean).join(' ');
  const facts = [
    [t('case.youth'), y.sealed ? sealedLabel(y) : name ? [name, y.name_confidential ? t('case.name_conf_suffix') : ''] :
      y.name_confidential ? t('case.name_conf') : t('case.no_name')],
    y.aliases?.length ? [t('case.aka'), y.aliases.join(', ')] : null,
    [t('case.age'), t('case.age_value', { age: y.age ?? '?', est: y.age_estimated ? t('case.estimated') : '' })],
    y.birth_date ? [t('case.birth'), fmtDate(`${y.birth_date}T12:00:00Z`)] : null,
    [t('case.status'), STATUS[c.youth_status] ?? c.youth_status],
    [t('case.area'), c.area],
    [t('case.identified'), t('case.identified_by', { when: fmtTime(c.identified_at), kind: KIND[c.identified_by?.kind] ?? KIND.law_enforcement })],
    [t('case.recovery'), [t('case.recovery_no', { n: c.recovery_number }), c.re_recovery ? t('case.re_recovery') : '',
      (c.other_recoveries ?? []).length ? [t('case.other_recoveries'),
        c.other_recoveries.map((o, i) => [i ? ', ' : '', h('a', { href: `/cases/${o.id}` }, o.id)])] : '']],
    [t('case.lead'), KIND[c.lead_agency_kind] ?? c.lead_agency_kind],
    c.indicators?.length ? [t('case.indicators'), c.indicators.join('; ')] : null,
    ...encounterFacts(c),
    [t('case.protocol'), `${c.protocol?.name} ${c.protocol?.version}`],
  ].filter(Boolean);
  return h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

// The agencies on the case with each one's named worker; control(a) adds what the reader
// may do about its own agency's worker (nothing in print).
export function agencyList(c, control = () => null) {
  return h('ul', { class: 'agencies' }, (c.agencies ?? []).map((a) => {
    const ctl = control(a);
    return h('li', { class: a.active ? '' : 'muted' },
      h('strong', {}, a.name), ` · ${KIND[a.kind] ?? a.kind}`,
      a.reason === 'identified' ? t('case.identified_youth') : '', a.active ? '' : t('case.no_longer'),
      a.worker ? t('case.worker', { name: a.worker.name }) : '', ctl ? [' ', ctl] : null);
  }));
}

export function deviationList(c) {
  return h('ul', { class: 'deviations' }, (c.deviations ?? []).map((d) => h('li', {},
    `${word('event', d.type)}, ${fmtTime(d.at)}: `,
    d.reviewed ? t('case.reviewed', { when: fmtTime(d.reviewed_at) }) : h('strong', {}, t('case.awaiting_review')))));
}



// "Acknowledge" on my agency's open summons that paged someone: it stops the repeats
// and the escalation (the message links to this page).
function ackControl(s, n, me, onAck) {
  if (s.acknowledged_at || s.agency?.id !== me.agency.id) return null;
  const msg = (n.notifications ?? []).filter((x) => x.summons_id === s.id).at(-1);
  if (!msg) return null;
  const b = h('button', { type: 'button', class: 'primary' }, t('case.acknowledge'),
    h('span', { class: 'visually-hidden' }, `: ${stepTitle(s.step, s.title)}`));
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await post(`/api/v1/notifications/${msg.id}/ack`, {});
      announce(t('case.acknowledged_x', { title: stepTitle(s.step, s.title) }));
      onAck();
    } catch (e) {
      b.disabled = false;
      b.after(h('span', { class: 'msg error', role: 'alert' }, e.message));
    }
  });
  return [' ', b];
}

function summonsSection(n, me, onAck) {
  const summons = n.summons ?? [];
  if (!summons.length) return [];
  const sent = (s) => (n.notifications ?? []).filter((x) => x.summons_id === s.id)
    .map((x) => t('case.sent', { who: x.recipient?.name ?? t('case.someone'), role: word('summons_role', x.role), channel: word('channel', x.channel) }) +
      (x.sent_at ? ` ${fmtTime(x.sent_at)}` : t('case.sent_status', { status: word('delivery', x.status) })));
  return [h('h2', {}, t('case.summoned')),
    h('ul', { class: 'summons' }, summons.map((s) => h('li', { dataset: { summons: String(s.id) } },
      h('strong', {}, s.agency?.name ?? KIND[s.agency?.kind] ?? ''), ` · ${stepTitle(s.step, s.title)}, ${fmtTime(s.created_at)}`,
      s.no_one_on_call && (s.acknowledged_at || s.reached) ? t('case.nobody_on_call') : '',
      sent(s).length ? [' · ', sent(s).join('; ')] : '',
      s.acknowledged_at && SETTLED.includes(s.acknowledged_how)
        ? [' · ', h('strong', {}, word('settled', s.acknowledged_how)), ` ${fmtTime(s.acknowledged_at)}`]
        : s.acknowledged_at
        ? [' · ', h('strong', {}, t('case.acknowledged')), t('case.by', { name: s.acknowledged_by?.name ?? t('case.the_agency'), when: fmtTime(s.acknowledged_at) })]
        : !s.reached
        ? [' · ', h('strong', { class: 'warn' }, t('case.nobody_paged', { why: unreachableWhy(s) })),
          s.agency?.id === me.agency.id ? [' ', onItButton(s, onAck)] : '']
        : [' · ', h('strong', {}, t('case.not_acknowledged')), s.stage ? t('case.escalated', { role: word('summons_role', s.role) }) : '',
          ackControl(s, n, me, onAck)])))];
}

// What the identification said of the encounter (where and the number: responders only).
function encounterFacts(c) {
  const e = c.encounter ?? {};
  const tel = (n) => h('a', { href: `tel:${n.replace(/[^\d+]/g, '')}` }, n);
  return [
    c.last_assault_at ? [t('case.last_assault'), fmtTime(c.last_assault_at)] : null,
    e.location ? [t('case.where_met'), e.location] : null,
    e.language || e.interpreter ? [t('case.language'), [e.language ?? t('case.not_noted'), e.interpreter ? t('case.needs_interpreter') : '']] : null,
    e.callback_number ? [t('case.callback'), tel(e.callback_number)] : null,
  ].filter(Boolean);
}

export function eventItem(e, titles, correct) {
  const lines = [];
  const add = (k, v) => { if (v !== undefined && v !== null && v !== '') lines.push([k, v]); };
  switch (e.type) {
    case 'identification':
      add(t('case.area'), e.area); add(t('case.status'), STATUS[e.youth_status] ?? e.youth_status);
      add(t('case.where'), e.location); add(t('case.language'), e.language); if (e.interpreter) add(t('case.interpreter'), t('case.needed'));
      add(t('case.callback_short'), e.callback_number);
      break;
    case 'step_done': case 'step_waived': add(t('case.step'), titles[e.step] ?? e.step); add(t('case.reason'), e.reason); break;
    case 'advocate_note':
      add(t('case.note'), e.text);
      if (e.confidentiality_explained) add(t('case.limits'), t('case.explained'));
      break;
    case 'placement':
      add(t('case.setting'), word('setting', e.setting)); add(t('case.described'), e.setting_detail);
      if (e.detention) add(t('case.detention'), t('case.deviation_yes'));
      add(t('case.justification'), e.justification);
      break;
    case 'arrest': case 'refused_arrest':
      add(t('case.offense_written'), e.offense); add(t('case.read_as'), e.offense_cited);
      add(t('case.prostitution'), yesNo(e.prostitution_related));
      add(t('case.act_time'), e.act_at && e.act_at !== e.at ? fmtTime(e.act_at) : null);
      add(t('case.age_at_act'), e.age_at_act === null || e.age_at_act === undefined
        ? t('case.not_known_u18') : `${e.age_at_act} (${e.age_basis})`);
      if (e.before_identification) add(t('case.before_id'), t('case.yes_word'));
      if (e.type === 'refused_arrest') add(t('case.refused'), e.refused === 'repealed' ? t('case.repealed') : t('case.sb1322'));
      add(t('case.justification'), e.justification);
      break;
    case 'exploiter_arrest':
      add(t('case.who'), e.role === 'buyer' ? t('case.buyer') : t('case.exploiter')); add(t('case.charge'), e.charge); add(t('case.person'), e.person); add(t('case.note'), e.note);
      break;
    case 'close': add(t('case.reason'), word('close_reason', e.reason)); add(t('case.explanation'), e.text); break;
    case 'stability_check':
      add(t('case.stable'), yesNo(e.stable));
      if ('safe_placement' in e) add(t('case.safe_placement'), yesNo(e.safe_placement));
      if ('engaged' in e) add(t('case.engaged'), yesNo(e.engaged));
      add(t('case.note'), e.note);
      break;
    case 'safety_plan': add(t('case.part'), word('plan_part', e.part)); add(t('case.text'), e.text); break;
    case 'agency_invited': add(t('case.agency'), KIND[e.agency_kind] ?? e.agency_kind); add(t('case.why'), e.reason); break;
    default:
      for (const [k, v] of Object.entries(e)) {
        // ids and codes say nothing to a person; the entry's title says what it is
        if (SHOWN.has(k) || typeof v === 'object' || /(_id|^kind)$/.test(k)) continue;
        const label = word('field', k);
        add(label !== k ? label : inEnglish(k.replace(/_/g, ' ').replace(/^./, (x) => x.toUpperCase())), typeof v === 'boolean' ? yesNo(v) : v);
      }
  }
  if (e.late_entry) {
    add(t('case.entered_late'), t('case.recorded_late', { when: fmtTime(e.recorded_at) }));
    add(t('case.why_late'), e.late_entry_reason);
  }
  return h('li', { class: `event${e.amended_by ? ' amended' : ''}`, dataset: { type: e.type, section: e.section } },
    h('p', { class: 'event-head' },
      h('strong', {}, word('event', e.type)), ' · ', h('time', { datetime: e.at }, fmtTime(e.at)),
      ' ', h('span', { class: `section section-${e.section}` }, SECTION[e.section] ?? e.section),
      e.deviation ? h('span', { class: 'badge badge-deviation' }, t('case.deviation')) : null),
    h('p', { class: 'event-by' }, e.transferred
      // written in the county the case came from (safeharbor case import)
      ? `${[e.transferred.author, e.transferred.agency].filter(Boolean).join(', ')} (${e.transferred.county ?? t('case.another_county')})`
      : [e.author?.name, e.author?.agency].filter(Boolean).join(', ')),
    lines.length ? h('dl', { class: 'event-data' }, lines.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))])) : null,
    e.amended_by ? h('p', { class: 'muted' }, t('case.corrected')) : null,
    e.amends ? h('p', { class: 'muted' }, t('case.corrects')) : null,
    correct);
}

// ---- the forms this user's agency may add ----

// The case as my agency may see it, for a court, a transfer or a records request: the
// server answers with the page (or the JSON document) in a new tab and audits the export
// with its reason (GET /api/v1/cases/{id}/export, docs/api.md).
function exportForm(id) {
  const reason = field({ name: 'reason', label: t('case.export_reason'), type: 'select', required: true,
    options: [['', t('case.choose')], ['court', t('case.export_court')], ['transfer', t('case.export_transfer')],
      ['records_request', t('case.export_records')]] });
  const note = field({ name: 'note', label: t('case.export_note'), required: true,
    hint: t('case.export_note_hint'), attrs: { maxlength: 120, autocomplete: 'off' } });
  const format = field({ name: 'format', label: t('case.export_format'), type: 'select', required: true,
    options: [['html', t('case.export_html')], ['json', t('case.export_json')]], value: 'html' });
  return h('form', { class: 'export no-print', method: 'get', target: '_blank', rel: 'noopener',
    action: `/api/v1/cases/${encodeURIComponent(id)}/export` },
  h('p', { class: 'hint' }, t('case.export_hint')),
  reason.wrap, note.wrap, format.wrap,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('case.export'))));
}

function buildForms(ctx, id, refresh) {
  if (!ctx.caps.staff) return [];
  const w = new Set(ctx.me.may.write);
  const noteSections = ctx.me.may.write.filter((s) => s !== 'advocacy');
  const list = [];
  if (w.has('advocacy')) {
    list.push(eventForm({ type: 'advocate_note', title: t('case.f_advocate'), id, refresh,
      hint: t('case.h_advocate'),
      fields: [
        { name: 'text', label: t('case.note'), type: 'textarea', required: true },
        { name: 'confidentiality_explained', label: t('case.explained_limits'), type: 'checkbox' },
      ] }));
  }
  if (w.has('placement')) {
    list.push(eventForm({ type: 'placement', title: t('case.placement'), id, refresh,
      fields: [
        { name: 'setting', label: t('case.setting'), type: 'select', required: true, options: options('setting', SETTINGS), value: 'shelter' },
        { name: 'setting_detail', label: t('case.setting_detail'), mark: false,
          hint: t('case.setting_hint') },
        { name: 'justification', label: t('case.justification_det'), type: 'textarea', mark: false,
          hint: t('case.det_hint') },
      ] }));
  }
  if (w.has('missing')) {
    const start = eventForm({ type: 'missing_start', title: t('case.f_missing'), id, refresh,
      hint: t('case.h_missing'),
      fields: [
        { name: 'learned_at', label: t('case.learned'), type: 'datetime-local', conv: 'time' },
        { name: 'note', label: t('case.note'), type: 'textarea' },
      ] });
    const end = eventForm({ type: 'missing_end', title: t('case.f_returned'), id, refresh,
      hint: t('case.h_returned'), fields: [{ name: 'note', label: t('case.note'), type: 'textarea' }] });
    start.sync = (c) => { start.hidden = !!c.missing?.now; };
    end.sync = (c) => { end.hidden = !c.missing?.now; };
    list.push(start, end);
  }
  if (w.has('core')) {
    // bring another agency in (the prosecutor, to list the youth as a witness)
    const invite = eventForm({ type: 'agency_invited', title: t('case.f_invite'), id, refresh,
      hint: t('case.h_invite'),
      fields: [
        { name: 'agency_id', label: t('case.agency'), type: 'select', required: true, options: [], conv: 'int' },
        { name: 'reason', label: t('case.why'), type: 'textarea', required: true },
      ] });
    let agencies = null;
    invite.sync = async (c) => {
      try {
        agencies ??= (await get('/api/v1/agencies')).data.items ?? [];
      } catch { agencies = []; }
      const on = new Set((c.agencies ?? []).filter((a) => a.active).map((a) => a.id));
      const choices = agencies.filter((a) => !a.disabled && !on.has(a.id));
      invite.hidden = !choices.length;
      fill(invite.querySelector('select[name="agency_id"]'), choices.map((a) =>
        h('option', { value: String(a.id) }, t('case.agency_kind', { name: a.name, kind: KIND[a.kind] ?? a.kind }))));
    };
    list.push(invite);
  }
  if (w.has('core') && ['child_welfare', 'probation'].includes(ctx.me.agency.kind)) {
    list.push(eventForm({ type: 'status_determined', title: t('case.f_status'), id, refresh,
      hint: t('case.h_status'),
      fields: [{ name: 'status', label: t('case.status_label'), type: 'select', required: true, options: Object.entries(STATUS) },
        { name: 'note', label: t('case.note'), type: 'textarea' }] }));
  }
  if (w.has('core')) {
    list.push(eventForm({ type: 'birth_date_verified', title: t('case.f_birth'), id, refresh,
      hint: t('case.h_birth'),
      fields: [{ name: 'birth_date', label: t('case.birth'), type: 'date', required: true },
        { name: 'document', label: t('case.from_doc') }] }));
  }
  if (w.has('medical')) {
    list.push(eventForm({ type: 'assault_disclosed', title: t('case.f_assault'), id, refresh,
      hint: t('case.h_assault'),
      fields: [{ name: 'last_assault_at', label: t('case.when_assault'), type: 'datetime-local', conv: 'time', required: true },
        { name: 'exam_consent', label: t('case.exam'), type: 'select',
          options: [['not_asked', t('case.not_asked')], ['consented', t('case.consented')], ['refused', t('case.refused_exam')]] },
        { name: 'note', label: t('case.note'), type: 'textarea' }] }));
  }
  if (w.has('services')) {
    list.push(eventForm({ type: 'stability_check', title: t('case.f_stability'), id, refresh,
      fields: [
        { radios: true, name: 'stable', legend: t('case.is_stable'), options: [['true', t('case.stable')], ['false', t('case.not_stable')]], conv: 'bool', required: true },
        { name: 'safe_placement', label: t('case.in_safe'), type: 'checkbox' },
        { name: 'engaged', label: t('case.engaged'), type: 'checkbox' },
        { name: 'note', label: t('case.note'), type: 'textarea' },
      ] }));
    list.push(eventForm({ type: 'screening', title: t('case.f_screening'), id, refresh,
      hint: t('case.h_screening'),
      fields: [
        { name: 'tool', label: t('case.tool'), required: true, value: 'CSE-IT' },
        { name: 'version', label: t('case.version') },
        { name: 'level', label: t('case.result'), type: 'select', required: true,
          options: [['no concern', t('case.no_concern')], ['possible concern', t('case.possible')], ['clear concern', t('case.clear')]] },
      ] }));
  }
  if (w.has('law_enforcement')) {
    list.push(eventForm({ type: 'arrest', title: t('case.f_arrest'), id, refresh,
      hint: t('case.h_arrest'),
      fields: [
        { name: 'offense', label: t('case.offense'), required: true, hint: t('case.offense_hint') },
        { name: 'act_at', label: t('case.act_at'), type: 'datetime-local', conv: 'time',
          hint: t('case.act_hint') },
        { name: 'justification', label: t('case.justification'), type: 'textarea', required: true, hint: t('case.why_hint') },
      ] }));
  }
  if (w.has('advocacy')) {
    // the only way a privileged note leaves the advocacy agency (Evid. Code 1038)
    const disclose = eventForm({ type: 'disclosure', title: t('case.f_disclose'), id, refresh,
      hint: t('case.h_disclose'),
      fields: [
        { name: 'event_id', label: t('case.privileged_note'), type: 'select', required: true, options: [], conv: 'int' },
        { radios: true, name: 'basis', legend: t('case.basis'), required: true,
          options: [['victim_consent', t('case.consented')], ['court_order', t('case.court_ordered')]] },
        { name: 'to_agency_id', label: t('case.to'), type: 'select', required: true, options: [], conv: 'int' },
        { name: 'note', label: t('case.record_consent'), type: 'textarea' },
      ] });
    disclose.sync = (c, events) => {
      const notes = events.filter((e) => e.type === 'advocate_note' && !e.amended_by);
      disclose.hidden = !notes.length;
      fill(disclose.querySelector('select[name="event_id"]'), notes.map((e) =>
        h('option', { value: String(e.id) }, `${fmtTime(e.at)}: ${String(e.text ?? '').slice(0, 40)}`)));
      fill(disclose.querySelector('select[name="to_agency_id"]'), (c.agencies ?? [])
        .filter((a) => a.active && a.id !== ctx.me.agency.id)
        .map((a) => h('option', { value: String(a.id) }, t('case.agency_kind', { name: a.name, kind: KIND[a.kind] ?? a.kind }))));
    };
    list.push(disclose);
  }
  if (w.has('law_enforcement')) {
    list.push(eventForm({ type: 'exploiter_arrest', title: t('case.f_exploiter'), id, refresh,
      hint: t('case.h_exploiter'),
      fields: [
        { name: 'role', label: t('case.who'), type: 'select', required: true, options: [['exploiter', t('case.exploiter')], ['buyer', t('case.buyer')]] },
        { name: 'charge', label: t('case.charge'), hint: t('case.charge_hint') },
        { name: 'person', label: t('case.person_arrested'), hint: t('case.person_hint') },
        { name: 'note', label: t('case.note'), type: 'textarea' },
      ] }));
  }
  if (w.has('core')) {
    // a step my agency owns that is not needed for this youth, with the reason
    const waive = eventForm({ type: 'step_waived', title: t('case.f_waive'), id, refresh,
      hint: t('case.h_waive'),
      fields: [
        { name: 'step', label: t('case.step'), type: 'select', required: true, options: [], conv: 'step' },
        { name: 'reason', label: t('case.reason'), type: 'textarea', required: true },
      ] });
    waive.sync = (c) => {
      const mine = (c.steps ?? []).filter((x) => x.state === 'pending' && x.owner === ctx.me.agency.kind);
      waive.hidden = !mine.length;
      fill(waive.querySelector('select[name="step"]'), mine.map((x) =>
        h('option', { value: `${x.key}:${x.episode ?? 0}` }, stepTitle(x.key, x.title))));
    };
    list.push(waive);
  }
  if (w.has('core') && ctx.me.role === 'supervisor') {
    // a deviation (an arrest, a detention) recorded by my agency, awaiting my review
    const review = eventForm({ type: 'deviation_review', title: t('case.f_review'), id, refresh,
      hint: t('case.h_review'),
      fields: [
        { name: 'event_id', label: t('case.deviation'), type: 'select', required: true, options: [], conv: 'int' },
        { name: 'note', label: t('case.review'), type: 'textarea', required: true },
      ] });
    review.sync = (c) => {
      const open = (c.deviations ?? []).filter((d) => !d.reviewed && d.agency_id === ctx.me.agency.id);
      review.hidden = !open.length;
      fill(review.querySelector('select[name="event_id"]'), open.map((d) =>
        h('option', { value: String(d.event_id) }, `${word('event', d.type)}, ${fmtTime(d.at)}`)));
    };
    list.push(review);
  }
  if (w.has('core')) {
    // closing and reopening belong to the lead agency
    const close = eventForm({ type: 'close', title: t('case.f_close'), id, refresh, lateEntry: true,
      hint: t('case.h_close'),
      fields: [
        { name: 'reason', label: t('case.reason'), type: 'select', required: true, options: options('close_reason', CLOSE_REASONS) },
        { name: 'text', label: t('case.explanation_other'), type: 'textarea', mark: false },
      ] });
    const reopen = eventForm({ type: 'reopen', title: t('case.f_reopen'), id, refresh,
      fields: [{ name: 'text', label: t('case.why'), type: 'textarea' }] });
    close.sync = (c) => { close.hidden = !c.open || c.lead_agency_kind !== ctx.me.agency.kind; };
    reopen.sync = (c) => { reopen.hidden = c.open || c.lead_agency_kind !== ctx.me.agency.kind; };
    list.push(close, reopen);
  }
  if (noteSections.length) {
    list.push(eventForm({ type: 'note', title: t('case.note'), id, refresh,
      fields: [
        { name: 'section', label: t('case.who_reads'), type: 'select', required: true,
          options: noteSections.map((s) => [s, SECTION[s] ?? s]), value: noteSections[0] },
        { name: 'text', label: t('case.note'), type: 'textarea', required: true },
      ] }));
  }
  return list;
}

function eventForm({ type, title, hint, fields, id, refresh, lateEntry = false }) {
  const at = field({ label: t('case.when'), name: 'at', type: 'datetime-local', required: true });
  const late = lateEntry ? lateEntryField(at.input) : null;
  const parts = fields.map((f) => ({ f, ...(f.radios ? radios(f) : field(f)) }));
  const submit = h('button', { type: 'submit', class: 'primary' }, t('case.save'));
  const form = h('form', { class: 'event-form', novalidate: true, dataset: { type } },
    hint ? h('p', { class: 'hint' }, hint) : null,
    parts.map((p) => p.wrap), at.wrap, late?.wrap, formStatus(), h('div', { class: 'actions' }, submit));
  const amending = h('p', { class: 'amending', hidden: true });
  form.prepend(amending);
  const box = h('details', { class: 'add card', dataset: { form: type } }, h('summary', {}, title), form);
  let amends = null;
  const stopAmending = () => { amends = null; amending.hidden = true; };
  box.amend = (e) => {
    amends = e.id;
    fill(amending, t('case.correcting', { when: fmtTime(e.at) }),
      h('button', { type: 'button', class: 'link', onclick: () => { stopAmending(); fresh(); } }, t('case.cancel_correction')));
    amending.hidden = false;
    at.input.value = toLocalInput(Date.parse(e.at));
    at.input.dataset.touched = '1';
    late?.sync();
    for (const p of parts) {
      const v = e[p.f.name];
      if (v === undefined || v === null) continue;
      if (p.f.radios) {
        const r = p.wrap.querySelector(`input[value="${CSS.escape(String(v))}"]`);
        if (r) r.checked = true;
      } else if (p.f.type === 'checkbox') p.input.checked = !!v;
      else if (p.f.conv === 'time') p.input.value = toLocalInput(Date.parse(v));
      else p.input.value = String(v);
    }
    box.hidden = false;
    box.open = true;
    box.scrollIntoView({ block: 'nearest' });
    (parts[0]?.input ?? at.input).focus();
  };
  const fresh = () => {
    at.input.value = toLocalInput(now()); at.input.max = toLocalInput(now() + 60000); delete at.input.dataset.touched;
    late?.sync();
  };
  fresh();
  at.input.addEventListener('input', () => { at.input.dataset.touched = '1'; });
  box.addEventListener('toggle', () => { if (box.open && !at.input.dataset.touched) fresh(); });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    const body = { type, at: fromLocalInput(at.input.value) };
    if (amends) body.amends = amends;
    if (late?.value()) body.late_entry_reason = late.value();
    const errs = [];
    if (!body.at) errs.push({ field: 'at', message: t('case.enter_time') });
    for (const p of parts) {
      const { f } = p;
      let v;
      if (f.radios) v = p.value();
      else if (f.type === 'checkbox') v = p.input.checked;
      else v = p.input.value.trim();
      if (f.conv === 'bool' && v !== null) v = v === 'true';
      if (f.conv === 'int' && v) v = Number(v);
      if (f.conv === 'time' && v) v = fromLocalInput(v);
      if (v === '' || v === null || v === undefined) {
        if (f.required) errs.push({ field: f.name, message: t('case.required') });
        continue;
      }
      if (f.conv === 'step') { // "key:episode"
        const [key, episode] = v.split(':');
        body.episode = Number(episode);
        v = key;
      }
      body[f.name] = v;
    }
    if (errs.length) { showProblem(form, { problem: { errors: errs } }); return; }
    submit.disabled = true;
    try {
      const { data } = await post(`/api/v1/cases/${encodeURIComponent(id)}/events`, body);
      for (const p of parts) {
        if (p.f.radios) continue;
        if (p.f.type === 'checkbox') p.input.checked = false;
        else if (p.f.type !== 'select' && p.f.name !== 'tool') p.input.value = '';
      }
      fresh();
      stopAmending();
      const warned = (data.warnings ?? []).length > 0;
      setStatus(form, warned ? t('case.saved_caution') : t('case.saved', { title }), warned ? 'warning' : 'ok');
      showWarnings(form, data.warnings);
      announce(warned ? t('case.saved_with', { message: data.warnings[0].message }) : t('case.saved', { title }));
      await refresh();
    } catch (e) {
      if (e.problem?.errors?.some((x) => x.field === 'late_entry_reason')) late?.show();
      if (!(e instanceof ApiError && e.status === 401)) showProblem(form, e);
    } finally {
      submit.disabled = false;
    }
  });
  return box;
}
