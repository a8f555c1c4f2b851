// The LA file rewritten with its witness items (2026.5) gives every case the clocks the
// previous version (2026.4) gives: the demo's recoveries replayed under both, and a case
// pinned to 2026.4 before the upgrade keeps its witness's items.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli, tempDb, serve, makeClient, startCounty, identify, invite, witnessWithHearing, query, copyDatabase } from './harness.mjs';

const V1 = 'protocols/history/la-county-frp-2026.4.protocol';
const V2 = 'protocols/la-county-frp.protocol';
const sql = query;
// what a case shows of its steps, without the seconds left (the two servers read apart)
const clocks = (view) => view.steps.map(({ seconds_left: _, ...s }) => s);

test('the demo replayed: every recovery gives the same steps under 2026.4 and 2026.5', async () => {
  const tmp = tempDb();
  const a = tmp.db;
  let r = cli(['init', '--db', a]);
  assert.equal(r.status, 0, r.stderr);
  r = cli(['demo', '--db', a, '--protocol', V1]);
  assert.equal(r.status, 0, r.stderr);
  // members of the agencies that take part in the demo's cases
  const users = ['socialworker', 'probation', 'advocate', 'nurse', 'deputy.compton', 'deputy.century', 'officer.longbeach'];
  const tokens = users.map((u) => {
    const t = cli(['token', 'create', '--db', a, '--username', u]);
    assert.equal(t.status, 0, t.stderr);
    return t.stdout.trim();
  });
  // the same county again (database, key file, checkpoints), its cases pinned to 2026.5
  const b = copyDatabase(a, 'replay');
  const load = await serve(b, ['--protocol', V2]);
  assert.equal(await load.stop(), 0);
  sql(b, "UPDATE cases SET protocol_id = (SELECT id FROM protocols WHERE version = '2026.5')");
  const ids = sql(a, 'SELECT id FROM cases ORDER BY id').split('\n');
  assert.ok(ids.length >= 40, `${ids.length} demo cases`);

  const one = await serve(a, ['--protocol', V2]);
  const two = await serve(b, ['--protocol', V2]);
  try {
    let compared = 0;
    for (const id of ids) {
      for (const token of tokens) {
        const x = await makeClient(one.url).useToken(token).get(`/api/v1/cases/${id}`);
        if (x.status !== 200) continue;
        const y = await makeClient(two.url).useToken(token).get(`/api/v1/cases/${id}`);
        assert.equal(y.status, 200, y.text);
        assert.equal(x.json.protocol.version, '2026.4');
        assert.equal(y.json.protocol.version, '2026.5');
        assert.deepEqual(clocks(y.json), clocks(x.json), `case ${id}`);
        compared++;
        break;
      }
    }
    assert.equal(compared, ids.length, 'every demo case read');
  } finally {
    assert.equal(await one.stop(), 0);
    assert.equal(await two.stop(), 0);
    tmp.cleanup();
  }
});

test('a case pinned to 2026.4 keeps its witness items once the server loads 2026.5', async () => {
  const srv = await startCounty({ args: ['--protocol', V1] });
  const kase = (await identify(srv.as('le'), { youth: { birth_date: '2012-02-02', first_name: 'Pina', last_name: 'Pinnedcase' } })).json;
  assert.equal(kase.protocol.version, '2026.4');
  await invite(srv, 'le', kase.id, 'pros');
  // with 2026.4 alone (no witness blocks) the witness brings no items
  await witnessWithHearing(srv, kase.id, { number: 'BA-PIN-1', court: 'Superior Court (synthetic)', defendant: 'Synthetic Defendant Pin' });
  let view = (await srv.as('pros').get(`/api/v1/cases/${kase.id}/witness`)).json.witnesses[0];
  assert.deepEqual(view.items, []);
  assert.equal(await srv.stop({ keep: true }), 0);

  const again = await serve(srv.db, ['--protocol', V2]);
  try {
    const pros = makeClient(again.url).useToken(srv.tokens.pros);
    const c = (await pros.get(`/api/v1/cases/${kase.id}`)).json;
    assert.equal(c.protocol.version, '2026.4');
    view = (await pros.get(`/api/v1/cases/${kase.id}/witness`)).json.witnesses[0];
    assert.deepEqual(view.items.map((s) => s.key).sort(),
      ['cctv_motion_deadline', 'safety_plan_review', 'witness_advocate', 'witness_notice']);
    assert.equal(view.items.find((s) => s.key === 'witness_advocate').title, 'An advocate is assigned to the minor witness');
    assert.equal(view.items.find((s) => s.key === 'witness_advocate').also_owner, 'prosecutor');
  } finally {
    assert.equal(await again.stop(), 0);
    srv.cleanup();
  }
});
