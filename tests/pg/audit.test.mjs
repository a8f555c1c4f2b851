// The audit chain on PostgreSQL, where a request's rows commit without a place in the
// chain and a linker gives them one afterwards (docs/security.md): `audit verify` links
// what is waiting before it checks, and names a linked row edited, removed or reordered,
// and a row slipped in without the key before it was linked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PG_URL, freshDatabase, dropDatabase, psql } from './pg.mjs';

const BIN = process.env.SAFEHARBOR_BIN;
const run = (args) => spawnSync(BIN, args, { encoding: 'utf8' });

// One county with the demo's records, made once; each test works on a copy of it.
let demo;
let dir;
let key;
before(() => {
  demo = freshDatabase('audit');
  dir = mkdtempSync(join(tmpdir(), 'sh-pg-audit-'));
  key = join(dir, 'county.key');
  for (const args of [['init'], ['demo']]) {
    const r = run([...args, '--db', demo, '--key-file', key]);
    assert.equal(r.status, 0, r.stderr);
  }
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  dropDatabase(demo);
});

// fn(db, verify) on a copy of the demo county, dropped afterwards.
function withDemo(fn) {
  const db = freshDatabase('audit_copy');
  const name = new URL(db).pathname.slice(1);
  dropDatabase(db);
  psql(PG_URL, `CREATE DATABASE ${name} TEMPLATE ${new URL(demo).pathname.slice(1)}`);
  const verify = () => run(['audit', 'verify', '--db', db, '--key-file', key, '--checkpoints', join(dir, `${name}.cp`)]);
  try {
    fn(db, verify);
  } finally {
    dropDatabase(db);
  }
}

test('the command line links its rows before it exits: none is left waiting and the chain has no gap', () => withDemo((db, verify) => {
  assert.equal(psql(db, 'SELECT count(*) FROM audit WHERE seq IS NULL'), '0');
  assert.equal(psql(db, 'SELECT count(*) = max(seq) FROM audit'), 't');
  assert.equal(psql(db, 'SELECT h.seq = (SELECT max(seq) FROM audit) FROM audit_head h'), 't');
  const v = verify();
  assert.equal(v.status, 0, v.stderr);
  assert.doesNotMatch(v.stdout, /waiting to be linked/);
}));

test('a linked row edited is named by audit verify', () => withDemo((db, verify) => {
  psql(db, "UPDATE audit SET action = 'case.list' WHERE seq = 5");
  const v = verify();
  assert.equal(v.status, 1);
  assert.match(v.stderr, /audit row 5: its contents do not match its MAC/);
}));

test('two linked rows swapped are named by audit verify', () => withDemo((db, verify) => {
  psql(db, 'UPDATE audit SET seq = -1 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = -1');
  const v = verify();
  assert.equal(v.status, 1);
  assert.match(v.stderr, /audit row 3: its previous-hash does not match row 2/);
}));

test('a linked row removed is named by audit verify', () => withDemo((db, verify) => {
  psql(db, 'DELETE FROM audit WHERE seq = 4');
  const v = verify();
  assert.equal(v.status, 1);
  assert.match(v.stderr, /audit row 5: rows 4 to 4 are missing/);
}));

test('a row inserted without the key while rows wait to be linked is never linked: verify names it', () => withDemo((db, verify) => {
  const before = psql(db, 'SELECT max(seq) FROM audit');
  // as a request's row, without a place in the chain, but with a MAC made up
  const id = psql(db, "INSERT INTO audit(at, user_id, agency_id, action, case_id, outcome, hash) VALUES (1700000000, 1, 1, 'case.read', 'SH-2026-000001', 'ok', repeat('ab', 32)) RETURNING id").split('\n')[0];
  const v = verify();
  assert.equal(v.status, 1);
  assert.match(v.stderr, new RegExp(`audit row id ${id} \\(not linked yet\\): its contents do not match the MAC it was written with`));
  assert.equal(psql(db, 'SELECT max(seq) FROM audit'), before, 'nothing was linked after it');
  assert.equal(psql(db, `SELECT seq IS NULL FROM audit WHERE id = ${id}`), 't');
}));
