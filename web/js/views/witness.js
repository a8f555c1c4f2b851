// Minor victim witnesses: the closed-circuit testimony eligibility check (each rule
// set with its reasons), the prosecutor's prosecutions, and the witness part of a
// case page (eligibility, advocate, safety plan, CCTV motions, clocks).
import { ApiError, get, post } from '../api.js';
import {
  announce, clearMessages, clock, field, fmtDate, fmtDue, fmtTime, formStatus, fromLocalInput, h, KIND, now,
  setStatus, showProblem, toLocalInput, fill } from '../dom.js';

export const PARTS = [['exploiter_contact', 'Contact with the exploiter and associates'], ['safe_people_places', 'Safe people and places'],
  ['phone_social_media', 'Phone and social media'], ['leaving_placement', 'If they leave placement'],
  ['numbers_24_7', '24/7 numbers'], ['court_transport', 'Court-day transport'], ['waiting_area', 'Waiting area'],
  ['support_person', 'Support person'], ['address_confidentiality', 'Address confidentiality']];
const splitCharges = (s) => s.split(/[,;]/).map((x) => x.trim()).filter(Boolean);
const today = () => toLocalInput(now()).slice(0, 10);

// One card per rule set: the verdict first, then why, then the law it rests on.
export function rulesTable(rules) {
  return h('ul', { class: 'rules' }, (rules ?? []).map((r) => h('li', { class: 'rule card', dataset: { rule: r.rule } },
    h('p', { class: 'rule-head' }, h('strong', {}, r.rule), ': ',
      h('span', { class: r.eligible ? 'yes' : 'no' }, r.eligible ? 'eligible' : 'not eligible'),
      ` · age ${r.age}`, r.in_effect ? '' : ' · proposed, not yet in effect'),
    h('p', { class: 'rule-reason' }, r.reason),
    r.source ? h('p', { class: 'hint' }, r.source) : null)));
}

function eligibilityForm() {
  const birth = field({ label: 'Birth date of the witness', name: 'birth_date', type: 'date', required: true });
  const motion = field({ label: 'Date of the motion', name: 'motion_date', type: 'date', required: true, value: today() });
  const hearing = field({ label: 'Hearing date', name: 'hearing_date', type: 'date', hint: 'Gives the date the written notice is due.' });
  const charges = field({ label: 'Charges', name: 'charges', required: true, value: 'PC 236.1',
    hint: 'Penal Code sections, separated by commas, e.g. PC 236.1, PC 288.' });
  const result = h('div', { class: 'result', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', novalidate: true }, formStatus(), birth.wrap, motion.wrap, hearing.wrap, charges.wrap,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Check eligibility')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    const body = { birth_date: birth.input.value, motion_date: motion.input.value, charges: splitCharges(charges.input.value) };
    if (hearing.input.value) body.hearing_date = hearing.input.value;
    try {
      const { data } = await post('/api/v1/witness/eligibility', body);
      const any = (data.rules ?? []).some((r) => r.eligible);
      fill(result,
        h('h3', {}, any ? 'Eligible for closed-circuit testimony under at least one rule' : 'Not eligible under any rule'),
        h('p', { class: 'hint' }, `Rule set ${data.rule_set} ${data.rule_set_version}. The court still makes its findings.`),
        rulesTable(data.rules),
        data.notice_due ? h('p', {}, h('strong', {}, 'Written notice due: '), fmtDate(`${data.notice_due}T12:00:00Z`),
          ' (at least 3 days before the hearing).') : null);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) showProblem(form, e);
    }
  });
  return [form, result];
}

