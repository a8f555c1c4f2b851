// Minor victim witnesses: the closed-circuit testimony eligibility check (each rule
// set with its reasons), the prosecutor's prosecutions, and the witness part of a
// case page (eligibility, advocate, safety plan, CCTV motions, clocks).
import { ApiError, get, post } from '../api.js';
import {
  announce, clearMessages, clock, field, fmtDate, fmtDue, fmtTime, formStatus, fromLocalInput, h, KIND, now,
  serverWords, setStatus, showProblem, toLocalInput, fill } from '../dom.js';
import { stepTitle, t, word } from '../i18n.js';

const PART_KEYS = ['exploiter_contact', 'safe_people_places', 'phone_social_media', 'leaving_placement', 'numbers_24_7',
  'court_transport', 'waiting_area', 'support_person', 'address_confidentiality'];
// The parts of a safety plan, [[key, label]] in the user's language.
export const planParts = () => PART_KEYS.map((k) => [k, word('plan_part', k)]);
const splitCharges = (s) => s.split(/[,;]/).map((x) => x.trim()).filter(Boolean);
const today = () => toLocalInput(now()).slice(0, 10);

// One card per rule set: the verdict first, then why, then the law it rests on.
export function rulesTable(rules) {
  return h('ul', { class: 'rules' }, (rules ?? []).map((r) => h('li', { class: 'rule card', dataset: { rule: r.rule } },
    h('p', { class: 'rule-head' }, h('strong', {}, r.rule === 'county policy' ? t('witness.county_policy') : r.rule), ': ',
      h('span', { class: r.eligible ? 'yes' : 'no' }, r.eligible ? t('witness.eligible') : t('witness.not_eligible')),
      t('witness.rule_age', { age: r.age }), r.in_effect ? '' : t('witness.proposed')),
    h('p', { class: 'rule-reason' }, r.reason), // in the user's language
    r.source ? h('p', { class: 'hint' }, serverWords(r.source)) : null)));
}

function eligibilityForm() {
  const birth = field({ label: t('witness.birth'), name: 'birth_date', type: 'date', required: true });
  const motion = field({ label: t('witness.motion_date'), name: 'motion_date', type: 'date', required: true, value: today() });
  const hearing = field({ label: t('witness.hearing_date'), name: 'hearing_date', type: 'date', hint: t('witness.hearing_hint') });
  const charges = field({ label: t('witness.charges'), name: 'charges', required: true, value: 'PC 236.1',
    hint: t('witness.charges_hint') });
  const result = h('div', { class: 'result', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', novalidate: true }, formStatus(), birth.wrap, motion.wrap, hearing.wrap, charges.wrap,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('witness.check'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    const body = { birth_date: birth.input.value, motion_date: motion.input.value, charges: splitCharges(charges.input.value) };
    if (hearing.input.value) body.hearing_date = hearing.input.value;
    try {
      const { data } = await post('/api/v1/witness/eligibility', body);
      const any = (data.rules ?? []).some((r) => r.eligible);
      fill(result,
        h('h3', {}, any ? t('witness.any') : t('witness.none')),
        h('p', { class: 'hint' }, t('witness.rule_set', { set: data.rule_set, version: data.rule_set_version })),
        rulesTable(data.rules),
        data.notice_due ? h('p', {}, h('strong', {}, t('witness.notice_due')), fmtDate(`${data.notice_due}T12:00:00Z`),
          t('witness.three_days')) : null);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) showProblem(form, e);
    }
  });
  return [form, result];
}

