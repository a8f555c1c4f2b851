// A case: who the youth is (as far as this user may know), the agencies taking part,
// the steps with their clocks, the forms this user's agency may add, and the
// timeline (the API already leaves out the sections this user may not read).
import { ApiError, get, getAll, post } from '../api.js';
import {
  announce, clearMessages, clock, field, fmtDate, fmtTime, formStatus, fromLocalInput, h, KIND,
  lateEntryField, now, radios, SECTION, setStatus, showProblem, showWarnings, STATUS, toLocalInput, fill } from '../dom.js';
import { stepList } from '../steps.js';
import { PARTS } from './witness.js';
import { workerControl } from '../assign.js';
import { onItButton, unreachableWhy } from '../summons.js';

const EVENT = {
  identification: 'Identified', step_done: 'Step done', step_waived: 'Step waived', note: 'Note',
  advocate_note: 'Advocate note', arrest: 'Arrest', placement: 'Placement',
  missing_start: 'Went missing', missing_end: 'Returned from missing', screening: 'Screening',
  stability_check: 'Stability check', exploiter_arrest: 'Exploiter or buyer arrested',
  refused_arrest: 'Arrest refused (SB 1322)', status_determined: 'Youth status determined',
  birth_date_verified: 'Birth date verified', assault_disclosed: 'Assault disclosed',
  deviation_review: 'Deviation reviewed', disclosure: 'Disclosure of a privileged note',
  close: 'Case closed', reopen: 'Case reopened', name_confidentiality: 'Name confidentiality (PC 293)',
  agency_invited: 'Agency brought in', witness_listed: 'Listed as a minor witness',
  witness_advocate: 'Advocate assigned to the witness', safety_plan: 'Safety plan part written',
  safety_plan_signoff: 'Safety plan signed off', safety_plan_review: 'Safety plan reviewed before a hearing',
  cctv_motion: 'Closed-circuit testimony motion', notice_served: 'Written notice served',
};
const SETTINGS = [['home', 'Home'], ['relative', 'Relative'], ['foster', 'Foster home'], ['shelter', 'Shelter'],
  ['group_home', 'Group home'], ['str', 'Short-term residential therapeutic program'], ['hospital', 'Hospital'],
  ['detention', 'Detention (a protocol deviation)'], ['other', 'Other']];
const SETTING = Object.fromEntries(SETTINGS);
const CLOSE_REASONS = [['stable_services_ended', 'Stable, services ended'], ['aged_out', 'Aged out'],
  ['moved_out_of_county', 'Moved out of the county'], ['other', 'Other']];
const CLOSE_REASON = Object.fromEntries(CLOSE_REASONS);
const SHOWN = new Set(['id', 'type', 'section', 'at', 'recorded_at', 'author', 'amends', 'amended_by', 'episode', 'deviation']);
const yesNo = (b) => (b ? 'yes' : 'no');
const PART_LABEL = Object.fromEntries(PARTS);

function notFound(main, id) {
  fill(main, h('h1', {}, `Case ${id}`),
    h('p', { class: 'form-status error', role: 'alert' },
      'No such case, or it is not shared with your agency.'),
    h('p', {}, h('a', { href: '/' }, 'Back to the start')));
}

