// The audit chain: every read and write leaves a row; `audit verify` holds on an
// untouched database and names the first bad row after an edit, a deletion or a
// reordering; rows cut from the end (or all of them) are caught by the checkpoints the
// server wrote beside the key; timeline events are in the chain; a NUL byte cannot hide
// text from the MAC. (A chain rewritten and recomputed without the key is caught too:
// tests/unit/test_audit_chain.c recomputes it with the old unkeyed rule and a guessed key.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, appendFileSync } from 'node:fs';
import { startCounty, startServer, identify, cli, isoMinutesAgo, query, copyDatabase, checkpointsOf, PG } from './harness.mjs';
import { startWebhookReceiver, verifySignature, waitFor } from './receivers.mjs';

let srv;
before(async () => {
  srv = await startCounty();
  const c = (await identify(srv.as('le'))).json;
  await srv.as('adv').get(`/api/v1/cases/${c.id}`);
  await srv.as('adv').post(`/api/v1/cases/${c.id}/events`, { type: 'step_done', at: isoMinutesAgo(0), step: 'advocate_on_scene' });
  await srv.as('cw').get(`/api/v1/cases/${c.id}/events`);
  assert.equal(await srv.stop({ keep: true }), 0);
});
after(() => srv.cleanup());

const sql = (db, q) => query(db, q);
const checkpoints = checkpointsOf;
function tampered(name, q, { withCheckpoints = true, edit } = {}) {
  const copy = copyDatabase(srv.db, name, { withCheckpoints });
  if (q) sql(copy, q);
  edit?.(copy);
  return cli(['audit', 'verify', '--db', copy]);
}

test('reads and writes are audited with who, agency, action, case and section', () => {
  const rows = sql(srv.db, "SELECT action || '|' || coalesce(section,'') FROM audit WHERE case_id IS NOT NULL ORDER BY seq");
  assert.match(rows, /case\.create\|core/);
  assert.match(rows, /case\.read\|core/);
  assert.match(rows, /event\.create\|core/);
  assert.match(rows, /events\.read\|core/);
  assert.equal(sql(srv.db, 'SELECT count(*) FROM audit WHERE user_id = 0 AND case_id IS NOT NULL'), '0');
});

test('verify holds on an untouched database', () => {
  const r = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /audit chain holds: \d+ rows, head [0-9a-f]{64}/);
});

test('an edited row is named', () => {
  const r = tampered('edit', "UPDATE audit SET action = 'case.list' WHERE seq = 5");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /audit row 5: .*edited/);
});

test('a deleted row is named', () => {
  const r = tampered('delete', 'DELETE FROM audit WHERE seq = 7');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /audit row 8: rows 7 to 7 are missing/);
});

test('reordered rows are named', () => {
  const r = tampered('reorder',
    'UPDATE audit SET seq = -1 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = -1;');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /audit row 3:/);
});

test('the server leaves a signed checkpoint of the head beside the key at a clean stop', () => {
  assert.ok(existsSync(checkpoints(srv.db)));
  const last = readFileSync(checkpoints(srv.db), 'utf8').trim().split('\n').pop();
  const rows = sql(srv.db, 'SELECT max(seq) FROM audit');
  assert.match(last, new RegExp(`^checkpoint 1 \\d+ ${rows} [0-9a-f]{64} [0-9a-f]{64}$`));
});

test('rows cut from the end are named, back to the last checkpoint', () => {
  const r = tampered('tail', 'DELETE FROM audit WHERE seq > (SELECT max(seq) - 3 FROM audit)');
  assert.equal(r.status, 1);
  const n = Number(sql(srv.db, 'SELECT max(seq) FROM audit'));
  assert.match(r.stderr, new RegExp(`audit row ${n - 2}: rows ${n - 2} to ${n} are missing`));
});

test('an emptied audit table is caught', () => {
  const r = tampered('all', 'DELETE FROM audit');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /audit row 1: rows 1 to \d+ are missing/);
});