function prosecutionCard(p, refresh) {
  const hearingKind = field({ label: 'Hearing', name: 'kind', type: 'select', required: true,
    options: [['preliminary', 'Preliminary'], ['trial', 'Trial'], ['motion', 'Motion'], ['other', 'Other']] });
  const hearingAt = field({ label: 'Date and time', name: 'at', type: 'datetime-local', required: true });
  const hForm = h('form', { novalidate: true }, formStatus(), hearingKind.wrap, hearingAt.wrap,
    h('button', { type: 'submit', class: 'secondary' }, 'Add hearing'));
  hForm.addEventListener('submit', async (ev) => {
    ev.preventDefault(); clearMessages(hForm);
    try {
      await post(`/api/v1/prosecutions/${p.id}/hearings`, { kind: hearingKind.input.value, at: fromLocalInput(hearingAt.input.value) });
      announce('Hearing added.'); await refresh();
    } catch (e) { showProblem(hForm, e); }
  });
  const caseId = field({ label: 'Case number of the minor witness', name: 'case_id', required: true, attrs: { placeholder: 'SH-…' } });
  const victim = field({ label: 'The youth is the victim of these charges (not only a witness to them)', name: 'victim', type: 'checkbox' });
  victim.input.checked = true;
  const wForm = h('form', { novalidate: true }, formStatus(), caseId.wrap, victim.wrap, h('button', { type: 'submit', class: 'secondary' }, 'List as witness'));
  wForm.addEventListener('submit', async (ev) => {
    ev.preventDefault(); clearMessages(wForm);
    try {
      await post(`/api/v1/prosecutions/${p.id}/witnesses`, { case_id: caseId.input.value.trim().toUpperCase(), victim: victim.input.checked });
      announce('Witness listed.'); await refresh();
    } catch (e) { showProblem(wForm, e); }
  });
  return h('li', { class: 'card', dataset: { prosecution: String(p.id) } },
    h('h3', {}, `${p.court_case_number} · ${p.court}`),
    h('p', {}, `Charges: ${(p.charges ?? []).join(', ')} · filed ${fmtTime(p.filed_at)}`, p.outcome ? ` · outcome: ${p.outcome}` : ''),
    h('p', {}, 'Hearings: ', (p.hearings ?? []).length ? p.hearings.map((x) => `${x.kind} ${fmtTime(x.at)}`).join('; ') : 'none yet'),
    h('p', {}, 'Minor witnesses: ', (p.witnesses ?? []).length
      ? p.witnesses.map((w, i) => [i ? ', ' : '', h('a', { href: `/cases/${w.case_id}` }, w.case_id)]) : 'none listed'),
    h('details', { class: 'add' }, h('summary', {}, 'Add a hearing'), hForm),
    h('details', { class: 'add' }, h('summary', {}, 'List a minor witness'), wForm));
}

function prosecutionsPart(ctx) {
  const list = h('ul', { class: 'cases' });
  const refresh = async () => {
    const { data } = await get('/api/v1/prosecutions');
    fill(list, ...(data.items ?? []).map((p) => prosecutionCard(p, refresh)));
    if (!(data.items ?? []).length) list.append(h('li', { class: 'muted' }, 'No prosecutions recorded yet.'));
  };
  const num = field({ label: 'Court case number', name: 'court_case_number', required: true });
  const court = field({ label: 'Court', name: 'court', required: true });
  const charges = field({ label: 'Charges', name: 'charges', required: true, value: 'PC 236.1', hint: 'Comma-separated Penal Code sections.' });
  const filed = field({ label: 'Filed', name: 'filed_at', type: 'datetime-local', required: true, value: toLocalInput(now()) });
  const dRole = field({ label: 'Defendant role', name: 'defendants[0].role', type: 'select', options: [['exploiter', 'Exploiter'], ['buyer', 'Buyer']] });
  const dName = field({ label: 'Defendant name', name: 'defendants[0].name' });
  const form = h('form', { class: 'card', novalidate: true }, formStatus(), num.wrap, court.wrap, charges.wrap, filed.wrap,
    h('div', { class: 'pair' }, dRole.wrap, dName.wrap), h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add prosecution')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault(); clearMessages(form);
    const body = { court_case_number: num.input.value.trim(), court: court.input.value.trim(),
      charges: splitCharges(charges.input.value), filed_at: fromLocalInput(filed.input.value) };
    if (dName.input.value.trim()) body.defendants = [{ role: dRole.input.value, name: dName.input.value.trim() }];
    try {
      await post('/api/v1/prosecutions', body);
      setStatus(form, 'Prosecution added.', 'ok');
      for (const f of [num, court, dName]) f.input.value = '';
      await refresh();
    } catch (e) { showProblem(form, e); }
  });
  return { nodes: [h('h2', {}, 'Our prosecutions'), list, h('details', { class: 'add' }, h('summary', {}, 'Add a prosecution'), form)], refresh };
}

export async function render(main, ctx) {
  ctx.title('Witnesses');
  const [form, result] = eligibilityForm();
  const pros = ctx.me.agency.kind === 'prosecutor' ? prosecutionsPart(ctx) : null;
  fill(main,
    h('h1', {}, 'Minor victim witnesses'),
    h('p', { class: 'lead' }, 'Closed-circuit testimony: which rule makes a minor witness eligible, and why.'),
    h('h2', {}, 'Eligibility check'), form, result,
    pros ? pros.nodes : null);
  if (pros) await pros.refresh();
}