function prosecutionCard(p, refresh) {
  const hearingKind = field({ label: t('witness.hearing'), name: 'kind', type: 'select', required: true,
    options: [['preliminary', t('witness.k_preliminary')], ['trial', t('witness.k_trial')], ['motion', t('witness.k_motion')], ['other', t('witness.k_other')]] });
  const hearingAt = field({ label: t('witness.date_time'), name: 'at', type: 'datetime-local', required: true });
  const hForm = h('form', { novalidate: true }, formStatus(), hearingKind.wrap, hearingAt.wrap,
    h('button', { type: 'submit', class: 'secondary' }, t('witness.add_hearing')));
  hForm.addEventListener('submit', async (ev) => {
    ev.preventDefault(); clearMessages(hForm);
    try {
      await post(`/api/v1/prosecutions/${p.id}/hearings`, { kind: hearingKind.input.value, at: fromLocalInput(hearingAt.input.value) });
      announce(t('witness.hearing_added')); await refresh();
    } catch (e) { showProblem(hForm, e); }
  });
  const caseId = field({ label: t('witness.case_no'), name: 'case_id', required: true, attrs: { placeholder: 'SH-…' } });
  const victim = field({ label: t('witness.victim'), name: 'victim', type: 'checkbox' });
  victim.input.checked = true;
  const wForm = h('form', { novalidate: true }, formStatus(), caseId.wrap, victim.wrap, h('button', { type: 'submit', class: 'secondary' }, t('witness.list')));
  wForm.addEventListener('submit', async (ev) => {
    ev.preventDefault(); clearMessages(wForm);
    try {
      await post(`/api/v1/prosecutions/${p.id}/witnesses`, { case_id: caseId.input.value.trim().toUpperCase(), victim: victim.input.checked });
      announce(t('witness.listed')); await refresh();
    } catch (e) { showProblem(wForm, e); }
  });
  return h('li', { class: 'card', dataset: { prosecution: String(p.id) } },
    h('h3', {}, `${p.court_case_number} · ${p.court}`),
    h('p', {}, t('witness.p_charges', { charges: (p.charges ?? []).join(', '), when: fmtTime(p.filed_at) }), p.outcome ? t('witness.outcome_is', { outcome: p.outcome }) : ''),
    h('p', {}, t('witness.hearings'), (p.hearings ?? []).length ? p.hearings.map((x) => t('witness.hearing_at', { kind: word('hearing_kind', x.kind), when: fmtTime(x.at) })).join('; ') : t('witness.none_yet')),
    h('p', {}, t('witness.minors'), (p.witnesses ?? []).length
      ? p.witnesses.map((w, i) => [i ? ', ' : '', h('a', { href: `/cases/${w.case_id}` }, w.case_id)]) : t('witness.none_listed')),
    h('details', { class: 'add' }, h('summary', {}, t('witness.add_a_hearing')), hForm),
    h('details', { class: 'add' }, h('summary', {}, t('witness.list_minor')), wForm));
}

function prosecutionsPart(ctx) {
  const list = h('ul', { class: 'cases' });
  const refresh = async () => {
    const { data } = await get('/api/v1/prosecutions');
    fill(list, ...(data.items ?? []).map((p) => prosecutionCard(p, refresh)));
    if (!(data.items ?? []).length) list.append(h('li', { class: 'muted' }, t('witness.no_prosecutions')));
  };
  const num = field({ label: t('witness.court_no'), name: 'court_case_number', required: true });
  const court = field({ label: t('witness.court'), name: 'court', required: true });
  const charges = field({ label: t('witness.charges'), name: 'charges', required: true, value: 'PC 236.1', hint: t('witness.charges_hint2') });
  const filed = field({ label: t('witness.filed'), name: 'filed_at', type: 'datetime-local', required: true, value: toLocalInput(now()) });
  const dRole = field({ label: t('witness.d_role'), name: 'defendants[0].role', type: 'select', options: [['exploiter', t('witness.exploiter')], ['buyer', t('witness.buyer')]] });
  const dName = field({ label: t('witness.d_name'), name: 'defendants[0].name' });
  const form = h('form', { class: 'card', novalidate: true }, formStatus(), num.wrap, court.wrap, charges.wrap, filed.wrap,
    h('div', { class: 'pair' }, dRole.wrap, dName.wrap), h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('witness.add_prosecution'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault(); clearMessages(form);
    const body = { court_case_number: num.input.value.trim(), court: court.input.value.trim(),
      charges: splitCharges(charges.input.value), filed_at: fromLocalInput(filed.input.value) };
    if (dName.input.value.trim()) body.defendants = [{ role: dRole.input.value, name: dName.input.value.trim() }];
    try {
      await post('/api/v1/prosecutions', body);
      setStatus(form, t('witness.prosecution_added'), 'ok');
      for (const f of [num, court, dName]) f.input.value = '';
      await refresh();
    } catch (e) { showProblem(form, e); }
  });
  return { nodes: [h('h2', {}, t('witness.our_prosecutions')), list, h('details', { class: 'add' }, h('summary', {}, t('witness.add_a_prosecution')), form)], refresh };
}

