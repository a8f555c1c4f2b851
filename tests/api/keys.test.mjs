// Rotating the field-encryption key: every sealed value is re-sealed under the new
// key, everything stays readable, and recoveries of the same youth still link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { startCounty, serve, makeClient, identify, cli, isoMinutesAgo, tempDb, query, keyOf, PG } from './harness.mjs';

test('key rotate re-seals identities, notes and names; nothing is lost', async () => {
  const srv = await startCounty();
  const youth = { birth_date: '2011-07-07', first_name: 'Rota', last_name: 'Keyperson' };
  const kase = (await identify(srv.as('le'), { youth })).json;
  const note = await srv.as('adv').post(`/api/v1/cases/${kase.id}/events`, { type: 'advocate_note', at: isoMinutesAgo(0), text: 'Synthetic note before rotation' });
  assert.equal(note.status, 201);
  assert.equal(await srv.stop({ keep: true }), 0);

  const contact = cli(['roster', 'contact', '--db', srv.db, '--username', 'adv', '--webhook', 'https://pager.example.invalid/hook'], { input: 'synthetic-secret-0123456789\n' });
  assert.equal(contact.status, 0, contact.stderr);

  const keyfile = keyOf(srv.db);
  const r = cli(['key', 'rotate', '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
  // the youth's values are under the youth's own data key: only that key is re-sealed
  assert.match(r.stdout, /key 2 now seals: 1 identities, 0 event texts, 0 defendant names, 1 webhook secrets, 0 second-factor secrets, 1 youth data keys/);
  assert.match(readFileSync(keyfile, 'utf8'), /^key 1 [0-9a-f]{64}\nkey 2 [0-9a-f]{64}$/m);
  // every value under the field key now names key 2 (bytes 1-4 of the sealed header); the
  // youth's identity and texts stay under the youth's key (format 2)
  const q = (s) => query(srv.db, s);
  const hex = (col, from, n) => (PG ? `encode(substring(${col} from ${from} for ${n}), 'hex')` : `hex(substr(${col}, ${from}, ${n}))`);
  assert.equal(q(`SELECT count(*) FROM youth_keys WHERE ${hex('wrapped', 2, 4)} <> '00000002'`), '0');
  assert.equal(q(`SELECT count(*) FROM youth WHERE ${hex('identity', 1, 1)} <> '02'`), '0');
  assert.equal(q(`SELECT count(*) FROM events WHERE sealed IS NOT NULL AND ${hex('sealed', 1, 1)} <> '02'`), '0');
  assert.equal(q(`SELECT count(*) FROM user_channels WHERE ${hex('webhook_secret', 2, 4)} <> '00000002'`), '0');

  const again = await serve(srv.db);
  try {
    const le = makeClient(again.url).useToken(srv.tokens.le);
    const adv = makeClient(again.url).useToken(srv.tokens.adv);
    assert.equal((await le.get(`/api/v1/cases/${kase.id}`)).json.youth.first_name, 'Rota');
    assert.ok((await adv.get(`/api/v1/cases/${kase.id}/events`)).text.includes('Synthetic note before rotation'));
    const second = (await identify(le, { youth })).json;
    assert.equal(second.recovery_number, 2, 'the blind index was recomputed under the new key');
  } finally {
    assert.equal(await again.stop(), 0);
  }
  assert.equal(cli(['audit', 'verify', '--db', srv.db]).status, 0);
  srv.cleanup();
});

// Issue 16 part 3: the key belongs to its database.
test('serve and the commands refuse a key file that belongs to another database', async () => {
  const a = tempDb();
  const b = tempDb();
  try {
    assert.equal(cli(['init', '--db', a.db]).status, 0);
    assert.equal(cli(['init', '--db', b.db]).status, 0);
    const other = keyOf(b.db);
    const r = cli(['serve', '--db', a.db, '--key-file', other, '--listen', '127.0.0.1:0']);
    assert.equal(r.status, 1, 'serve exits non-zero');
    assert.match(r.stderr, /key file .* does not belong to this database: its key 1 does not match/);
    assert.doesNotMatch(r.stdout, /listening/);
    // every command that loads the key checks it: demo, key rotate, roster contact
    assert.match(cli(['demo', '--db', a.db, '--key-file', other]).stderr, /does not belong to this database/);
    const rot = cli(['key', 'rotate', '--db', a.db, '--key-file', other]);
    assert.equal(rot.status, 1);
    assert.match(readFileSync(other, 'utf8'), /^key 1 [0-9a-f]{64}\n?$/m, 'the foreign key file was not touched');
    assert.doesNotMatch(readFileSync(other, 'utf8'), /^key 2/m);
    // the right key file, named explicitly, works
    assert.equal(cli(['demo', '--db', a.db, '--key-file', keyOf(a.db)]).status, 0);
  } finally {
    a.cleanup();
    b.cleanup();
  }
});

test('init never writes a new key for a database that has data', () => {
  const t = tempDb();
  try {
    assert.equal(cli(['init', '--db', t.db]).status, 0);
    assert.equal(cli(['demo', '--db', t.db]).status, 0);
    const keyfile = keyOf(t.db);
    renameSync(keyfile, keyfile + '.escrow');
    const r = cli(['init', '--db', t.db]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /holds data but its key file .* is missing; init makes no new key/);
    assert.equal(existsSync(keyfile), false, 'no new key file was written');
    // with the escrowed key named, init goes on and the data opens
    const ok = cli(['init', '--db', t.db, '--key-file', keyfile + '.escrow']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^checked /);
  } finally {
    t.cleanup();
  }
});

test('a database from before key checks gets one at the next start; its data decides', async () => {
  const a = tempDb();
  const b = tempDb();
  try {
    assert.equal(cli(['init', '--db', a.db]).status, 0);
    assert.equal(cli(['demo', '--db', a.db]).status, 0);
    assert.equal(cli(['init', '--db', b.db]).status, 0);
    const q = (db, s) => query(db, s);
    q(a.db, "DELETE FROM settings WHERE key = 'key.check'");
    // a wrong key cannot open the sealed names: refused, and nothing is recorded
    const wrong = cli(['serve', '--db', a.db, '--key-file', keyOf(b.db), '--listen', '127.0.0.1:0']);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /cannot open the data sealed in it/);
    assert.equal(q(a.db, "SELECT count(*) FROM settings WHERE key = 'key.check'"), '0');
    // the right key: the check value is recorded on the way up
    const srv = await serve(a.db);
    assert.equal(await srv.stop(), 0);
    assert.match(q(a.db, "SELECT value FROM settings WHERE key = 'key.check'"), /^1:[0-9a-f]{64}$/);
  } finally {
    a.cleanup();
    b.cleanup();
  }
});
