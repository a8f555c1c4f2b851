// A read's answer leaves only once its audit row is durable. The server no longer holds a
// thread while that row commits (docs/architecture.md, "Connections"): the answer waits
// with its connection suspended. When the row cannot be written (here a trigger refuses
// every audit row, as a full disk would refuse the write), the reader gets a 500 problem
// and never the body, on the event-loop path (case view, timeline, lists) and on the
// workers' (export, search); once rows can be written again, reads answer and are
// recorded, and the chain holds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, identify, cli, query, assertProblem, PG } from './harness.mjs';

let srv, kase;
before(async () => {
  srv = await startCounty();
  kase = (await identify(srv.as('le'))).json;
});
after(async () => {
  assert.equal(await srv.stop({ keep: true }), 0);
  const v = cli(['audit', 'verify', '--db', srv.db]);
  srv.cleanup();
  assert.equal(v.status, 0, v.stderr);
});

const REFUSE = PG
  ? `CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'synthetic: the disk is full'; END $$ LANGUAGE plpgsql;
     CREATE TRIGGER refuse_audit BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION refuse_audit();`
  : "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'synthetic: the disk is full'); END;";
const ALLOW = PG
  ? 'DROP TRIGGER refuse_audit ON audit; DROP FUNCTION refuse_audit();'
  : 'DROP TRIGGER refuse_audit;';
const reads = () => [
  ['GET', `/api/v1/cases/${kase.id}`],
  ['GET', `/api/v1/cases/${kase.id}/events`],
  ['GET', `/api/v1/cases/${kase.id}/notifications`],
  ['GET', '/api/v1/cases?open=1'],
  ['GET', `/api/v1/cases/${kase.id}/export?reason=court&note=Synthetic%20order%2026-JV-0001`],
  ['POST', '/api/v1/search', { case_id: kase.id }],
];
const rows = () => Number(query(srv.db, 'SELECT count(*) FROM audit'));

test('a read whose audit row cannot be written answers 500, never the body', async () => {
  const le = srv.as('le');
  const youth = (await le.get(`/api/v1/cases/${kase.id}`)).json.youth;
  assert.ok(youth, 'the case shows its youth to law enforcement');
  query(srv.db, REFUSE);
  try {
    const before = rows();
    for (const [method, path, body] of reads()) {
      const r = await le.request(method, path, body ? { body } : {});
      assertProblem(r, 500);
      assert.equal(r.json.errors.length, 0);
      // nothing of the case: not its id, not its timeline, not its youth
      assert.ok(!r.text.includes(kase.id), `${method} ${path} leaked the case: ${r.text}`);
      assert.ok(!/"(items|steps|youth|timeline)"/.test(r.text), `${method} ${path}: ${r.text}`);
    }
    assert.equal(rows(), before, 'no audit row was written');
  } finally {
    query(srv.db, ALLOW);
  }
  const before = rows();
  for (const [method, path, body] of reads()) {
    const r = await le.request(method, path, body ? { body } : {});
    assert.equal(r.status, 200, `${method} ${path}: ${r.text}`);
  }
  assert.ok(rows() > before, 'the reads were recorded');
});