export async function render(main, ctx) {
  ctx.title(t('witness.title'));
  const [form, result] = eligibilityForm();
  const pros = ctx.me.agency.kind === 'prosecutor' ? prosecutionsPart(ctx) : null;
  fill(main,
    h('h1', {}, t('witness.h1')),
    h('p', { class: 'lead' }, t('witness.lead')),
    h('h2', {}, t('witness.eligibility')), form, result,
    pros ? pros.nodes : null);
  if (pros) await pros.refresh();
}

// The advocacy agency names the witness's advocate: one of its own staff.
function assignAdvocate(caseId, w, onChange) {
  const who = field({ label: t('witness.advocate'), name: 'user_id', type: 'select', options: [] });
  const f = h('form', { novalidate: true }, formStatus(), who.wrap, h('button', { type: 'submit', class: 'primary' }, t('witness.assign')));
  get('/api/v1/users').then(({ data }) => {
    fill(who.input, ...(data.items ?? []).filter((u) => !u.disabled).map((u) => h('option', { value: String(u.id) }, u.display_name)));
  }).catch((e) => showProblem(f, e));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault(); clearMessages(f);
    try {
      await post(`/api/v1/cases/${encodeURIComponent(caseId)}/events`, { type: 'witness_advocate', at: fromLocalInput(toLocalInput(now())), witness_id: w.id, user_id: Number(who.input.value) });
      announce(t('witness.assigned'));
      onChange?.();
    } catch (e) { showProblem(f, e); }
  });
  return f;
}

const EVENT_OF = { witness_notice: 'notice_served', safety_plan_review: 'safety_plan_review' };

// "hearing of 12 Mar": the hearing a notice or plan review is for (its episode).
export function hearingOf(w, s) {
  const hr = (w.hearings ?? []).find((x) => x.id === s.episode);
  return hr && s.key !== 'witness_advocate' ? `${word('hearing_kind', hr.kind)} ${fmtTime(hr.at)}` : null;
}

// "Notice served" / "Plan reviewed" on a pending item the caller's agency owns.
function itemControl(caseId, w, s, kind, onChange) {
  const ev = EVENT_OF[s.key];
  if (!ev || s.state !== 'pending' || (s.owner !== kind && s.also_owner !== kind)) return null;
  const b = h('button', { type: 'button', class: 'primary' }, t(`witness.event.${ev}`), h('span', { class: 'visually-hidden' }, `: ${stepTitle(s.key, s.title)}`));
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await post(`/api/v1/cases/${encodeURIComponent(caseId)}/events`,
        { type: ev, at: fromLocalInput(toLocalInput(now())), witness_id: w.id, hearing_id: s.episode });
      announce(t('witness.recorded', { title: stepTitle(s.key, s.title) }));
      onChange?.();
    } catch (e) {
      b.disabled = false;
      b.after(h('span', { class: 'msg error', role: 'alert' }, e.message));
    }
  });
  return b;
}