// The advocacy agency names the witness's advocate: one of its own staff.
function assignAdvocate(caseId, w, onChange) {
  const who = field({ label: 'Advocate', name: 'user_id', type: 'select', options: [] });
  const f = h('form', { novalidate: true }, formStatus(), who.wrap, h('button', { type: 'submit', class: 'primary' }, 'Assign advocate'));
  get('/api/v1/users').then(({ data }) => {
    fill(who.input, ...(data.items ?? []).filter((u) => !u.disabled).map((u) => h('option', { value: String(u.id) }, u.display_name)));
  }).catch((e) => showProblem(f, e));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault(); clearMessages(f);
    try {
      await post(`/api/v1/cases/${encodeURIComponent(caseId)}/events`, { type: 'witness_advocate', at: fromLocalInput(toLocalInput(now())), witness_id: w.id, user_id: Number(who.input.value) });
      announce('Advocate assigned.');
      onChange?.();
    } catch (e) { showProblem(f, e); }
  });
  return f;
}

const EVENT_OF = { witness_notice: ['notice_served', 'Notice served'],
  safety_plan_review: ['safety_plan_review', 'Plan reviewed'] };

// "hearing of 12 Mar": the hearing a notice or plan review is for (its episode).
export function hearingOf(w, s) {
  const hr = (w.hearings ?? []).find((x) => x.id === s.episode);
  return hr && s.key !== 'witness_advocate' ? `${hr.kind} ${fmtTime(hr.at)}` : null;
}

// "Notice served" / "Plan reviewed" on a pending item the caller's agency owns.
function itemControl(caseId, w, s, kind, onChange) {
  const ev = EVENT_OF[s.key];
  if (!ev || s.state !== 'pending' || (s.owner !== kind && s.also_owner !== kind)) return null;
  const b = h('button', { type: 'button', class: 'primary' }, ev[1], h('span', { class: 'visually-hidden' }, `: ${s.title}`));
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await post(`/api/v1/cases/${encodeURIComponent(caseId)}/events`,
        { type: ev[0], at: fromLocalInput(toLocalInput(now())), witness_id: w.id, hearing_id: s.episode });
      announce(`${s.title}: recorded.`);
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
  const rule = field({ label: 'Under', name: 'rule', type: 'select', required: true,
    options: [['PC 1347', 'PC 1347'], ['PC 1347.1', 'PC 1347.1'], ['county policy', 'County policy']] });
  const outcome = field({ label: 'Outcome', name: 'outcome', type: 'select', required: true,
    options: [['filed', 'Filed'], ['granted', 'Granted'], ['denied', 'Denied']] });
  const f = h('form', { novalidate: true }, formStatus(), rule.wrap, outcome.wrap,
    h('button', { type: 'submit', class: 'secondary' }, 'Record the motion'));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault(); clearMessages(f);
    try {
      await post(`/api/v1/cases/${encodeURIComponent(caseId)}/events`, { type: 'cctv_motion',
        at: fromLocalInput(toLocalInput(now())), witness_id: w.id, rule: rule.input.value, outcome: outcome.input.value });
      announce('CCTV motion recorded.');
      onChange?.();
    } catch (e) { showProblem(f, e); }
  });
  return h('details', { class: 'add' }, h('summary', {}, 'Record a closed-circuit testimony motion'), f);
}

