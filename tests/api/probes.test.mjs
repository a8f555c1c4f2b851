// What an agency that is not on a case can learn by naming it: nothing, on any case path,
// and each try is recorded for the case's supervisors; a replayed identification is a read
// and is recorded too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, identify, isoMinutesAgo, assertProblem, query, cli } from './harness.mjs';

let srv;
before(async () => { srv = await startCounty(); });
after(async () => { assert.equal(await srv.stop(), 0); });

const sql = (q) => query(srv.db, q);

test('every case path answers 404 to an agency not on the case, and each probe is audited with its route', async () => {
  const kase = (await identify(srv.as('le'))).json;
  const p = (await srv.as('pros').post('/api/v1/prosecutions', {
    court_case_number: 'SYN-PROBE-1', court: 'Synthetic Superior Court', charges: ['PC 236.1(c)'], filed_at: isoMinutesAgo(60),
  })).json;
  const other = srv.as('le2');
  const tries = [
    ['GET /api/v1/cases/{id}', () => other.get(`/api/v1/cases/${kase.id}`)],
    ['GET /api/v1/cases/{id}/events', () => other.get(`/api/v1/cases/${kase.id}/events`)],
    ['POST /api/v1/cases/{id}/events', () => other.post(`/api/v1/cases/${kase.id}/events`, { type: 'note', section: 'core', at: isoMinutesAgo(0), text: 'Synthetic probe' })],
    ['GET /api/v1/cases/{id}/witness', () => other.get(`/api/v1/cases/${kase.id}/witness`)],
    ['GET /api/v1/cases/{id}/notifications', () => other.get(`/api/v1/cases/${kase.id}/notifications`)],
    ['POST /api/v1/prosecutions/{id}/witnesses', () => srv.as('pros').post(`/api/v1/prosecutions/${p.id}/witnesses`, { case_id: kase.id })],
  ];
  for (const [route, go] of tries) {
    const r = await go();
    assertProblem(r, 404);
    // the same answer as for a case that does not exist
    assert.ok(!r.text.includes(kase.id), route);
  }
  const rows = sql(`SELECT detail FROM audit WHERE action = 'case.probe' AND outcome = 'denied' AND case_id = '${kase.id}' ORDER BY seq`).split('\n');
  assert.deepEqual(rows, tries.map(([route]) => route));
  // a case that does not exist leaves no probe row naming it
  assertProblem(await other.get('/api/v1/cases/SH-0000000000000'), 404);
  assert.equal(sql("SELECT count(*) FROM audit WHERE case_id = 'SH-0000000000000'"), '0');
  // the case's supervisors see who tried
  const viewed = (await srv.as('le_sup').get(`/api/v1/cases/${kase.id}/audit`)).json.items;
  assert.ok(viewed.some((x) => x.action === 'case.probe' && x.user === 'Synthetic le2'), JSON.stringify(viewed.slice(0, 3)));
  assert.equal(verify(), 0);
});

test('a replayed identification answers through the gate and is audited as a read', async () => {
  const key = `replay-${process.pid}-${Date.now()}`;
  const body = { identified_at: isoMinutesAgo(5), youth: { birth_date: '2011-05-05', first_name: 'Replay', last_name: 'Synthetic' } };
  const first = await identify(srv.as('le'), body, key);
  assert.equal(first.status, 201, first.text);
  const again = await identify(srv.as('le'), body, key);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.id, first.json.id);
  assert.equal(sql(`SELECT outcome FROM audit WHERE action = 'case.create' AND case_id = '${first.json.id}' ORDER BY seq`), 'ok\nreplayed');
});

function verify() {
  return cli(['audit', 'verify', '--db', srv.db]).status;
}
