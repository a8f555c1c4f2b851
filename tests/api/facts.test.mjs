// The case follows the facts (docs/api.md, "Facts that change"): a status determined by
// the hotline brings probation on scene, an assault disclosed later starts the right
// exam, a verified birth date replaces the estimate, missing-from-care reports run from
// when the agency learned of the absence, follow-ups have windows, a placement decides
// the placement; a done step keeps its deadline. The witness part on the motion date.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, identify, assertProblem, isoMinutesAgo, invite, countyDate } from './harness.mjs';

let srv;
before(async () => { srv = await startCounty(); });
after(async () => { assert.equal(await srv.stop(), 0); });

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const event = (user, id, body) => srv.as(user).post(`/api/v1/cases/${id}/events`, body);
const step = (c, key, episode = 0) => c.steps.find((s) => s.key === key && s.episode === episode);
const view = async (user, id) => (await srv.as(user).get(`/api/v1/cases/${id}`)).json;

test('the hotline finds the youth is a probation ward: probation joins, is summoned, owes its visit', async () => {
  const c = (await identify(srv.as('le'), { youth_status: 'unknown', identified_at: isoMinutesAgo(30) })).json;
  assert.equal(step(c, 'probation_on_scene').state, 'not_applicable');
  assert.equal(step(c, 'child_welfare_on_scene').state, 'pending');
  assert.equal(step(c, 'status_determined').owner, 'child_welfare');
  assertProblem(await srv.as('prob').get(`/api/v1/cases/${c.id}`), 404); // not on the case yet
  // only child welfare or probation records the finding
  assertProblem(await event('le', c.id, { type: 'status_determined', at: isoMinutesAgo(1), status: 'probation' }), 403);
  const r = await event('cw', c.id, { type: 'status_determined', at: isoMinutesAgo(1), status: 'probation' });
  assert.equal(r.status, 201, r.text);
  assert.equal(step(r.json, 'probation_on_scene').state, 'pending');
  assert.equal(step(r.json, 'probation_on_scene').due_at, iso(Date.parse(c.identified_at) + 90 * 60000));
  assert.equal(step(r.json, 'child_welfare_on_scene').state, 'not_applicable');
  assert.equal(step(r.json, 'status_determined').state, 'done', 'done by that entry');
  assert.equal(step(r.json, 'placement_decided').owner, 'probation');
  // probation now takes part, sees the case, and its on-call person was summoned
  const p = await view('prob', c.id);
  assert.equal(p.youth_status, 'probation');
  assert.equal(p.lead_agency_kind, 'probation');
  assert.ok(p.agencies.some((a) => a.kind === 'probation' && a.reason === 'routed'));
  const n = (await srv.as('prob').get(`/api/v1/cases/${c.id}/notifications`)).json;
  assert.ok(n.summons.some((s) => s.agency.kind === 'probation' && s.step === 'probation_on_scene'), JSON.stringify(n));
});

test('a step done before the facts changed keeps what it was', async () => {
  const c = (await identify(srv.as('le'), { youth_status: 'dependent', identified_at: isoMinutesAgo(120) })).json;
  assert.equal((await event('cw', c.id, { type: 'step_done', step: 'child_welfare_on_scene', at: isoMinutesAgo(60) })).status, 201);
  const r = await event('cw', c.id, { type: 'status_determined', at: isoMinutesAgo(1), status: 'probation' });
  const s = step(r.json, 'child_welfare_on_scene');
  assert.equal(s.state, 'done');
  assert.equal(s.due_at, iso(Date.parse(c.identified_at) + 90 * 60000));
});