test('an edited timeline event is caught and its anchor row named', () => {
  const id = sql(srv.db, "SELECT max(id) FROM events");
  const anchor = sql(srv.db, `SELECT max(seq) FROM audit WHERE ref_event = ${id}`);
  const r = tampered('event', `UPDATE events SET at = at - 3600 WHERE id = ${id}`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`audit row ${anchor}: event ${id} no longer matches`));
});

test('a deleted timeline event is caught', () => {
  const id = sql(srv.db, "SELECT max(id) FROM events");
  const r = tampered('event-del', `${PG ? 'SET session_replication_role = replica;' : 'PRAGMA foreign_keys=OFF;'} DELETE FROM events WHERE id = ${id}`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`event ${id} it records is missing`));
});

test('an event slipped into the timeline outside safeharbor is caught', () => {
  const r = tampered('event-add',
    `INSERT INTO events(case_id, type, section, at, recorded_at, user_id, agency_id, data)
     SELECT case_id, 'note', 'core', at, recorded_at, user_id, agency_id, '{}' FROM events LIMIT 1`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /event \d+: it is not in the audit chain/);
});

test('text hidden after a NUL byte does not pass for the original', {
  skip: PG ? 'PostgreSQL text cannot hold a NUL byte: there is nothing to hide text behind' : false,
}, () => {
  // the row as C reads it is unchanged; the MAC covers the bytes as stored
  const seq = sql(srv.db, 'SELECT min(seq) FROM audit WHERE detail IS NOT NULL');
  const r = tampered('nul', `UPDATE audit SET detail = detail || CAST(X'00' AS TEXT) || 'hidden' WHERE seq = ${seq}`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`audit row ${seq}: a field holds a NUL byte`));
  const ev = sql(srv.db, 'SELECT max(id) FROM events');
  const e = tampered('nul-event', `UPDATE events SET data = data || CAST(X'00' AS TEXT) || 'x' WHERE id = ${ev}`);
  assert.equal(e.status, 1);
  assert.match(e.stderr, new RegExp(`audit row \\d+: event ${ev} no longer matches`));
});

test('an edited checkpoint line is caught', () => {
  const r = tampered('cp', null, {
    edit: (copy) => {
      const lines = readFileSync(checkpoints(copy), 'utf8').trim().split('\n');
      const f = lines[0].split(' ');
      f[3] = String(Number(f[3]) + 1);
      appendFileSync(checkpoints(copy), f.join(' ') + '\n');
    },
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /checkpoints file .* line \d+: .*signature does not match/);
});

test('a verified chain adds its head as a checkpoint', () => {
  const copy = copyDatabase(srv.db, 'verify', { withCheckpoints: false });
  let r = cli(['audit', 'verify', '--db', copy]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /no checkpoint yet/);
  r = cli(['audit', 'verify', '--db', copy]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 checkpoints match/);
  sql(copy, 'DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)');
  assert.equal(cli(['audit', 'verify', '--db', copy]).status, 1);
});

test('each checkpoint can also go to a webhook, signed, so a copy lives off the host', async () => {
  const hook = await startWebhookReceiver();
  const secret = 'synthetic-checkpoint-secret-0123';
  process.env.SAFEHARBOR_CHECKPOINT_SECRET = secret;
  const s = await startServer({ args: ['--checkpoint-webhook', `${hook.url}/checkpoints`, '--checkpoint-interval', '1'] });
  delete process.env.SAFEHARBOR_CHECKPOINT_SECRET;
  try {
    // one at start; a write makes the head move, and the next interval sends it
    await waitFor(() => hook.received.length >= 1, 10000, 'the checkpoint at start');
    cli(['agency', 'add', '--db', s.db, '--name', 'Checkpoint Shelter', '--kind', 'shelter']);
    await waitFor(() => hook.received.length >= 2, 10000, 'a checkpoint after a write');
    for (const r of hook.received) {
      assert.equal(r.json.type, 'audit_checkpoint');
      assert.match(r.json.head, /^[0-9a-f]{64}$/);
      assert.ok(verifySignature(secret, r.headers, r.body), 'signed with the secret');
    }
    const last = hook.received.at(-1).json;
    assert.equal(String(last.seq), sql(s.db, 'SELECT max(seq) FROM audit'));
  } finally {
    assert.equal(await s.stop(), 0);
    await hook.close();
  }
});
