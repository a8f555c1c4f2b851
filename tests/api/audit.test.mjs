// The audit chain: every read and write leaves a row; `audit verify` holds on an
// untouched database and names the first bad row after an edit, a deletion or a
// reordering.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startCounty, identify, cli, isoMinutesAgo } from './harness.mjs';

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

const sql = (db, q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
function tampered(name, q) {
  const copy = `${srv.db}.${name}.db`;
  copyFileSync(srv.db, copy);
  copyFileSync(srv.db.replace(/\.db$/, '.key'), copy.replace(/\.db$/, '.key'));
  sql(copy, q);
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