test('an assault disclosed at the hub starts the acute exam within 96 hours, the non-acute one otherwise', async () => {
  const c = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(600) })).json;
  assert.equal(step(c, 'sart_exam').state, 'not_applicable');
  // law enforcement cannot write the medical section
  assertProblem(await event('le', c.id, { type: 'assault_disclosed', at: isoMinutesAgo(5), last_assault_at: isoMinutesAgo(3000) }), 403);
  assertProblem(await event('med', c.id, { type: 'assault_disclosed', at: isoMinutesAgo(5), last_assault_at: isoMinutesAgo(1) }), 422, 'last_assault_at');
  assertProblem(await event('med', c.id, { type: 'assault_disclosed', at: isoMinutesAgo(5), last_assault_at: isoMinutesAgo(3000), exam_consent: 'maybe' }), 422, 'exam_consent');
  const assaultAt = isoMinutesAgo(3000);
  const acute = await event('med', c.id, { type: 'assault_disclosed', at: isoMinutesAgo(5), last_assault_at: assaultAt, exam_consent: 'consented' });
  assert.equal(acute.status, 201, acute.text);
  assert.equal(step(acute.json, 'sart_exam').state, 'pending');
  assert.equal(step(acute.json, 'sart_exam').due_at, iso(Date.parse(assaultAt) + 96 * 3600000));
  assert.equal(step(acute.json, 'forensic_exam_nonacute').state, 'not_applicable');
  // corrected: the assault was ten days before
  const late = await event('med', c.id, { type: 'assault_disclosed', at: isoMinutesAgo(5), last_assault_at: isoMinutesAgo(14400), amends: acute.json.event.id });
  assert.equal(late.status, 201, late.text);
  assert.equal(step(late.json, 'sart_exam').state, 'not_applicable');
  assert.equal(step(late.json, 'forensic_exam_nonacute').state, 'pending');
  // the time of the assault is for medical and law enforcement only
  assert.ok((await view('le', c.id)).last_assault_at);
  assert.equal((await view('adv', c.id)).last_assault_at, undefined);
  // the disclosure itself is in the medical compartment
  const adv = (await srv.as('adv').get(`/api/v1/cases/${c.id}/events`)).json.items;
  assert.ok(!adv.some((e) => e.type === 'assault_disclosed'));
});

test('a verified birth date replaces the estimate; an adult owes no child-abuse report', async () => {
  const c = (await identify(srv.as('le'), { youth: { age_estimate: 17 } })).json;
  assert.equal(step(c, 'hotline_report').state, 'pending');
  const born = new Date(Date.now() - (18 * 365.25 + 30) * 86400000).toISOString().slice(0, 10);
  assertProblem(await event('le', c.id, { type: 'birth_date_verified', at: isoMinutesAgo(1), birth_date: '1990-01-01' }), 422, 'birth_date');
  const r = await event('le', c.id, { type: 'birth_date_verified', at: isoMinutesAgo(1), birth_date: born, document: 'synthetic ID card' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.event.adult, true);
  assert.equal(step(r.json, 'hotline_report').state, 'not_applicable');
  const v = await view('le', c.id);
  assert.equal(v.youth.age, 18);
  assert.equal(v.youth.age_estimated, false);
  assert.equal(v.youth.birth_date, born);
  // the guardrail now knows an adult
  const a = await event('le', c.id, { type: 'arrest', at: isoMinutesAgo(1), offense: 'PC 647(b)', justification: 'Synthetic: adult arrested on a warrant, reviewed with the sergeant' });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.event.age_basis, 'birth date');
});

test('missing from care: reports from when the agency learned; only for youth in care', async () => {
  const c = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(3000) })).json;
  const gone = isoMinutesAgo(2000), learned = isoMinutesAgo(1000);
  assertProblem(await event('cw', c.id, { type: 'missing_start', at: gone, learned_at: isoMinutesAgo(2500) }), 422, 'learned_at');
  const r = await event('cw', c.id, { type: 'missing_start', at: gone, learned_at: learned });
  assert.equal(r.status, 201, r.text);
  assert.equal(step(r.json, 'missing_report_le', 1).due_at, iso(Date.parse(learned) + 24 * 3600000));
  const back = await event('cw', c.id, { type: 'missing_end', at: isoMinutesAgo(10) });
  for (const key of ['missing_ncic_clear', 'missing_found_ncmec', 'missing_found_notices', 'return_debrief']) {
    assert.equal(step(back.json, key, 1).state, 'pending', key);
  }
  const none = (await identify(srv.as('le'), { youth_status: 'none', identified_at: isoMinutesAgo(3000) })).json;
  const m = await event('cw', none.id, { type: 'missing_start', at: gone });
  assert.equal(step(m.json, 'missing_report_le', 1).state, 'not_applicable');
});

test('a follow-up cannot be done before its window opens; a placement decides the placement', async () => {
  const c = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(60) })).json;
  assert.ok(step(c, 'advocate_followup_90d').not_before);
  const r = await event('adv', c.id, { type: 'step_done', step: 'advocate_followup_90d', at: isoMinutesAgo(1) });
  assertProblem(r, 422, 'at');
  assert.match(r.json.errors[0].message, /cannot be done before/);
  // it can still be waived, with a reason
  assert.equal((await event('adv', c.id, { type: 'step_waived', step: 'advocate_followup_90d', at: isoMinutesAgo(1), reason: 'Synthetic: the youth moved out of the county' })).status, 201);
  const p = await event('cw', c.id, { type: 'placement', at: isoMinutesAgo(1), setting: 'foster' });
  assert.equal(step(p.json, 'placement_decided').state, 'done');
});