// The prosecutor records a closed-circuit testimony motion: filed, granted or denied.
function cctvMotion(caseId, w, onChange) {
  const rule = field({ label: t('witness.under'), name: 'rule', type: 'select', required: true,
    options: [['PC 1347', 'PC 1347'], ['PC 1347.1', 'PC 1347.1'], ['county policy', t('witness.county_policy')]] });
  const outcome = field({ label: t('witness.outcome'), name: 'outcome', type: 'select', required: true,
    options: [['filed', t('witness.o_filed')], ['granted', t('witness.o_granted')], ['denied', t('witness.o_denied')]] });
  const f = h('form', { novalidate: true }, formStatus(), rule.wrap, outcome.wrap,
    h('button', { type: 'submit', class: 'secondary' }, t('witness.record')));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault(); clearMessages(f);
    try {
      await post(`/api/v1/cases/${encodeURIComponent(caseId)}/events`, { type: 'cctv_motion',
        at: fromLocalInput(toLocalInput(now())), witness_id: w.id, rule: rule.input.value, outcome: outcome.input.value });
      announce(t('witness.cctv_recorded'));
      onChange?.();
    } catch (e) { showProblem(f, e); }
  });
  return h('details', { class: 'add' }, h('summary', {}, t('witness.record_cctv')), f);
}

// The safety plan: every part in order (an empty part the county requires is marked),
// who signed off the plan as it stands, and the sign-offs a later change reset.
export function planPart(w, { all = false } = {}) {
  const plan = w.safety_plan ?? {};
  const parts = plan.parts ?? {};
  const missing = new Set(plan.missing_parts ?? []);
  const who = (list) => list.map((s) => `${KIND[s.kind] ?? s.kind} (${fmtTime(s.at)})`).join(', ');
  return h('section', { class: 'plan' },
    h('h4', {}, t('witness.plan')),
    h('dl', { class: 'event-data plan-parts' }, planParts().filter(([k]) => all || parts[k] || missing.has(k)).map(([k, label]) => [
      h('dt', {}, label),
      h('dd', { dataset: { part: k } }, parts[k] ? parts[k].text ?? '' : missing.has(k) ? h('em', { class: 'no' }, t('witness.empty'))
        : h('em', {}, t('witness.not_written')))])),
    h('p', { class: 'signoffs' }, h('strong', {}, t('witness.signed_by')), who(plan.signoffs ?? []) || t('witness.nobody_yet'),
      plan.changed_at ? t('witness.changed', { when: fmtTime(plan.changed_at) }) : ''),
    (plan.reset_signoffs ?? []).length ? h('p', { class: 'hint' },
      t('witness.reset', { who: who(plan.reset_signoffs) })) : null);
}

