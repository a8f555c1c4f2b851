// A disabled account is never paged: the shift it is on call for sends its summons to the
// fallback, else the supervisor (docs/notifications.md "Summoning").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startCounty, cli, identify, isoMinutesAgo, PASSWORD } from './harness.mjs';

let srv;
const run = (args, input) => {
  const r = cli(args, { input });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
};
const sql = (q) => execFileSync('sqlite3', [srv.db, q], { encoding: 'utf8' }).trim();

before(async () => {
  srv = await startCounty();
  run(['user', 'add', '--db', srv.db, '--agency', 'Advocates United', '--username', 'adv2',
    '--role', 'member', '--display-name', 'Synthetic adv2'], PASSWORD + '\n');
  for (const u of ['adv', 'adv2', 'adv_sup']) run(['roster', 'contact', '--db', srv.db, '--username', u, '--email', `${u}@county.example`]);
  run(['roster', 'add', '--db', srv.db, '--agency', 'Advocates United', '--user', 'adv', '--fallback', 'adv2',
    '--supervisor', 'adv_sup', '--from', isoMinutesAgo(1), '--hours', '12']);
});
after(async () => { assert.equal(await srv.stop(), 0); });

// who the advocates' summons of a case went to: ["adv2 fallback", ...]
const paged = (caseId) => sql(`SELECT u.username || ' ' || o.role FROM outbox o JOIN users u ON u.id = o.user_id
  JOIN agencies g ON g.id = o.agency_id WHERE o.case_id = '${caseId}' AND g.name = 'Advocates United' ORDER BY o.id`).split('\n').filter(Boolean);

test('the on-call person is paged while enabled', async () => {
  const c = (await identify(srv.as('le'))).json;
  assert.deepEqual(paged(c.id), ['adv on_call']);
});

test('a disabled on-call person is skipped: the fallback is paged', async () => {
  run(['user', 'disable', '--db', srv.db, '--username', 'adv']);
  const c = (await identify(srv.as('le'))).json;
  assert.deepEqual(paged(c.id), ['adv2 fallback']);
});

test('with the fallback disabled too, the supervisor is paged', async () => {
  run(['user', 'disable', '--db', srv.db, '--username', 'adv2']);
  const c = (await identify(srv.as('le'))).json;
  assert.deepEqual(paged(c.id), ['adv_sup supervisor']);
  const shown = (await srv.as('adv_sup').get(`/api/v1/cases/${c.id}/notifications`)).json;
  assert.ok(shown.notifications.some((n) => n.recipient.name === 'Synthetic adv_sup' && n.role === 'supervisor'));
  run(['user', 'enable', '--db', srv.db, '--username', 'adv']);
  run(['user', 'enable', '--db', srv.db, '--username', 'adv2']);
});