export async function render(main, ctx) {
  const id = ctx.params[0];
  ctx.title(`Case ${id}`);
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
  const forms = buildForms(ctx, id, refresh);
  // the steps and their clocks lead (what a worker on a phone needs first); links jump to the rest
  const jumps = [['steps', 'Steps'], ['youth', 'Youth and agencies'], ['witness', 'Witness'],
    forms.length && ['add', 'Add to the record'], ['timeline', 'Timeline']].filter(Boolean);
  const jumpNav = h('nav', { class: 'jumps no-print', 'aria-label': 'On this page' },
    h('ul', {}, jumps.map(([to, label]) => h('li', { dataset: { to } }, h('a', { href: `#${to}` }, label))),
      h('li', {}, h('a', { href: `/cases/${id}/print`, dataset: { print: 'summary' } }, 'Print a summary'))));
  fill(main,
    h('h1', {}, 'Case ', h('span', { class: 'case-id' }, id)),
    badges, jumpNav,
    h('h2', { id: 'steps', tabindex: '-1' }, 'Steps and clocks'), steps, summoned,
    h('h2', { id: 'youth', tabindex: '-1' }, 'Youth and agencies'), head, witness,
    forms.length ? [h('h2', { id: 'add', tabindex: '-1' }, 'Add to the record'), h('div', { class: 'forms' }, forms)] : null,
    h('h2', { id: 'timeline', tabindex: '-1' }, 'Timeline'),
    h('p', { class: 'hint' }, 'Newest first. Entries from sections your agency may not read are not shown.'),
    timeline);

  function paint() {
    fill(badges, caseBadges(c));
    fill(head, caseFacts(c),
      h('h3', {}, 'Agencies taking part'), agencyList(c, (a) => (a.active && c.open && a.id === ctx.me.agency.id && ctx.me.role !== 'admin'
        ? workerControl(ctx.me, id, a, () => refresh()) : null)),
      (c.deviations ?? []).length ? [h('h3', {}, 'Protocol deviations'), deviationList(c)] : null);
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
    return h('button', { type: 'button', class: 'link', onclick: () => box.amend(e) }, 'Correct',
      h('span', { class: 'visually-hidden' }, ` this entry: ${EVENT[e.type] ?? e.type}, ${fmtTime(e.at)}`));
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
  return [h('span', { class: `badge ${c.open ? 'badge-open' : 'badge-closed'}` }, c.open ? 'Open' : `Closed ${fmtTime(c.closed_at)}`),
    c.missing?.now ? h('span', { class: 'badge badge-missing' }, 'Missing now') : null,
    (c.deviations ?? []).some((d) => !d.reviewed) ? h('span', { class: 'badge badge-deviation' }, 'Deviation awaiting review') : null];
}

// Who the youth is, as far as the reader may know (the API leaves out the rest).
export function caseFacts(c) {
  const y = c.youth ?? {};
  const name = [y.first_name, y.last_name].filter(Boolean).join(' ');
  const facts = [
    ['Youth', name ? [name, y.name_confidential ? ' (name confidential, PC 293)' : ''] :
      y.name_confidential ? 'Name confidential (PC 293)' : 'No name given or not shown to your agency'],
    y.aliases?.length ? ['Also known as', y.aliases.join(', ')] : null,
    ['Age', `${y.age}${y.age_estimated ? ' (estimated)' : ''}`],
    y.birth_date ? ['Birth date', fmtDate(`${y.birth_date}T12:00:00Z`)] : null,
    ['Youth status', STATUS[c.youth_status] ?? c.youth_status],
    ['Area', c.area],
    ['Identified', `${fmtTime(c.identified_at)} by ${KIND[c.identified_by?.kind] ?? 'law enforcement'}`],
    ['Recovery', [`number ${c.recovery_number}`, c.re_recovery ? ' (re-recovery)' : '',
      (c.other_recoveries ?? []).length ? [' · other recoveries: ',
        c.other_recoveries.map((o, i) => [i ? ', ' : '', h('a', { href: `/cases/${o.id}` }, o.id)])] : '']],
    ['Lead agency', KIND[c.lead_agency_kind] ?? c.lead_agency_kind],
    c.indicators?.length ? ['Indicators', c.indicators.join('; ')] : null,
    ...encounterFacts(c),
    ['Protocol', `${c.protocol?.name} ${c.protocol?.version}`],
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
      a.reason === 'identified' ? ' · identified the youth' : '', a.active ? '' : ' · no longer taking part',
      a.worker ? ` · worker: ${a.worker.name}` : '', ctl ? [' ', ctl] : null);
  }));
}

export function deviationList(c) {
  return h('ul', { class: 'deviations' }, (c.deviations ?? []).map((d) => h('li', {},
    `${EVENT[d.type] ?? d.type}, ${fmtTime(d.at)}: `,
    d.reviewed ? `reviewed ${fmtTime(d.reviewed_at)}` : h('strong', {}, 'awaiting a supervisor’s review'))));
}

