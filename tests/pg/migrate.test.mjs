// safeharbor migrate: a county on SQLite (init, demo, and identifications through its server)
// copied into a fresh PostgreSQL database; the chain verifies there with the same head, a
// server on the copy shows a case as the source does, a second copy into it is refused and
// changes nothing, piped output has no progress lines, and the copy goes back to SQLite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, dropDatabase, psql } from './pg.mjs';
import { serve, identify } from '../api/harness.mjs';

const BIN = process.env.SAFEHARBOR_BIN;
const run = (args) => spawnSync(BIN, args, { encoding: 'utf8' });
const ok = (r) => { assert.equal(r.status, 0, r.stderr); return r; };

// a case as the API shows it, without what differs per request
async function caseView(srv, token, id) {
  const res = await srv.api.useToken(token).get(`/api/v1/cases/${id}`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

const headOf = (out) => out.match(/head ([0-9a-f]{64})/)?.[1];

test('migrate copies a SQLite county into PostgreSQL: same chain, same case, once only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sh-migrate-'));
  const db = join(dir, 'county.db');
  const key = join(dir, 'county.key');
  const target = freshDatabase('migrate');
  let srv;
  try {
    ok(run(['init', '--db', db]));
    ok(run(['demo', '--db', db]));
    const token = ok(run(['token', 'create', '--db', db, '--username', 'deputy.compton'])).stdout.trim();

    // a few recoveries and an entry through the served county
    srv = await serve(db);
    srv.api.useToken(token);
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const res = await identify(srv.api);
      assert.equal(res.status, 201, res.text);
      ids.push(res.json.id);
    }
    assert.equal((await srv.stop()), 0);
    srv = null;

    const source = ok(run(['audit', 'verify', '--db', db]));
    const r = ok(run(['migrate', '--from', `sqlite:${db}`, '--to', target, '--key-file', key]));
    // piped: no progress (a terminal's "\r" lines), the counts and the verified head
    assert.doesNotMatch(r.stdout + r.stderr, /\r|copying /);
    assert.match(r.stdout, /^cases +43$/m);
    assert.match(r.stdout, /^events +\d+$/m);
    assert.match(r.stdout, /^audit chain holds on the target: \d+ rows, head [0-9a-f]{64}/m);
    assert.match(r.stdout, /^done: /m);
    assert.equal(headOf(r.stdout), headOf(source.stdout));

    const copied = ok(run(['audit', 'verify', '--db', target, '--key-file', key]));
    assert.equal(headOf(copied.stdout), headOf(source.stdout));
    assert.match(copied.stdout, /audit chain holds/);

    // the same case on both (each view is audited in its own database; views identical)
    const lite = await serve(db);
    const pg = await serve(target, ['--key-file', key]);
    try {
      for (const id of [ids[0], ids[2]]) {
        const a = await caseView(lite, token, id);
        const b = await caseView(pg, token, id);
        assert.deepEqual(b, a);
      }
      // the copy goes on from the copied ids: a new recovery there
      const res = await identify(pg.api.useToken(token));
      assert.equal(res.status, 201, res.text);
    } finally {
      assert.equal(await lite.stop(), 0);
      assert.equal(await pg.stop(), 0);
    }
    ok(run(['audit', 'verify', '--db', target, '--key-file', key]));

    // a second copy into the now non-empty target: refused, naming a table; nothing changes
    const before = psql(target, 'SELECT count(*) FROM events') + '/' + psql(target, 'SELECT max(seq) FROM audit');
    const again = run(['migrate', '--from', `sqlite:${db}`, '--to', target, '--key-file', key]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already holds data \(table \w+: \d+ rows?\); nothing was copied/);
    assert.equal(psql(target, 'SELECT count(*) FROM events') + '/' + psql(target, 'SELECT max(seq) FROM audit'), before);

    // and back: the PostgreSQL county (with its new recovery) into a new SQLite file
    const back = join(dir, 'back.db');
    const r2 = ok(run(['migrate', '--from', target, '--to', `sqlite:${back}`, '--key-file', key]));
    assert.match(r2.stdout, /^cases +44$/m);
    const verified = ok(run(['audit', 'verify', '--db', back, '--key-file', key]));
    assert.equal(headOf(verified.stdout), headOf(r2.stdout));
  } finally {
    if (srv) await srv.stop();
    rmSync(dir, { recursive: true, force: true });
    dropDatabase(target);
  }
});

test('a source whose audit chain does not hold is not copied', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sh-migrate-'));
  const db = join(dir, 'county.db');
  const key = join(dir, 'county.key');
  const target = freshDatabase('tampered');
  try {
    ok(run(['init', '--db', db]));
    ok(run(['demo', '--db', db]));
    execFileSync('sqlite3', [db, "UPDATE audit SET action = 'case.list' WHERE seq = 5"]);
    const r = run(['migrate', '--from', `sqlite:${db}`, '--to', target, '--key-file', key]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /the source's audit chain does not hold \(audit row 5: .*\); nothing was copied/);
    assert.equal(psql(target, 'SELECT count(*) FROM audit'), '0');
    assert.equal(psql(target, 'SELECT count(*) FROM cases'), '0');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    dropDatabase(target);
  }
});

test('migrate needs both ends and the key file, and names what is wrong', () => {
  let r = run(['migrate', '--from', 'sqlite:/nonexistent/x.db']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--from and --to are both required/);
  r = run(['migrate', '--from', '/tmp/x.db', '--to', 'postgresql:///x', '--key-file', '/tmp/k']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /sqlite:PATH or a postgresql:\/\/ address/);
  r = run(['migrate', '--from', 'sqlite:/tmp/x.db', '--to', 'postgresql:///x']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--key-file is required/);
});
