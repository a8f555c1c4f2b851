// Compartments that hold when a case has deviations, screenings and corrections: each
// deviation is listed only to those who may read its section, screening results and
// stability checks stay with the agencies that serve the youth (never law enforcement or
// the prosecutor) and the screening level is sealed at rest, an amendment cannot move what
// it corrects into a wider section, and a review is read only where its deviation is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startCounty, identify, isoMinutesAgo, assertProblem, invite, atRest } from './harness.mjs';

let srv;
before(async () => { srv = await startCounty(); });
after(async () => { assert.equal(await srv.stop(), 0); });

const post = (u, id, body) => srv.as(u).post(`/api/v1/cases/${id}/events`, { at: isoMinutesAgo(0), ...body });
const deviations = async (u, id) => (await srv.as(u).get(`/api/v1/cases/${id}`)).json.deviations.map((d) => d.type);

test('an arrest deviation is listed to law enforcement and child welfare, not to medical or the advocate', async () => {
  const kase = (await identify(srv.as('le'))).json;
  const arrest = await post('le', kase.id, { type: 'arrest', offense: 'PC 459',
    justification: 'Synthetic: caught inside a store at night with tools, a burglary unrelated to the exploitation.' });
  assert.equal(arrest.status, 201, arrest.text);
  const detention = await post('cw', kase.id, { type: 'placement', setting: 'detention',
    justification: 'Synthetic: a court order for a hold, no open shelter bed that night in the county.' });
  assert.equal(detention.status, 201, detention.text);
  assert.deepEqual((await deviations('le', kase.id)).sort(), ['arrest', 'placement']);
  assert.deepEqual((await deviations('cw', kase.id)).sort(), ['arrest', 'placement']);
  for (const u of ['med', 'mh', 'adv']) {
    const seen = await deviations(u, kase.id);
    assert.ok(!seen.includes('arrest'), `${u} learns of the arrest: ${seen}`);
    assert.ok(seen.includes('placement'), `${u} reads placements`);
  }
  // the supervisor's review sits with the arrest: medical never reads it
  const review = await post('le_sup', kase.id, { type: 'deviation_review', event_id: arrest.json.event.id,
    note: 'Synthetic: reviewed with the deputy; the arrest stands.' });
  assert.equal(review.status, 201, review.text);
  assert.equal(review.json.event.section, 'law_enforcement');
  const medTimeline = (await srv.as('med').get(`/api/v1/cases/${kase.id}/events`)).json.items;
  assert.ok(!medTimeline.some((e) => e.type === 'deviation_review' || e.type === 'arrest'));
  // a supervisor of another agency cannot even learn the arrest's event id exists
  assertProblem(await post('cw_sup', kase.id, { type: 'deviation_review', event_id: detention.json.event.id + 1000, note: 'x' }), 422, 'event_id');
});

test('screening levels and stability notes are not read by law enforcement or the prosecutor, and the level is sealed', async () => {
  const kase = (await identify(srv.as('le'))).json;
  await invite(srv, 'le', kase.id, 'pros');
  const level = `synthetic-level-${randomUUID().slice(0, 8)}`;
  const note = `Synthetic stability note ${randomUUID()}`;
  const s = await post('cw', kase.id, { type: 'screening', tool: 'CSE-IT', version: '2.0', level });
  assert.equal(s.status, 201, s.text);
  assert.equal(s.json.event.section, 'services');
  assert.equal(s.json.event.level, level);
  assert.equal((await post('adv', kase.id, { type: 'stability_check', stable: true, engaged: true, note })).status, 201);
  assertProblem(await post('le', kase.id, { type: 'screening', tool: 'CSE-IT', level: 'clear concern' }), 403);
  for (const u of ['le', 'le_sup', 'pros']) {
    const tl = await srv.as(u).get(`/api/v1/cases/${kase.id}/events`);
    assert.equal(tl.status, 200, tl.text);
    assert.ok(!tl.text.includes(level) && !tl.text.includes(note), `${u} reads the screening or the note`);
    assert.ok(!tl.json.items.some((e) => e.type === 'screening' || e.type === 'stability_check'), u);
    assert.ok(!(await srv.as(u).get(`/api/v1/cases/${kase.id}`)).text.includes(level), u);
  }
  for (const u of ['cw', 'adv', 'med', 'mh']) {
    const tl = await srv.as(u).get(`/api/v1/cases/${kase.id}/events`);
    assert.ok(tl.text.includes(level) && tl.text.includes(note), u);
  }
  // at rest: the level and the note are in no page of the database file (nor its WAL)
  for (const bytes of atRest(srv.db)) {
    assert.ok(!bytes.includes(level) && !bytes.includes(note), 'the database holds them in clear');
  }
});

test('an amendment stays in the section of the event it corrects', async () => {
  const kase = (await identify(srv.as('le'))).json;
  const n = await post('med', kase.id, { type: 'note', section: 'medical', text: 'Synthetic: exam findings, sensitive.' });
  assert.equal(n.status, 201, n.text);
  const wider = await post('med', kase.id, { type: 'note', section: 'core', amends: n.json.event.id, text: 'Synthetic: exam findings, now for everyone.' });
  assertProblem(wider, 422, 'section');
  const same = await post('med', kase.id, { type: 'note', section: 'medical', amends: n.json.event.id, text: 'Synthetic: exam findings, corrected.' });
  assert.equal(same.status, 201, same.text);
  assert.ok(!(await srv.as('le').get(`/api/v1/cases/${kase.id}/events`)).text.includes('exam findings'));
});
