// The command line on PostgreSQL: init, demo, audit verify, with the key file named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, dropDatabase } from './pg.mjs';

const BIN = process.env.SAFEHARBOR_BIN;
const run = (args) => spawnSync(BIN, args, { encoding: 'utf8' });

test('a PostgreSQL address needs --key-file, then init, demo and audit verify work on it', () => {
  const db = freshDatabase('cli');
  const dir = mkdtempSync(join(tmpdir(), 'sh-pg-'));
  const key = join(dir, 'county.key');
  try {
    let r = run(['init', '--db', db]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /--key-file: required when --db is a PostgreSQL address/);
    assert.equal(existsSync(key), false);

    r = run(['init', '--db', db, '--key-file', key]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^created postgresql:/);
    r = run(['init', '--db', db, '--key-file', key]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^checked postgresql:/, 'a second init keeps the data');

    r = run(['demo', '--db', db, '--key-file', key]);
    assert.equal(r.status, 0, r.stderr);
    r = run(['audit', 'verify', '--db', db, '--key-file', key]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /audit chain holds/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    dropDatabase(db);
  }
});