const ROLE = { on_call: 'on call', fallback: 'fallback', supervisor: 'supervisor' };
// how a summons ended, when not by someone acknowledging the message itself
const SETTLED = { case_closed: 'stopped: the case was closed', not_applicable: 'stopped: the step no longer applies',
  step_done: 'answered: the step was done', step_waived: 'stopped: the step was waived' };

// "Acknowledge" on my agency's open summons that paged someone: it stops the repeats
// and the escalation (the message links to this page).
function ackControl(s, n, me, onAck) {
  if (s.acknowledged_at || s.agency?.id !== me.agency.id) return null;
  const msg = (n.notifications ?? []).filter((x) => x.summons_id === s.id).at(-1);
  if (!msg) return null;
  const b = h('button', { type: 'button', class: 'primary' }, 'Acknowledge',
    h('span', { class: 'visually-hidden' }, `: ${s.title}`));
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await post(`/api/v1/notifications/${msg.id}/ack`, {});
      announce(`Acknowledged: ${s.title}.`);
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
    .map((x) => `${x.recipient?.name ?? 'someone'} (${ROLE[x.role] ?? x.role}) by ${x.channel}` +
      (x.sent_at ? ` ${fmtTime(x.sent_at)}` : ` (${x.status})`));
  return [h('h2', {}, 'Summoned'),
    h('ul', { class: 'summons' }, summons.map((s) => h('li', { dataset: { summons: String(s.id) } },
      h('strong', {}, s.agency?.name ?? KIND[s.agency?.kind] ?? ''), ` · ${s.title}, ${fmtTime(s.created_at)}`,
      s.no_one_on_call && (s.acknowledged_at || s.reached) ? ' · nobody was on call' : '',
      sent(s).length ? [' · ', sent(s).join('; ')] : '',
      s.acknowledged_at && SETTLED[s.acknowledged_how]
        ? [' · ', h('strong', {}, SETTLED[s.acknowledged_how]), ` ${fmtTime(s.acknowledged_at)}`]
        : s.acknowledged_at
        ? [' · ', h('strong', {}, 'acknowledged'), ` by ${s.acknowledged_by?.name ?? 'the agency'} ${fmtTime(s.acknowledged_at)}`]
        : !s.reached
        ? [' · ', h('strong', { class: 'warn' }, `Nobody could be paged: ${unreachableWhy(s)}`),
          s.agency?.id === me.agency.id ? [' ', onItButton(s, onAck)] : '']
        : [' · ', h('strong', {}, 'not acknowledged'), s.stage ? ` (escalated to the ${ROLE[s.role] ?? s.role})` : '',
          ackControl(s, n, me, onAck)])))];
}

// What the identification said of the encounter (where and the number: responders only).
function encounterFacts(c) {
  const e = c.encounter ?? {};
  const tel = (n) => h('a', { href: `tel:${n.replace(/[^\d+]/g, '')}` }, n);
  return [
    c.last_assault_at ? ['Last assault', fmtTime(c.last_assault_at)] : null,
    e.location ? ['Where the youth was met', e.location] : null,
    e.language || e.interpreter ? ['Language', [e.language ?? 'not noted', e.interpreter ? ' (needs an interpreter)' : '']] : null,
    e.callback_number ? ['Officer’s call-back number', tel(e.callback_number)] : null,
  ].filter(Boolean);
}