// The safety plan: every part in order (an empty part the county requires is marked),
// who signed off the plan as it stands, and the sign-offs a later change reset.
export function planPart(w, { all = false } = {}) {
  const plan = w.safety_plan ?? {};
  const parts = plan.parts ?? {};
  const missing = new Set(plan.missing_parts ?? []);
  const who = (list) => list.map((s) => `${KIND[s.kind] ?? s.kind} (${fmtTime(s.at)})`).join(', ');
  return h('section', { class: 'plan' },
    h('h4', {}, 'Safety plan'),
    h('dl', { class: 'event-data plan-parts' }, PARTS.filter(([k]) => all || parts[k] || missing.has(k)).map(([k, label]) => [
      h('dt', {}, label),
      h('dd', { dataset: { part: k } }, parts[k] ? parts[k].text ?? '' : missing.has(k) ? h('em', { class: 'no' }, 'Empty: to be written before sign-off')
        : h('em', {}, 'Not written'))])),
    h('p', { class: 'signoffs' }, h('strong', {}, 'Signed off by: '), who(plan.signoffs ?? []) || 'nobody yet',
      plan.changed_at ? ` · plan last changed ${fmtTime(plan.changed_at)}` : ''),
    (plan.reset_signoffs ?? []).length ? h('p', { class: 'hint' },
      `Sign-offs reset by a later change (kept on the timeline): ${who(plan.reset_signoffs)}.`) : null);
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
  return h('section', { class: 'witness' }, h('h2', {}, 'Minor victim witness'),
    h('p', { class: 'hint' }, `The youth is ${data.youth_label}.`),
    h('p', { class: 'print-links no-print' },
      h('a', { href: `/cases/${caseId}/print/plan`, dataset: { print: 'plan' } }, 'Print the safety plan'), ' · ',
      h('a', { href: `/cases/${caseId}/print/court`, dataset: { print: 'court' } }, 'Print the court packet')),
    data.witnesses.map((w) => {
      const body = [
        h('h3', {}, `${w.court_case_number} · listed ${fmtTime(w.listed_at)}`),
        h('p', {}, 'Advocate: ', w.advocate ? `${w.advocate.name} (${w.advocate.agency})` : h('strong', { class: 'no' }, 'none assigned: an open item')),
        w.eligibility ? [h('p', {}, `Eligibility as of ${fmtDate(`${w.eligibility.motion_date}T12:00:00Z`)}`,
          w.eligibility.birth_date_estimated ? ' (birth date estimated)' : ''), rulesTable(w.eligibility.rules)] : null,
        (w.items ?? []).length ? h('ul', { class: 'steps' }, w.items.map((s) => h('li', { class: `step step-${s.state}`, dataset: { step: s.key } },
          h('div', { class: 'step-main' }, h('span', { class: 'step-title' }, s.title),
            hearingOf(w, s) ? h('span', { class: 'step-owner' }, hearingOf(w, s)) : null),
          s.state === 'pending' ? h('div', { class: 'step-when' }, clock(null, s.due_at),
            s.due_at ? h('span', { class: 'due' }, `due ${fmtDue(s.due_at)}`) : null)
            : h('span', { class: `state state-${s.state}` }, s.state),
          itemControl(caseId, w, s, kind, onChange)))) : null,
        planPart(w),
        (w.cctv_motions ?? []).length ? h('p', {}, 'CCTV motions: ', w.cctv_motions.map((m) => `${m.rule} ${m.outcome} ${fmtDate(m.at)}`).join('; ')) : null,
      ];
      if (kind === 'advocacy' && !w.advocate) body.push(assignAdvocate(caseId, w, onChange));
      if (kind === 'prosecutor' && ctx.me.may.write.includes('court')) body.push(cctvMotion(caseId, w, onChange));
      if (['advocacy', 'prosecutor', 'law_enforcement'].includes(kind) && ctx.me.may.write.includes('court')) {
        const signed = (w.safety_plan?.signoffs ?? []).some((s) => s.kind === kind);
        const sign = h('button', { type: 'submit', class: 'secondary' }, signed ? 'Signed off (sign again)' : 'Sign off the safety plan');
        const signForm = h('form', { class: 'signoff', novalidate: true }, formStatus(), h('div', { class: 'actions' }, sign));
        signForm.addEventListener('submit', async (ev) => {
          ev.preventDefault(); clearMessages(signForm);
          try {
            await post(`/api/v1/cases/${encodeURIComponent(caseId)}/events`, { type: 'safety_plan_signoff', at: fromLocalInput(toLocalInput(now())), witness_id: w.id });
            announce('Safety plan signed off.');
            onChange?.();
          } catch (e) { showProblem(signForm, e); }
        });
        body.push(signForm);
        const part = field({ label: 'Part', name: 'part', type: 'select', options: PARTS, required: true,
          value: PARTS.find(([k]) => (w.safety_plan?.missing_parts ?? []).includes(k))?.[0] });
        const text = field({ label: 'Text', name: 'text', type: 'textarea', required: true,
          hint: 'Writing a part again replaces it and resets the sign-offs: each agency signs the changed plan again.' });
        const f = h('form', { novalidate: true }, formStatus(), part.wrap, text.wrap, h('button', { type: 'submit', class: 'secondary' }, 'Save part'));
        f.addEventListener('submit', async (ev) => {
          ev.preventDefault(); clearMessages(f);
          if (!text.input.value.trim()) { showProblem(f, { problem: { errors: [{ field: 'text', message: 'Write what the plan says for this part.' }] } }); return; }
          try {
            await post(`/api/v1/cases/${encodeURIComponent(caseId)}/events`, { type: 'safety_plan', at: fromLocalInput(toLocalInput(now())), witness_id: w.id, part: part.input.value, text: text.input.value });
            text.input.value = '';
            announce('Safety plan part saved.');
            onChange?.();
          } catch (e) { showProblem(f, e); }
        });
        body.push(h('details', { class: 'add' }, h('summary', {}, 'Write a safety plan part'), f));
      }
      return h('div', { class: 'card' }, body);
    }));
}
