// Durability and pooling on PostgreSQL (issue #20, item 3): a server refuses a database
// that could lose an acknowledged commit, and holds the connections it is configured to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, serve } from '../api/harness.mjs';
import { freshDatabase, dropDatabase, psql } from './pg.mjs';

// A fresh database made a safeharbor database; fn(db, key) then runs, and all is removed.
async function withCounty(fn) {
  const db = freshDatabase('durable');
  const dir = mkdtempSync(join(tmpdir(), 'sh-pg-durable-'));
  const key = join(dir, 'county.key');
  try {
    const r = cli(['init', '--db', db, '--key-file', key]);
    assert.equal(r.status, 0, r.stderr);
    await fn(db, key);
  } finally {
    dropDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('serve refuses a database with synchronous_commit off, naming the setting', () => withCounty(async (db, key) => {
  const name = new URL(db).pathname.slice(1);
  psql(db, `ALTER DATABASE ${name} SET synchronous_commit = off`);
  const r = cli(['serve', '--db', db, '--key-file', key, '--listen', '127.0.0.1:0']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /synchronous_commit=off: a commit could be lost after it was acknowledged; set it to on/);
  assert.doesNotMatch(r.stdout, /listening/);
  // `local` still waits for the local flush: accepted
  psql(db, `ALTER DATABASE ${name} SET synchronous_commit = local`);
  const srv = await serve(db, ['--key-file', key]);
  assert.equal(await srv.stop(), 0);
}));

test('each server holds the database connections it is configured to (db_read_conns, db_write_conns)', () => withCounty(async (db, key) => {
  const conns = () => Number(psql(db, 'SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()'));
  const a = await serve(db, ['--key-file', key, '--db-read-conns', '3', '--db-write-conns', '5']);
  const b = await serve(db, ['--key-file', key], { SAFEHARBOR_DB_READ_CONNS: '1', SAFEHARBOR_DB_WRITE_CONNS: '2' });
  try {
    assert.equal(conns(), 3 + 5 + 1 + 2);
    const shown = cli(['config', 'show', '--db', db, '--key-file', key], { env: { SAFEHARBOR_DB_WRITE_CONNS: '7' } });
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /^db_read_conns +=  *2 +# default$/m);
    assert.match(shown.stdout, /^db_write_conns +=  *7 +# environment SAFEHARBOR_DB_WRITE_CONNS$/m);
  } finally {
    assert.equal(await a.stop(), 0);
    assert.equal(await b.stop(), 0);
  }
  assert.equal(conns(), 0, 'a stopped server leaves no connection open');
}));