export function eventItem(e, titles, correct) {
  const lines = [];
  const add = (k, v) => { if (v !== undefined && v !== null && v !== '') lines.push([k, v]); };
  switch (e.type) {
    case 'identification':
      add('Area', e.area); add('Youth status', STATUS[e.youth_status] ?? e.youth_status);
      add('Where', e.location); add('Language', e.language); if (e.interpreter) add('Interpreter', 'needed');
      add('Call-back number', e.callback_number);
      break;
    case 'step_done': case 'step_waived': add('Step', titles[e.step] ?? e.step); add('Reason', e.reason); break;
    case 'advocate_note':
      add('Note', e.text);
      if (e.confidentiality_explained) add('Limits of confidentiality', 'explained to the youth');
      break;
    case 'placement':
      add('Setting', SETTING[e.setting] ?? e.setting); add('Described as', e.setting_detail);
      if (e.detention) add('Detention', 'yes: a protocol deviation');
      add('Justification', e.justification);
      break;
    case 'arrest': case 'refused_arrest':
      add('Offense as written', e.offense); add('Read as', e.offense_cited);
      add('Prostitution-related', yesNo(e.prostitution_related));
      add('Time of the act', e.act_at && e.act_at !== e.at ? fmtTime(e.act_at) : null);
      add('Age at the act', e.age_at_act === null || e.age_at_act === undefined
        ? 'not known: treated as under 18' : `${e.age_at_act} (${e.age_basis})`);
      if (e.before_identification) add('Before the identification', 'yes');
      if (e.type === 'refused_arrest') add('Refused', e.refused === 'repealed' ? 'the offence was repealed' : 'SB 1322: a minor');
      add('Justification', e.justification);
      break;
    case 'exploiter_arrest':
      add('Who', e.role === 'buyer' ? 'Buyer' : 'Exploiter'); add('Charge', e.charge); add('Person', e.person); add('Note', e.note);
      break;
    case 'close': add('Reason', CLOSE_REASON[e.reason] ?? e.reason); add('Explanation', e.text); break;
    case 'stability_check':
      add('Stable', yesNo(e.stable));
      if ('safe_placement' in e) add('Safe placement', yesNo(e.safe_placement));
      if ('engaged' in e) add('Engaged with the advocate', yesNo(e.engaged));
      add('Note', e.note);
      break;
    case 'safety_plan': add('Part', PART_LABEL[e.part] ?? e.part); add('Text', e.text); break;
    case 'agency_invited': add('Agency', KIND[e.agency_kind] ?? e.agency_kind); add('Why', e.reason); break;
    default:
      for (const [k, v] of Object.entries(e)) {
        // ids and codes say nothing to a person; the entry's title says what it is
        if (SHOWN.has(k) || typeof v === 'object' || /(_id|^kind)$/.test(k)) continue;
        add(k.replace(/_/g, ' ').replace(/^./, (x) => x.toUpperCase()), typeof v === 'boolean' ? yesNo(v) : v);
      }
  }
  if (e.late_entry) {
    add('Entered late', `recorded ${fmtTime(e.recorded_at)}; the clocks count it then`);
    add('Why late', e.late_entry_reason);
  }
  return h('li', { class: `event${e.amended_by ? ' amended' : ''}`, dataset: { type: e.type, section: e.section } },
    h('p', { class: 'event-head' },
      h('strong', {}, EVENT[e.type] ?? e.type), ' · ', h('time', { datetime: e.at }, fmtTime(e.at)),
      ' ', h('span', { class: `section section-${e.section}` }, SECTION[e.section] ?? e.section),
      e.deviation ? h('span', { class: 'badge badge-deviation' }, 'Deviation') : null),
    h('p', { class: 'event-by' }, [e.author?.name, e.author?.agency].filter(Boolean).join(', ')),
    lines.length ? h('dl', { class: 'event-data' }, lines.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))])) : null,
    e.amended_by ? h('p', { class: 'muted' }, 'Corrected by a later entry.') : null,
    e.amends ? h('p', { class: 'muted' }, 'Corrects an earlier entry.') : null,
    correct);
}

// ---- the forms this user's agency may add ----

