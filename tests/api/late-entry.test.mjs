// Backdating: a step done or a case closed with a time well before it is recorded is a
// late entry. It needs a reason, is a deviation for the recording agency's supervisor,
// and the clocks (and so the Board's timeliness) count it when it was recorded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, identify, isoMinutesAgo, assertProblem, cli, query } from './harness.mjs';

let srv;
before(async () => { srv = await startCounty(); });
after(async () => { assert.equal(await srv.stop(), 0); });

const post = (u, id, body) => srv.as(u).post(`/api/v1/cases/${id}/events`, body);
const sql = (q) => query(srv.db, q);
const REASON = 'Synthetic: no signal at the motel; the on-scene time was written on paper and entered at the office.';

test('a step done more than the margin before now needs a reason and counts when recorded', async () => {
  const kase = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(300) })).json;
  const stated = isoMinutesAgo(250); // within the 90 minutes the advocate had: "on time" if believed
  for (const [body, why] of [[{}, 'no reason'], [{ late_entry_reason: 'late' }, 'a reason that says nothing']]) {
    const r = await post('adv', kase.id, { type: 'step_done', step: 'advocate_on_scene', at: stated, ...body });
    assertProblem(r, 422, 'late_entry_reason');
    assert.match(r.json.errors[0].message, /events\.late_entry_minutes/, why);
  }
  assert.equal(sql(`SELECT state FROM case_steps WHERE case_id = '${kase.id}' AND step = 'advocate_on_scene'`), 'pending', 'nothing was written');
  const before = Date.now();
  const ok = await post('adv', kase.id, { type: 'step_done', step: 'advocate_on_scene', at: stated, late_entry_reason: REASON });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.event.at, stated, 'the stated time is kept');
  assert.equal(ok.json.event.late_entry, true);
  assert.equal(ok.json.event.deviation, true);
  assert.equal(ok.json.event.late_entry_reason, REASON);
  const step = ok.json.steps.find((s) => s.key === 'advocate_on_scene');
  assert.equal(step.state, 'done');
  assert.ok(Date.parse(step.done_at) >= before - 2000, `counted when recorded, not at ${step.done_at}`);
  assert.ok(Date.parse(step.done_at) > Date.parse(step.due_at), 'so it is late, as the Board counts it');
  // what the Board reads: the step's counted time
  assert.equal(Number(sql(`SELECT CAST(done_at > due_at AS INTEGER) FROM case_steps WHERE case_id = '${kase.id}' AND step = 'advocate_on_scene'`)), 1);
  // a deviation the advocacy supervisor reviews
  const c = (await srv.as('adv_sup').get(`/api/v1/cases/${kase.id}`)).json;
  assert.ok(c.deviations.some((d) => d.event_id === ok.json.event.id && d.type === 'step_done' && !d.reviewed));
  assert.equal((await post('adv_sup', kase.id, { type: 'deviation_review', at: isoMinutesAgo(0), event_id: ok.json.event.id, note: 'Synthetic: confirmed with the advocate.' })).status, 201);
});

test('an entry within the margin needs no reason and is not a deviation; the margin is a setting', async () => {
  const kase = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(120) })).json;
  const r = await post('adv', kase.id, { type: 'step_done', step: 'advocate_on_scene', at: isoMinutesAgo(50) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.event.late_entry, undefined);
  assert.equal(r.json.steps.find((s) => s.key === 'advocate_on_scene').done_at, r.json.event.at, 'counted at the time given');
  for (const v of ['-1', '1441', 'an hour']) {
    const s = cli(['settings', '--db', srv.db, `events.late_entry_minutes=${v}`]);
    assert.notEqual(s.status, 0, v);
    assert.match(s.stderr, /events\.late_entry_minutes/);
  }
  const shown = cli(['settings', '--db', srv.db]);
  assert.match(shown.stdout, /events\.late_entry_minutes = 60/);
});

test('a backdated close needs a reason, and steps late by then stay late instead of ending', async () => {
  const kase = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(3 * 24 * 60) })).json;
  // advocate_on_scene was due 90 minutes after identification: late for days. Closing as of
  // an hour after identification would have ended it as not yet due.
  const stated = isoMinutesAgo(3 * 24 * 60 - 60);
  assertProblem(await post('cw', kase.id, { type: 'close', reason: 'moved_out_of_county', at: stated }), 422, 'late_entry_reason');
  const r = await post('cw', kase.id, { type: 'close', reason: 'moved_out_of_county', at: stated, late_entry_reason: REASON });
  assert.equal(r.status, 201, r.text);
  const step = r.json.steps.find((s) => s.key === 'advocate_on_scene');
  assert.equal(step.state, 'pending', 'still owed and late, not ended by a close dated before its deadline');
  const c = (await srv.as('cw').get(`/api/v1/cases/${kase.id}`)).json;
  assert.ok(Date.parse(c.closed_at) > Date.parse(stated) + 3600e3, `closed when recorded: ${c.closed_at}`);
  assert.ok(c.deviations.some((d) => d.type === 'close'));
});