test('the county office of education and the juvenile court are agency kinds', async () => {
  for (const kind of ['education', 'juvenile_court']) {
    const r = await srv.as('admin').post('/api/v1/agencies', { name: `Synthetic ${kind}`, kind, areas: ['*'] });
    assert.equal(r.status, 201, r.text);
  }
  assertProblem(await srv.as('admin').post('/api/v1/agencies', { name: 'Synthetic school board', kind: 'school' }), 422, 'kind');
});

test('the witness part: judged on the motion date, the last day to file, a warning when filed too late', async () => {
  // 13 now, 14 in about two months: eligible under PC 1347 until the day before
  const birthday = new Date(Date.now() + 60 * 86400000);
  const birth = `${birthday.getUTCFullYear() - 14}-${String(birthday.getUTCMonth() + 1).padStart(2, '0')}-${String(Math.min(birthday.getUTCDate(), 28)).padStart(2, '0')}`;
  const c = (await identify(srv.as('le'), { youth: { birth_date: birth, first_name: 'Synthetic', last_name: 'Witness' } })).json;
  const p = await srv.as('pros').post('/api/v1/prosecutions', {
    court_case_number: `BA-FACTS-${process.pid}`, court: 'Superior Court (synthetic)', charges: ['Pen. Code, § 288, subd. (a)'],
    filed_at: isoMinutesAgo(600), defendants: [{ role: 'exploiter', name: 'Synthetic Defendant Facts' }],
  });
  assert.equal(p.status, 201, p.text);
  await invite(srv, 'le', c.id, 'pros');
  const w = await srv.as('pros').post(`/api/v1/prosecutions/${p.json.id}/witnesses`, { case_id: c.id });
  assert.equal(w.status, 201, w.text);
  const hearing = iso(Date.now() + 120 * 86400000);
  assert.equal((await srv.as('pros').post(`/api/v1/prosecutions/${p.json.id}/hearings`, { kind: 'trial', at: hearing })).status, 201);
  let wv = (await srv.as('pros').get(`/api/v1/cases/${c.id}/witness`)).json.witnesses[0];
  const deadline = wv.items.find((i) => i.key === 'cctv_motion_deadline');
  assert.ok(deadline, JSON.stringify(wv.items));
  assert.equal(deadline.owner, 'prosecutor');
  assert.equal(wv.eligibility.motion_filed, false);
  assert.ok(wv.eligibility.rules.find((r) => r.rule === 'PC 1347').eligible);
  assert.match(wv.eligibility.rules.find((r) => r.rule === 'county policy').reason, /without statutory force/);
  // the notice is owed (eligible on the motion date), although she is 14 at trial
  assert.equal(wv.items.find((i) => i.key === 'witness_notice').state, 'pending');
  // the motion filed today: judged today
  assert.equal((await event('pros', c.id, { type: 'cctv_motion', at: isoMinutesAgo(1), witness_id: w.json.id, rule: 'PC 1347', outcome: 'filed' })).status, 201);
  wv = (await srv.as('pros').get(`/api/v1/cases/${c.id}/witness`)).json.witnesses[0];
  assert.equal(wv.eligibility.motion_filed, true);
  assert.ok(!wv.items.some((i) => i.key === 'cctv_motion_deadline'));
  assert.equal(wv.items.find((i) => i.key === 'witness_notice').state, 'pending');
  assert.deepEqual(wv.warnings, []);
  // a hearing in two days: its notice was due before the motion was filed
  assert.equal((await srv.as('pros').post(`/api/v1/prosecutions/${p.json.id}/hearings`, { kind: 'preliminary', at: iso(Date.now() + 2 * 86400000) })).status, 201);
  wv = (await srv.as('pros').get(`/api/v1/cases/${c.id}/witness`)).json.witnesses[0];
  assert.equal(wv.warnings.length, 1, JSON.stringify(wv.warnings));
  assert.match(wv.warnings[0], /filed after the written notice for the preliminary hearing was due/);
  // a witness only (not the victim): PC 1347's routes need a victim
  const e = await srv.as('pros').post('/api/v1/witness/eligibility', { birth_date: birth, motion_date: countyDate(Date.now()), charges: ['PC 288(a)'], victim: false });
  assert.equal(e.status, 200, e.text);
  assert.equal(e.json.rules.find((r) => r.rule === 'PC 1347').eligible, false);
  assert.match(e.json.rules.find((r) => r.rule === 'PC 1347').reason, /only when the minor is their victim/);
});
