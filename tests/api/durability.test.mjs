// A crash never loses an acknowledged write: identifications stream in from several
// clients, the server is killed with SIGKILL mid-stream, and after a restart every
// acknowledged case is there, whole, and the audit chain holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, serve, makeClient, cli, isoMinutesAgo, query } from './harness.mjs';
import { waitFor } from './receivers.mjs';

test('SIGKILL mid-stream loses no acknowledged identification or event', async () => {
  const srv = await startCounty();
  const acked = [];
  const events = [];
  let stop = false;
  let n = 0;
  async function worker(w) {
    const le = srv.as('le');
    while (!stop) {
      const key = `dur-${w}-${n++}`;
      try {
        const r = await le.post('/api/v1/cases', {
          identified_at: isoMinutesAgo(1), area: 'compton', youth_status: 'none', youth: { age_estimate: 15 },
        }, { headers: { 'idempotency-key': key } });
        if (r.status === 201) {
          acked.push(r.json.id);
          const e = await le.post(`/api/v1/cases/${r.json.id}/events`, { type: 'note', section: 'core', at: isoMinutesAgo(0), text: 'synthetic' });
          if (e.status === 201) events.push(e.json.event.id);
        }
      } catch { /* the connection died with the server */ }
    }
  }
  const workers = [0, 1, 2, 3, 4, 5].map(worker);
  // killed once some writes are acknowledged, with more in flight (not after a fixed time: a
  // loaded machine may not have answered six by then)
  await waitFor(() => acked.length > 5, 60000, 'six acknowledged identifications');
  await srv.kill();
  stop = true;
  await Promise.all(workers);
  assert.ok(acked.length > 5, `only ${acked.length} writes acknowledged`);

  const again = await serve(srv.db);
  try {
    const le = makeClient(again.url).useToken(srv.tokens.le);
    for (const id of acked) {
      const r = await le.get(`/api/v1/cases/${id}`);
      assert.equal(r.status, 200, `acknowledged case ${id} lost`);
      assert.ok(r.json.steps.length > 0, `case ${id} has no steps`);
    }
    const q = (s) => query(srv.db, s);
    for (const id of events) assert.equal(q(`SELECT count(*) FROM events WHERE id = ${id}`), '1');
    // nothing half-written: every case has its identification, agencies and steps
    assert.equal(q("SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.id AND e.type = 'identification') OR NOT EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id) OR NOT EXISTS (SELECT 1 FROM case_agencies a WHERE a.case_id = c.id)"), '0');
  } finally {
    assert.equal(await again.stop(), 0);
  }
  const v = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.status, 0, v.stderr);
});