// The witness part of a case page, or null when the youth is no witness (or the
// agency does not see court matters).
export async function witnessSection(caseId, ctx, onChange) {
  let data;
  try {
    ({ data } = await get(`/api/v1/cases/${encodeURIComponent(caseId)}/witness`));
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return null;
    throw e;
  }
  if (!(data.witnesses ?? []).length) return null;
  const kind = ctx.me.agency.kind;
  return h('section', { class: 'witness' }, h('h2', {}, t('witness.minor')),
    h('p', { class: 'hint' }, t('witness.youth_is', { label: data.youth_label.startsWith('named') ? t('witness.named') : t('witness.doe') })),
    h('p', { class: 'print-links no-print' },
      h('a', { href: `/cases/${caseId}/print/plan`, dataset: { print: 'plan' } }, t('witness.print_plan')), ' · ',
      h('a', { href: `/cases/${caseId}/print/court`, dataset: { print: 'court' } }, t('witness.print_court'))),
    data.witnesses.map((w) => {
      const body = [
        h('h3', {}, t('witness.listed_at', { number: w.court_case_number, when: fmtTime(w.listed_at) })),
        h('p', {}, t('witness.advocate_is'), w.advocate ? `${w.advocate.name} (${w.advocate.agency})` : h('strong', { class: 'no' }, t('witness.no_advocate'))),
        w.eligibility ? [h('p', {}, t('witness.as_of', { date: fmtDate(`${w.eligibility.motion_date}T12:00:00Z`) }),
          w.eligibility.birth_date_estimated ? t('witness.estimated') : ''), rulesTable(w.eligibility.rules)] : null,
        (w.items ?? []).length ? h('ul', { class: 'steps' }, w.items.map((s) => h('li', { class: `step step-${s.state}`, dataset: { step: s.key } },
          h('div', { class: 'step-main' }, h('span', { class: 'step-title' }, stepTitle(s.key, s.title)),
            hearingOf(w, s) ? h('span', { class: 'step-owner' }, hearingOf(w, s)) : null),
          s.state === 'pending' ? h('div', { class: 'step-when' }, clock(null, s.due_at),
            s.due_at ? h('span', { class: 'due' }, t('witness.due', { when: fmtDue(s.due_at) })) : null)
            : h('span', { class: `state state-${s.state}` }, word('step_state', s.state)),
          itemControl(caseId, w, s, kind, onChange)))) : null,
        planPart(w),
        (w.cctv_motions ?? []).length ? h('p', {}, t('witness.cctv'), w.cctv_motions.map((m) => t('witness.motion_line', { rule: m.rule, outcome: word('motion_outcome', m.outcome), date: fmtDate(m.at) })).join('; ')) : null,
      ];
      if (kind === 'advocacy' && !w.advocate) body.push(assignAdvocate(caseId, w, onChange));
      if (kind === 'prosecutor' && ctx.me.may.write.includes('court')) body.push(cctvMotion(caseId, w, onChange));
      if (['advocacy', 'prosecutor', 'law_enforcement'].includes(kind) && ctx.me.may.write.includes('court')) {
        const signed = (w.safety_plan?.signoffs ?? []).some((s) => s.kind === kind);
        const sign = h('button', { type: 'submit', class: 'secondary' }, signed ? t('witness.signed_again') : t('witness.sign'));
        const signForm = h('form', { class: 'signoff', novalidate: true }, formStatus(), h('div', { class: 'actions' }, sign));
        signForm.addEventListener('submit', async (ev) => {
          ev.preventDefault(); clearMessages(signForm);
          try {
            await post(`/api/v1/cases/${encodeURIComponent(caseId)}/events`, { type: 'safety_plan_signoff', at: fromLocalInput(toLocalInput(now())), witness_id: w.id });
            announce(t('witness.plan_signed'));
            onChange?.();
          } catch (e) { showProblem(signForm, e); }
        });
        body.push(signForm);
        const part = field({ label: t('witness.part'), name: 'part', type: 'select', options: planParts(), required: true,
          value: planParts().find(([k]) => (w.safety_plan?.missing_parts ?? []).includes(k))?.[0] });
        const text = field({ label: t('witness.text'), name: 'text', type: 'textarea', required: true,
          hint: t('witness.text_hint') });
        const f = h('form', { novalidate: true }, formStatus(), part.wrap, text.wrap, h('button', { type: 'submit', class: 'secondary' }, t('witness.save_part')));
        f.addEventListener('submit', async (ev) => {
          ev.preventDefault(); clearMessages(f);
          if (!text.input.value.trim()) { showProblem(f, { problem: { errors: [{ field: 'text', message: t('witness.write') }] } }); return; }
          try {
            await post(`/api/v1/cases/${encodeURIComponent(caseId)}/events`, { type: 'safety_plan', at: fromLocalInput(toLocalInput(now())), witness_id: w.id, part: part.input.value, text: text.input.value });
            text.input.value = '';
            announce(t('witness.part_saved'));
            onChange?.();
          } catch (e) { showProblem(f, e); }
        });
        body.push(h('details', { class: 'add' }, h('summary', {}, t('witness.write_part')), f));
      }
      return h('div', { class: 'card' }, body);
    }));
}
