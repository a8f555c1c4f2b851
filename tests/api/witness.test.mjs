// Minor victim witnesses (motion item 3): CCTV eligibility, an advocate for every
// witness, safety plans reviewed before each hearing, defendants kept to law
// enforcement and the prosecutor, and name confidentiality.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, identify, isoMinutesAgo, assertProblem, invite, PLAN_PARTS, writePlan, countyDayEnd, bornYearsAgo } from './harness.mjs';

let srv;
before(async () => { srv = await startCounty(); });
after(async () => { assert.equal(await srv.stop(), 0); });

const eligible = (r, rule) => r.json.rules.find((x) => x.rule === rule);
const inDays = (d) => new Date(Date.now() + d * 86400000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const DEFENDANT = 'Synthetic Defendant Zed';

async function prosecution(body = {}) {
  const r = await srv.as('pros').post('/api/v1/prosecutions', {
    court_case_number: `BA${Math.floor(Math.random() * 1e6)}`, court: 'Superior Court (synthetic)',
    charges: ['PC 236.1(c)'], filed_at: isoMinutesAgo(60 * 24),
    defendants: [{ role: 'exploiter', name: DEFENDANT, charges: ['PC 236.1(c)', 'PC 266h'] }], ...body,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('eligibility: each rule says eligible or not, and why', async () => {
  const c = srv.as('pros');
  let r = await c.post('/api/v1/witness/eligibility', { birth_date: '2012-06-15', motion_date: '2025-06-14', charges: ['PC 288'] });
  assert.equal(r.status, 200, r.text);
  assert.equal(eligible(r, 'PC 1347').eligible, true);
  assert.match(eligible(r, 'PC 1347').reason, /12/);
  r = await c.post('/api/v1/witness/eligibility', { birth_date: '2009-06-15', motion_date: '2025-06-14', charges: ['PC 236.1'], hearing_date: '2025-06-20' });
  assert.equal(eligible(r, 'PC 1347').eligible, false);
  assert.equal(eligible(r, 'PC 1347.1').eligible, true);
  assert.equal(r.json.notice_due, '2025-06-17');
  r = await c.post('/api/v1/witness/eligibility', { birth_date: '2000-06-15', motion_date: '2016-05-01', charges: ['PC 236.1'] });
  assert.equal(eligible(r, 'PC 1347.1').eligible, false);
  assert.equal(eligible(r, 'PC 1347.1').in_effect, false);
  r = await c.post('/api/v1/witness/eligibility', { birth_date: '2008-01-10', motion_date: '2025-06-14', charges: ['PC 236.1'] });
  assert.equal(eligible(r, 'PC 1347.1').eligible, false);
  assert.equal(eligible(r, 'county policy').eligible, true);
  assertProblem(await c.post('/api/v1/witness/eligibility', { birth_date: '2012-06-15', motion_date: '2025-06-14', charges: [''] }), 422, 'charges[0]');
  assertProblem(await c.post('/api/v1/witness/eligibility', { birth_date: '2012-06-15', charges: ['PC 288'] }), 422, 'motion_date');
});

test('only the prosecutor records prosecutions; every field is checked', async () => {
  assertProblem(await srv.as('le').post('/api/v1/prosecutions', { court_case_number: 'X', court: 'Y', charges: ['PC 236.1'], filed_at: isoMinutesAgo(1) }), 403);
  assertProblem(await srv.as('pros').post('/api/v1/prosecutions', { court_case_number: 'X', court: 'Y', charges: ['VC 23152'], filed_at: isoMinutesAgo(1) }), 422, 'charges[0]');
  assertProblem(await srv.as('pros').post('/api/v1/prosecutions', { court_case_number: 'X', court: 'Y', charges: ['PC 236.1'], filed_at: isoMinutesAgo(1), defendants: [{ role: 'pimp', name: 'x' }] }), 422, 'defendants[0].role');
});

test('a listed witness needs an advocate, due by the end of the county day two days later, for the prosecutor and the advocates', async () => {
  const kase = (await identify(srv.as('le'))).json;
  const p = await prosecution();
  assertProblem(await srv.as('pros').get(`/api/v1/cases/${kase.id}`), 404);
  assertProblem(await srv.as('pros').post(`/api/v1/prosecutions/${p.id}/witnesses`, { case_id: 'SH-NOSUCHCASE' }), 404, 'case_id');
  // a case the prosecutor was not brought into is a 404, the same as one that does not exist
  const probe = await srv.as('pros').post(`/api/v1/prosecutions/${p.id}/witnesses`, { case_id: kase.id });
  assertProblem(probe, 404, 'case_id');
  assert.ok(!/18|minor/.test(probe.json.detail + JSON.stringify(probe.json.errors)), 'nothing about the youth leaks');
  assertProblem(await srv.as('pros').get(`/api/v1/cases/${kase.id}`), 404);
  // an agency not on the case cannot bring itself in: the case stays a 404 to it
  const prosAgency = (await srv.as('pros').get('/api/v1/me')).json.user.agency.id;
  const self = await srv.as('pros').post(`/api/v1/cases/${kase.id}/events`, {
    type: 'agency_invited', at: isoMinutesAgo(0), agency_id: prosAgency, reason: 'Synthetic: letting myself in' });
  assertProblem(self, 404);
  await invite(srv, 'le', kase.id, 'pros');
  assertProblem(await srv.as('le').post(`/api/v1/cases/${kase.id}/events`, {
    type: 'agency_invited', at: isoMinutesAgo(0), agency_id: prosAgency, reason: 'Synthetic: twice' }), 409);
  assertProblem(await srv.as('le').post(`/api/v1/cases/${kase.id}/events`, {
    type: 'agency_invited', at: isoMinutesAgo(0), agency_id: 99999, reason: 'Synthetic: nobody' }), 422, 'agency_id');
  assert.equal((await srv.as('pros').get(`/api/v1/cases/${kase.id}`)).status, 200, 'the prosecutor now takes part');
  const w = await srv.as('pros').post(`/api/v1/prosecutions/${p.id}/witnesses`, { case_id: kase.id });
  assert.equal(w.status, 201, w.text);
  // a first deadline a person can meet: the end of the county day two days after the
  // listing (witness.advocate_days), never the listing itself
  const due = countyDayEnd(Date.now(), 2);
  for (const u of ['pros', 'adv']) {
    const owed = await srv.as(u).get('/api/v1/cases?open=1&limit=200');
    const item = owed.json.items.find((i) => i.id === kase.id);
    assert.ok(item, `${u} owes the advocate`);
    const s = item.owed.find((x) => x.key === 'witness_advocate');
    assert.ok(s, u);
    assert.equal(s.overdue, false, `${u}: not overdue when it is created`);
    assert.equal(s.due_at, due, u);
    assert.equal(s.title, 'An advocate is assigned to the minor witness', 'named in words in the lists');
    const overdue = await srv.as(u).get('/api/v1/cases?open=1&overdue=1&limit=200');
    assert.ok(!overdue.json.items.some((i) => i.id === kase.id), u);
  }
  const me = (await srv.as('adv').get('/api/v1/me')).json.user;
  const a = await srv.as('adv').post(`/api/v1/cases/${kase.id}/events`, { type: 'witness_advocate', at: isoMinutesAgo(0), witness_id: w.json.id, user_id: me.id });
  assert.equal(a.status, 201, a.text);
  const view = await srv.as('pros').get(`/api/v1/cases/${kase.id}/witness`);
  assert.equal(view.status, 200, view.text);
  assert.equal(view.json.witnesses[0].advocate.name, 'Synthetic adv');
  assert.equal(view.json.witnesses[0].items.find((s) => s.key === 'witness_advocate').state, 'done');
  assertProblem(await srv.as('pros').post(`/api/v1/cases/${kase.id}/events`, { type: 'witness_advocate', at: isoMinutesAgo(0), witness_id: w.json.id, user_id: me.id }), 403);
});

test('a safety plan is written jointly and reviewed before each hearing; notice 3 days before', async () => {
  const kase = (await identify(srv.as('le'), { youth: { birth_date: bornYearsAgo(15, 100), first_name: 'Wren', last_name: 'Witnesscase' } })).json;
  const p = await prosecution();
  await invite(srv, 'le', kase.id, 'pros');
  const w = (await srv.as('pros').post(`/api/v1/prosecutions/${p.id}/witnesses`, { case_id: kase.id })).json;
  const hearingAt = inDays(20);
  const h = await srv.as('pros').post(`/api/v1/prosecutions/${p.id}/hearings`, { kind: 'preliminary', at: hearingAt });
  assert.equal(h.status, 201, h.text);
  let view = (await srv.as('adv').get(`/api/v1/cases/${kase.id}/witness`)).json.witnesses[0];
  const review = view.items.find((s) => s.key === 'safety_plan_review');
  const notice = view.items.find((s) => s.key === 'witness_notice');
  assert.equal(Date.parse(review.due_at), Date.parse(hearingAt) - 7 * 86400000);
  assert.equal(review.state, 'pending');
  assert.equal(notice.state, 'pending'); // 15 at the hearing, charged under 236.1: PC 1347.1
  assert.ok(view.eligibility.rules.some((r) => r.eligible));
  // written jointly: each agency writes three parts, then each signs the whole plan off
  for (const [i, u] of ['adv', 'pros', 'le'].entries()) await writePlan(srv, u, kase.id, w.id, PLAN_PARTS.slice(i * 3, i * 3 + 3));
  for (const u of ['adv', 'pros', 'le']) {
    const r = await srv.as(u).post(`/api/v1/cases/${kase.id}/events`, { type: 'safety_plan_signoff', at: isoMinutesAgo(0), witness_id: w.id });
    assert.equal(r.status, 201, r.text);
  }
  assertProblem(await srv.as('cw').post(`/api/v1/cases/${kase.id}/events`, { type: 'safety_plan', at: isoMinutesAgo(0), witness_id: w.id, part: 'waiting_area', text: 'x' }), 403);
  const rv = await srv.as('adv').post(`/api/v1/cases/${kase.id}/events`, { type: 'safety_plan_review', at: isoMinutesAgo(0), witness_id: w.id, hearing_id: h.json.id });
  assert.equal(rv.status, 201, rv.text);
  const ns = await srv.as('pros').post(`/api/v1/cases/${kase.id}/events`, { type: 'notice_served', at: isoMinutesAgo(0), witness_id: w.id, hearing_id: h.json.id });
  assert.equal(ns.status, 201, ns.text);
  assert.equal((await srv.as('pros').post(`/api/v1/cases/${kase.id}/events`, { type: 'cctv_motion', at: isoMinutesAgo(0), witness_id: w.id, rule: 'PC 1347.1', outcome: 'filed' })).status, 201);
  view = (await srv.as('pros').get(`/api/v1/cases/${kase.id}/witness`)).json.witnesses[0];
  assert.equal(Object.keys(view.safety_plan.parts).length, 9);
  assert.deepEqual(view.safety_plan.signoffs.map((s) => s.kind).sort(), ['advocacy', 'law_enforcement', 'prosecutor']);
  assert.equal(view.items.find((s) => s.key === 'safety_plan_review').state, 'done');
  assert.equal(view.items.find((s) => s.key === 'witness_notice').state, 'done');
  assert.equal(view.cctv_motions[0].outcome, 'filed');
  // a second hearing needs its own review
  await srv.as('pros').post(`/api/v1/prosecutions/${p.id}/hearings`, { kind: 'trial', at: inDays(60) });
  view = (await srv.as('adv').get(`/api/v1/cases/${kase.id}/witness`)).json.witnesses[0];
  assert.equal(view.items.filter((s) => s.key === 'safety_plan_review' && s.state === 'pending').length, 1);
});

test('a hearing set less than a week ahead: its plan review is due by the end of that county day, not overdue at once', async () => {
  const kase = (await identify(srv.as('le'))).json;
  const p = await prosecution();
  await invite(srv, 'le', kase.id, 'pros');
  const w = (await srv.as('pros').post(`/api/v1/prosecutions/${p.id}/witnesses`, { case_id: kase.id })).json;
  const h = await srv.as('pros').post(`/api/v1/prosecutions/${p.id}/hearings`, { kind: 'motion', at: inDays(3) });
  assert.equal(h.status, 201, h.text);
  const view = (await srv.as('adv').get(`/api/v1/cases/${kase.id}/witness`)).json.witnesses.find((x) => x.id === w.id);
  const review = view.items.find((s) => s.key === 'safety_plan_review' && s.episode === h.json.id);
  assert.equal(review.state, 'pending');
  assert.equal(review.overdue, false);
  assert.equal(review.due_at, countyDayEnd(Date.now()) < inDays(3) ? countyDayEnd(Date.now()) : inDays(3));
});

test('defendants are for law enforcement and the prosecutor only', async () => {
  const kase = (await identify(srv.as('le'))).json;
  const p = await prosecution();
  await invite(srv, 'le', kase.id, 'pros');
  await srv.as('pros').post(`/api/v1/prosecutions/${p.id}/witnesses`, { case_id: kase.id });
  const pr = await srv.as('pros').get(`/api/v1/prosecutions/${p.id}`);
  assert.equal(pr.json.defendants[0].name, DEFENDANT);
  const le = await srv.as('le').get(`/api/v1/prosecutions/${p.id}`);
  assert.equal(le.status, 200, le.text);
  assert.equal(le.json.defendants[0].name, DEFENDANT);
  for (const u of ['adv', 'cw', 'med', 'mh', 'le2']) {
    const c = srv.as(u);
    assertProblem(await c.get(`/api/v1/prosecutions/${p.id}`), 404);
    for (const path of [`/api/v1/cases/${kase.id}`, `/api/v1/cases/${kase.id}/events`, `/api/v1/cases/${kase.id}/witness`, '/api/v1/cases?limit=200']) {
      const r = await c.get(path);
      assert.ok(!r.text.includes(DEFENDANT), `${u} ${path}`);
    }
  }
});

test('a confidential name (PC 293) is withheld from the prosecutor and on witness outputs', async () => {
  const kase = (await identify(srv.as('le'), { name_confidential: true, youth: { birth_date: '2010-01-01', first_name: 'Secretname', last_name: 'Hidden' } })).json;
  assert.equal(kase.youth.first_name, 'Secretname'); // law enforcement may see it
  const p = await prosecution();
  await invite(srv, 'le', kase.id, 'pros');
  await srv.as('pros').post(`/api/v1/prosecutions/${p.id}/witnesses`, { case_id: kase.id });
  for (const path of [`/api/v1/cases/${kase.id}`, `/api/v1/cases/${kase.id}/witness`, `/api/v1/prosecutions/${p.id}`, `/api/v1/cases/${kase.id}/events`]) {
    const r = await srv.as('pros').get(path);
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.text.includes('Secretname'), path);
  }
  const v = await srv.as('pros').get(`/api/v1/cases/${kase.id}/witness`);
  assert.match(v.json.youth_label, /Doe/);
});

test('dates no court could have are refused: filings decades old or ahead, hearings before the filing or years ahead, outcomes in the future', async () => {
  const create = (filed_at) => srv.as('pros').post('/api/v1/prosecutions', {
    court_case_number: 'SYN-DATES', court: 'Superior Court (synthetic)', charges: ['PC 236.1(c)'], filed_at });
  for (const filed of ['1900-01-01T00:00:00Z', '2999-01-01T00:00:00Z']) assertProblem(await create(filed), 422, 'filed_at');
  const p = await prosecution();
  const hearing = (at) => srv.as('pros').post(`/api/v1/prosecutions/${p.id}/hearings`, { kind: 'preliminary', at });
  for (const at of ['1900-01-01T09:00:00Z', '9999-12-31T09:00:00Z', isoMinutesAgo(60 * 24 * 2)]) {
    const r = await hearing(at);
    assertProblem(r, 422, 'at');
    assert.match(r.json.errors[0].message, /filing of the charges/);
  }
  assert.equal((await hearing(isoMinutesAgo(-60 * 24 * 30))).status, 201, 'a hearing next month');
  const outcome = (at) => srv.as('pros').post(`/api/v1/prosecutions/${p.id}/outcome`, { outcome: 'plea', at });
  assertProblem(await outcome('1900-01-01T00:00:00Z'), 422, 'at');
  assertProblem(await outcome(isoMinutesAgo(-60 * 24)), 422, 'at');
  // an assault "in 1900" starts no exam clock
  const kase = (await identify(srv.as('le'))).json;
  assertProblem(await srv.as('med').post(`/api/v1/cases/${kase.id}/events`, {
    type: 'assault_disclosed', at: isoMinutesAgo(0), last_assault_at: '1900-01-01T00:00:00Z' }), 422, 'last_assault_at');
  assertProblem(await identify(srv.as('le'), { last_assault_at: '1900-01-01T00:00:00Z' }), 422, 'last_assault_at');
});

test('a safety plan with empty parts cannot be signed off; changing a part resets the sign-offs, kept on the timeline', async () => {
  const kase = (await identify(srv.as('le'))).json;
  const p = await prosecution();
  await invite(srv, 'le', kase.id, 'pros');
  const w = (await srv.as('pros').post(`/api/v1/prosecutions/${p.id}/witnesses`, { case_id: kase.id })).json;
  const signoff = (u) => srv.as(u).post(`/api/v1/cases/${kase.id}/events`, { type: 'safety_plan_signoff', at: isoMinutesAgo(0), witness_id: w.id });
  const view = async () => (await srv.as('adv').get(`/api/v1/cases/${kase.id}/witness`)).json.witnesses[0].safety_plan;

  // empty: refused, naming every empty part in words, and nothing is written
  let r = await signoff('adv');
  assertProblem(r, 422, 'safety_plan.exploiter_contact');
  assert.equal(r.json.errors.length, PLAN_PARTS.length);
  assert.match(r.json.detail, /cannot be signed off while parts are empty: contact with the exploiter and associates, .*24\/7 numbers/);
  assert.deepEqual((await view()).missing_parts, PLAN_PARTS);
  // one part short: refused, naming that part alone
  await writePlan(srv, 'adv', kase.id, w.id, PLAN_PARTS.slice(0, -1));
  r = await signoff('pros');
  assertProblem(r, 422, 'safety_plan.address_confidentiality');
  assert.equal(r.json.errors.length, 1);
  await writePlan(srv, 'le', kase.id, w.id, ['address_confidentiality']);
  for (const u of ['adv', 'pros']) assert.equal((await signoff(u)).status, 201);
  let plan = await view();
  assert.deepEqual(plan.signoffs.map((s) => s.kind).sort(), ['advocacy', 'prosecutor']);
  assert.deepEqual(plan.missing_parts, []);

  // a part written again: the plan changed, so its sign-offs are reset (and kept on the timeline)
  await writePlan(srv, 'pros', kase.id, w.id, ['court_transport']);
  plan = await view();
  assert.deepEqual(plan.signoffs, []);
  assert.deepEqual(plan.reset_signoffs.map((s) => s.kind).sort(), ['advocacy', 'prosecutor']);
  assert.ok(plan.changed_at);
  const timeline = (await srv.as('adv').get(`/api/v1/cases/${kase.id}/events`)).json.items;
  assert.equal(timeline.filter((e) => e.type === 'safety_plan_signoff').length, 2);
  assert.equal((await signoff('adv')).status, 201);
  assert.deepEqual((await view()).signoffs.map((s) => s.kind), ['advocacy']);
});