function buildForms(ctx, id, refresh) {
  if (!ctx.caps.staff) return [];
  const w = new Set(ctx.me.may.write);
  const noteSections = ctx.me.may.write.filter((s) => s !== 'advocacy');
  const list = [];
  if (w.has('advocacy')) {
    list.push(eventForm({ type: 'advocate_note', title: 'Advocate note (privileged)', id, refresh,
      hint: 'Privileged (Evid. Code 1038): never shown to law enforcement or the prosecutor without the youth’s consent or a court order.',
      fields: [
        { name: 'text', label: 'Note', type: 'textarea', required: true },
        { name: 'confidentiality_explained', label: 'I explained the limits of confidentiality to the youth', type: 'checkbox' },
      ] }));
  }
  if (w.has('placement')) {
    list.push(eventForm({ type: 'placement', title: 'Placement', id, refresh,
      fields: [
        { name: 'setting', label: 'Setting', type: 'select', required: true, options: SETTINGS, value: 'shelter' },
        { name: 'setting_detail', label: 'What the placement is (required when the setting is Other)', mark: false,
          hint: 'Juvenile hall, a probation camp or a jail is a detention placement, whatever the setting chosen.' },
        { name: 'justification', label: 'Justification (required for detention)', type: 'textarea', mark: false,
          hint: 'Detention is a protocol deviation a supervisor reviews: say why in a sentence or two.' },
      ] }));
  }
  if (w.has('missing')) {
    const start = eventForm({ type: 'missing_start', title: 'Youth went missing', id, refresh,
      hint: 'For a youth in care, starts the 24-hour reports (law enforcement for NCIC, NCMEC, the youth’s attorney), counted from when your agency learned of it.',
      fields: [
        { name: 'learned_at', label: 'When your agency learned of it (if later)', type: 'datetime-local', conv: 'time' },
        { name: 'note', label: 'Note', type: 'textarea' },
      ] });
    const end = eventForm({ type: 'missing_end', title: 'Youth returned', id, refresh,
      hint: 'Starts the return debrief.', fields: [{ name: 'note', label: 'Note', type: 'textarea' }] });
    start.sync = (c) => { start.hidden = !!c.missing?.now; };
    end.sync = (c) => { end.hidden = !c.missing?.now; };
    list.push(start, end);
  }
  if (w.has('core')) {
    // bring another agency in (the prosecutor, to list the youth as a witness)
    const invite = eventForm({ type: 'agency_invited', title: 'Bring in another agency', id, refresh,
      hint: 'The agency then sees this case as one taking part in it. Recorded and audited.',
      fields: [
        { name: 'agency_id', label: 'Agency', type: 'select', required: true, options: [], conv: 'int' },
        { name: 'reason', label: 'Why', type: 'textarea', required: true },
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
        h('option', { value: String(a.id) }, `${a.name} (${KIND[a.kind] ?? a.kind})`)));
    };
    list.push(invite);
  }
  if (w.has('core') && ['child_welfare', 'probation'].includes(ctx.me.agency.kind)) {
    list.push(eventForm({ type: 'status_determined', title: 'Youth status determined', id, refresh,
      hint: 'What the hotline’s check found. The steps owed by status follow (a probation ward brings probation on scene).',
      fields: [{ name: 'status', label: 'Status', type: 'select', required: true, options: Object.entries(STATUS) },
        { name: 'note', label: 'Note', type: 'textarea' }] }));
  }
  if (w.has('core')) {
    list.push(eventForm({ type: 'birth_date_verified', title: 'Birth date verified', id, refresh,
      hint: 'From a document. Replaces the estimate: the age, the steps that depend on it and the arrest guardrail follow.',
      fields: [{ name: 'birth_date', label: 'Birth date', type: 'date', required: true },
        { name: 'document', label: 'From (document)' }] }));
  }
  if (w.has('medical')) {
    list.push(eventForm({ type: 'assault_disclosed', title: 'Assault disclosed', id, refresh,
      hint: 'Within 96 hours of the assault the acute exam is due; later, the non-acute exam. A minor 12 or older may consent or refuse (Family Code 6927).',
      fields: [{ name: 'last_assault_at', label: 'When the last assault happened', type: 'datetime-local', conv: 'time', required: true },
        { name: 'exam_consent', label: 'Forensic exam', type: 'select',
          options: [['not_asked', 'Not asked yet'], ['consented', 'The youth consented'], ['refused', 'The youth refused']] },
        { name: 'note', label: 'Note', type: 'textarea' }] }));
  }
  if (w.has('services')) {
    list.push(eventForm({ type: 'stability_check', title: 'Stability check', id, refresh,
      fields: [
        { radios: true, name: 'stable', legend: 'Is the youth stable?', options: [['true', 'Stable'], ['false', 'Not stable']], conv: 'bool', required: true },
        { name: 'safe_placement', label: 'In a safe placement', type: 'checkbox' },
        { name: 'engaged', label: 'Engaged with the advocate', type: 'checkbox' },
        { name: 'note', label: 'Note', type: 'textarea' },
      ] }));
    list.push(eventForm({ type: 'screening', title: 'Screening', id, refresh,
      hint: 'Record the result level only, never the tool’s item text.',
      fields: [
        { name: 'tool', label: 'Tool', required: true, value: 'CSE-IT' },
        { name: 'version', label: 'Version' },
        { name: 'level', label: 'Result', type: 'select', required: true,
          options: [['no concern', 'No concern'], ['possible concern', 'Possible concern'], ['clear concern', 'Clear concern']] },
      ] }));
  }
  if (w.has('law_enforcement')) {
    list.push(eventForm({ type: 'arrest', title: 'Arrest of the youth', id, refresh,
      hint: 'A minor is never arrested for prostitution (SB 1322), however the offence is written; the attempt is refused and recorded for your supervisors. Any other arrest of an identified victim is a protocol deviation.',
      fields: [
        { name: 'offense', label: 'Offense', required: true, hint: 'The code section as charged, e.g. PC 459.' },
        { name: 'act_at', label: 'Time of the act (when earlier than the arrest)', type: 'datetime-local', conv: 'time',
          hint: 'The youth’s age is taken on the county’s day of the act.' },
        { name: 'justification', label: 'Justification', type: 'textarea', required: true, hint: 'Why, in a sentence or two; a supervisor reviews it.' },
      ] }));
  }
  if (w.has('advocacy')) {
    // the only way a privileged note leaves the advocacy agency (Evid. Code 1038)
    const disclose = eventForm({ type: 'disclosure', title: 'Disclose a privileged note', id, refresh,
      hint: 'Only with the youth’s consent or a court order. The agency you choose can then read this one note; the disclosure is recorded and audited.',
      fields: [
        { name: 'event_id', label: 'Privileged note', type: 'select', required: true, options: [], conv: 'int' },
        { radios: true, name: 'basis', legend: 'On what basis?', required: true,
          options: [['victim_consent', 'The youth consented'], ['court_order', 'A court ordered it']] },
        { name: 'to_agency_id', label: 'To', type: 'select', required: true, options: [], conv: 'int' },
        { name: 'note', label: 'Record of the consent or order', type: 'textarea' },
      ] });
    disclose.sync = (c, events) => {
      const notes = events.filter((e) => e.type === 'advocate_note' && !e.amended_by);
      disclose.hidden = !notes.length;
      fill(disclose.querySelector('select[name="event_id"]'), notes.map((e) =>
        h('option', { value: String(e.id) }, `${fmtTime(e.at)}: ${String(e.text ?? '').slice(0, 40)}`)));
      fill(disclose.querySelector('select[name="to_agency_id"]'), (c.agencies ?? [])
        .filter((a) => a.active && a.id !== ctx.me.agency.id)
        .map((a) => h('option', { value: String(a.id) }, `${a.name} (${KIND[a.kind] ?? a.kind})`)));
    };
    list.push(disclose);
  }
  if (w.has('law_enforcement')) {
    list.push(eventForm({ type: 'exploiter_arrest', title: 'Exploiter or buyer arrested', id, refresh,
      hint: 'An arrest of someone who exploited or bought the youth (counted in the Board report).',
      fields: [
        { name: 'role', label: 'Who', type: 'select', required: true, options: [['exploiter', 'Exploiter'], ['buyer', 'Buyer']] },
        { name: 'charge', label: 'Charge', hint: 'The code section, e.g. PC 236.1.' },
        { name: 'person', label: 'Person arrested', hint: 'A booking number, or the name and birth date: kept sealed, used to count each person once.' },
        { name: 'note', label: 'Note', type: 'textarea' },
      ] }));
  }
  if (w.has('core')) {
    // a step my agency owns that is not needed for this youth, with the reason
    const waive = eventForm({ type: 'step_waived', title: 'Waive a step', id, refresh,
      hint: 'For a step that is not needed for this youth; the reason is kept on the timeline and in the report.',
      fields: [
        { name: 'step', label: 'Step', type: 'select', required: true, options: [], conv: 'step' },
        { name: 'reason', label: 'Reason', type: 'textarea', required: true },
      ] });
    waive.sync = (c) => {
      const mine = (c.steps ?? []).filter((x) => x.state === 'pending' && x.owner === ctx.me.agency.kind);
      waive.hidden = !mine.length;
      fill(waive.querySelector('select[name="step"]'), mine.map((x) =>
        h('option', { value: `${x.key}:${x.episode ?? 0}` }, x.title)));
    };
    list.push(waive);
  }
  if (w.has('core') && ctx.me.role === 'supervisor') {
    // a deviation (an arrest, a detention) recorded by my agency, awaiting my review
    const review = eventForm({ type: 'deviation_review', title: 'Review a deviation', id, refresh,
      hint: 'A supervisor of the agency that recorded it confirms it was reviewed, and why it stands.',
      fields: [
        { name: 'event_id', label: 'Deviation', type: 'select', required: true, options: [], conv: 'int' },
        { name: 'note', label: 'Review', type: 'textarea', required: true },
      ] });
    review.sync = (c) => {
      const open = (c.deviations ?? []).filter((d) => !d.reviewed && d.agency_id === ctx.me.agency.id);
      review.hidden = !open.length;
      fill(review.querySelector('select[name="event_id"]'), open.map((d) =>
        h('option', { value: String(d.event_id) }, `${EVENT[d.type] ?? d.type}, ${fmtTime(d.at)}`)));
    };
    list.push(review);
  }
  if (w.has('core')) {
    // closing and reopening belong to the lead agency
    const close = eventForm({ type: 'close', title: 'Close the case', id, refresh, lateEntry: true,
      hint: 'Closing deletes nothing; the case can be reopened.',
      fields: [
        { name: 'reason', label: 'Reason', type: 'select', required: true, options: CLOSE_REASONS },
        { name: 'text', label: 'Explanation (required when the reason is Other)', type: 'textarea', mark: false },
      ] });
    const reopen = eventForm({ type: 'reopen', title: 'Reopen the case', id, refresh,
      fields: [{ name: 'text', label: 'Why', type: 'textarea' }] });
    close.sync = (c) => { close.hidden = !c.open || c.lead_agency_kind !== ctx.me.agency.kind; };
    reopen.sync = (c) => { reopen.hidden = c.open || c.lead_agency_kind !== ctx.me.agency.kind; };
    list.push(close, reopen);
  }
  if (noteSections.length) {
    list.push(eventForm({ type: 'note', title: 'Note', id, refresh,
      fields: [
        { name: 'section', label: 'Who may read it', type: 'select', required: true,
          options: noteSections.map((s) => [s, SECTION[s] ?? s]), value: noteSections[0] },
        { name: 'text', label: 'Note', type: 'textarea', required: true },
      ] }));
  }
  return list;
}

function eventForm({ type, title, hint, fields, id, refresh, lateEntry = false }) {
  const at = field({ label: 'When', name: 'at', type: 'datetime-local', required: true });
  const late = lateEntry ? lateEntryField(at.input) : null;
  const parts = fields.map((f) => ({ f, ...(f.radios ? radios(f) : field(f)) }));
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Save');
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
    fill(amending, `Correcting the entry of ${fmtTime(e.at)}. Saving adds the corrected entry; the original is kept. `,
      h('button', { type: 'button', class: 'link', onclick: () => { stopAmending(); fresh(); } }, 'Cancel the correction'));
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
    if (!body.at) errs.push({ field: 'at', message: 'enter the date and time' });
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
        if (f.required) errs.push({ field: f.name, message: 'Fill this in: it is required.' });
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
      setStatus(form, warned ? 'Saved, with a caution on the wording (see the note above).' : `Saved: ${title}.`, warned ? 'warning' : 'ok');
      showWarnings(form, data.warnings);
      announce(warned ? `Saved with a caution: ${data.warnings[0].message}` : `Saved: ${title}.`);
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
