// Rotating the field-encryption key: every sealed value is re-sealed under the new
// key, everything stays readable, and recoveries of the same youth still link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startCounty, serve, makeClient, identify, cli, isoMinutesAgo } from './harness.mjs';

test('key rotate re-seals identities, notes and names; nothing is lost', async () => {
  const srv = await startCounty();
  const youth = { birth_date: '2011-07-07', first_name: 'Rota', last_name: 'Keyperson' };
  const kase = (await identify(srv.as('le'), { youth })).json;
  const note = await srv.as('adv').post(`/api/v1/cases/${kase.id}/events`, { type: 'advocate_note', at: isoMinutesAgo(0), text: 'Synthetic note before rotation' });
  assert.equal(note.status, 201);
  assert.equal(await srv.stop({ keep: true }), 0);

  const contact = cli(['roster', 'contact', '--db', srv.db, '--username', 'adv', '--webhook', 'https://pager.example.invalid/hook'], { input: 'synthetic-secret-0123456789\n' });
  assert.equal(contact.status, 0, contact.stderr);

  const keyfile = srv.db.replace(/\.db$/, '.key');
  const r = cli(['key', 'rotate', '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /key 2 now seals: 1 identities, 1 event texts, 0 defendant names, 1 webhook secrets/);
  assert.match(readFileSync(keyfile, 'utf8'), /^key 1 [0-9a-f]{64}\nkey 2 [0-9a-f]{64}$/m);
  // every sealed value now names key 2 (bytes 1-4 of the sealed header)
  const q = (s) => execFileSync('sqlite3', [srv.db, s], { encoding: 'utf8' }).trim();
  assert.equal(q("SELECT count(*) FROM youth WHERE hex(substr(identity, 2, 4)) <> '00000002'"), '0');
  assert.equal(q("SELECT count(*) FROM events WHERE sealed IS NOT NULL AND hex(substr(sealed, 2, 4)) <> '00000002'"), '0');
  assert.equal(q("SELECT count(*) FROM user_channels WHERE hex(substr(webhook_secret, 2, 4)) <> '00000002'"), '0');

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
