// Backup and restore (issue 18 part 5): a consistent, verified copy taken while the
// server takes writes; a restore checks the key before anything else and never
// replaces a database without --force; an upgrade backs up before it migrates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BIN, cli, identify, startCounty, tempDb, query, withKeyFile, PG, keyOf } from './harness.mjs';
import { LAST_MIGRATION, LAST_MIGRATION_PRESENT, UNDO_LAST_MIGRATION } from '../last-migration.mjs';
import { waitFor } from './receivers.mjs';

const sql = (db, q) => query(db, q);
const ONLY_FILE = PG ? 'a backup is a copy of the SQLite file; a PostgreSQL database is copied with pg_basebackup (refused below)' : false;

function cliAsync(args) {
  return new Promise((resolve) => {
    const child = spawn(BIN, withKeyFile(args), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

test('a backup taken under writes restores to an identical database that verifies', { skip: ONLY_FILE }, async () => {
  const srv = await startCounty();
  const out = tempDb();
  try {
    const le = srv.as('le');
    for (let i = 0; i < 5; i++) assert.equal((await identify(le)).status, 201);
    // identifications keep arriving while the backup runs
    let writing = true;
    let written = 0;
    const load = (async () => {
      while (writing && written < 400) {
        const r = await identify(le);
        assert.equal(r.status, 201, r.text);
        written++;
      }
    })();
    // the backup starts once the load is answered (not after a fixed time), one more in flight
    await waitFor(() => written > 0, 60000, 'the first identification of the load');
    const before = written;
    const bak = join(out.dir, 'under-load.bak');
    const b = await cliAsync(['backup', '--db', srv.db, '--to', bak]);
    writing = false;
    await load;
    assert.equal(b.status, 0, b.stderr);
    assert.ok(written > before, 'writes went on while the backup ran');
    assert.match(b.stdout, /^backed up .* to .*under-load\.bak: \d+ pages, [\d.]+ [KM]iB in [\d.]+ s/m);
    assert.match(b.stdout, /checked: integrity ok; audit chain holds: \d+ rows, head [0-9a-f]{64}/);
    assert.match(b.stdout, /the key is NOT in the backup: it is .*safeharbor\.key \(it matches this database\)/);
    assert.equal(b.stderr, '', 'no progress when stderr is not a terminal');
    assert.equal(sql(bak, 'PRAGMA journal_mode'), 'delete', 'the backup is one self-contained file');
    // the snapshot is consistent: its audit chain is a prefix of the live one
    const rows = Number(sql(bak, 'SELECT max(seq) FROM audit'));
    assert.equal(sql(bak, `SELECT hash FROM audit WHERE seq = ${rows}`),
      sql(srv.db, `SELECT hash FROM audit WHERE seq = ${rows}`));
    assert.equal(sql(bak, "SELECT count(*) FROM cases WHERE id NOT IN (SELECT case_id FROM case_steps)"), '0');

    // after the server stops: a second backup, restored beside it with the key copied
    // from "escrow", is the same database
    assert.equal(await srv.stop({ keep: true }), 0);
    const bak2 = join(out.dir, 'final.bak');
    assert.equal(cli(['backup', '--db', srv.db, '--to', bak2]).status, 0);
    const restored = join(out.dir, 'restored.db');
    copyFileSync(keyOf(srv.db), keyOf(restored));
    const r = cli(['restore', '--from', bak2, '--db', restored]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^restored .*final\.bak to .*restored\.db: \d+ pages; integrity ok; audit chain holds/);
    const dump = (db) => execFileSync('sqlite3', [db, '.dump'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(dump(restored), dump(srv.db), 'the restored database is identical');
    assert.equal(cli(['audit', 'verify', '--db', restored]).status, 0);
  } finally {
    srv.cleanup();
    out.cleanup();
  }
});

test('restoring over a database that went on sets aside the checkpoints written after the backup', { skip: ONLY_FILE }, async () => {
  const srv = await startCounty();
  const out = tempDb();
  try {
    const le = srv.as('le');
    assert.equal((await identify(le)).status, 201);
    const bak = join(out.dir, 'earlier.bak');
    const b = cli(['backup', '--db', srv.db, '--to', bak]);
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /audit chain holds: \d+ rows, head [0-9a-f]{64}; \d+ timeline events in the chain; [1-9]\d* checkpoints match/);
    // the county goes on; the server's checkpoints (at a clean stop too) pass the backup
    for (let i = 0; i < 3; i++) assert.equal((await identify(le)).status, 201);
    assert.equal(await srv.stop({ keep: true }), 0);
    const r = cli(['restore', '--from', bak, '--db', srv.db, '--force']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\(replaced\)/);
    assert.match(r.stdout, /^checkpoints: \d+ written after the backup set aside in .*safeharbor\.checkpoints\.before-restore-\d+; \d+ up to it kept/m);
    const moved = readdirSync(dirname(srv.db)).filter((f) => f.includes('.checkpoints.before-restore-'));
    assert.equal(moved.length, 1, 'the old checkpoints are kept for the record');
    const v = cli(['audit', 'verify', '--db', srv.db]);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /[1-9]\d* checkpoints match/);
  } finally {
    srv.cleanup();
    out.cleanup();
  }
});

test('restore refuses a key that does not belong to the backup, and an existing database', { skip: ONLY_FILE }, () => {
  const a = tempDb();
  const other = tempDb();
  try {
    assert.equal(cli(['init', '--db', a.db]).status, 0);
    assert.equal(cli(['demo', '--db', a.db]).status, 0);
    assert.equal(cli(['init', '--db', other.db]).status, 0);
    const bak = join(a.dir, 'a.bak');
    assert.equal(cli(['backup', '--db', a.db, '--to', bak]).status, 0);
    const again = cli(['backup', '--db', a.db, '--to', bak]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already exists/);

    const dest = join(other.dir, 'restored.db');
    // no key at all: refused, nothing written
    let r = cli(['restore', '--from', bak, '--db', dest]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no key file at .*restored\.key: a restore needs the key that belongs to the backup/);
    // another database's key: refused before anything else
    r = cli(['restore', '--from', bak, '--db', dest, '--key-file', keyOf(other.db)]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /refusing to restore .*a\.bak: the key file .* does not belong/);
    assert.equal(existsSync(dest), false, 'nothing was written');
    // an existing database is not replaced without --force, even with the right key
    r = cli(['restore', '--from', bak, '--db', other.db, '--key-file', keyOf(a.db)]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /exists; restore replaces a database only with --force/);
    assert.equal(sql(other.db, 'SELECT count(*) FROM cases'), '0');
    r = cli(['restore', '--from', bak, '--db', other.db, '--key-file', keyOf(a.db), '--force']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\(replaced\)/);
    assert.equal(sql(other.db, 'SELECT count(*) FROM cases'), sql(a.db, 'SELECT count(*) FROM cases'));
  } finally {
    a.cleanup();
    other.cleanup();
  }
});

test('backup shows its progress on a terminal', { skip: ONLY_FILE }, () => {
  const a = tempDb();
  try {
    assert.equal(cli(['init', '--db', a.db]).status, 0);
    assert.equal(cli(['demo', '--db', a.db]).status, 0);
    const bak = join(a.dir, 'tty.bak');
    // script(1) gives the command a terminal
    const r = spawnSync('script', ['-qec', `${BIN} backup --db ${a.db} --to ${bak}`, '/dev/null'],
      { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /backup: 100% \(\d+ of \d+ pages\)/);
  } finally {
    a.cleanup();
  }
});

test('an upgrade that migrates the schema backs the database up first', {
  skip: PG ? 'the backup before a migration is a copy of the SQLite file, and the undo SQL is SQLite\'s' : false,
}, () => {
  const a = tempDb();
  try {
    assert.equal(cli(['init', '--db', a.db]).status, 0);
    assert.equal(cli(['demo', '--db', a.db]).status, 0);
    const latest = Number(sql(a.db, 'PRAGMA user_version'));
    // as if written by the previous release: the last migration undone, so it is pending
    assert.equal(latest, LAST_MIGRATION, 'a new migration: undo that one in tests/last-migration.mjs');
    sql(a.db, `${UNDO_LAST_MIGRATION} PRAGMA user_version = ${latest - 1}`);
    const r = cli(['init', '--db', a.db]);
    assert.equal(r.status, 0, r.stderr);
    const bak = `${a.db}.pre-v${latest}.bak`;
    assert.match(r.stderr, new RegExp(`schema ${latest - 1} -> ${latest}: backed up .* to .*pre-v${latest}\\.bak first`));
    assert.ok(statSync(bak).size > 0);
    assert.equal(sql(bak, 'PRAGMA user_version'), String(latest - 1), 'the backup is from before');
    assert.equal(sql(a.db, 'PRAGMA user_version'), String(latest));
    assert.equal(sql(bak, 'SELECT count(*) FROM cases'), sql(a.db, 'SELECT count(*) FROM cases'));
    assert.equal(sql(a.db, LAST_MIGRATION_PRESENT), '1');
    // nothing pending: no second backup
    assert.equal(cli(['init', '--db', a.db]).stderr.includes('backed up'), false);
    // the chain of the upgraded database holds with its key
    assert.equal(cli(['audit', 'verify', '--db', a.db]).status, 0);
  } finally {
    a.cleanup();
  }
});

test('on PostgreSQL, backup and restore refuse, naming pg_basebackup, and write nothing', { skip: !PG && 'PostgreSQL only' }, () => {
  const a = tempDb();
  try {
    assert.equal(cli(['init', '--db', a.db]).status, 0);
    const bak = join(a.dir, 'a.bak');
    let r = cli(['backup', '--db', a.db, '--to', bak]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /on a SQLite database file only; back up a PostgreSQL database with pg_basebackup/);
    assert.equal(existsSync(bak), false, 'nothing was written');
    writeFileSync(bak, 'not a backup');
    r = cli(['restore', '--from', bak, '--db', a.db, '--force']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Nothing was changed/);
    assert.equal(cli(['audit', 'verify', '--db', a.db]).status, 0);
  } finally {
    a.cleanup();
  }
});
