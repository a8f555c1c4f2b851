// A disabled account is never paged: the shift it is on call for sends its summons to the
// fallback, else the supervisor (docs/notifications.md "Summoning").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, cli, identify, isoMinutesAgo, PASSWORD, query } from './harness.mjs';

let srv;
const run = (args, input) => {
  const r = cli(args, { input });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
};
const sql = (q) => query(srv.db, q);

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

test('a shift in 9999 or in 1900 is refused, naming the field and the range', async () => {
  const sup = srv.as('adv_sup');
  const agency = (await sup.get('/api/v1/me')).json.user.agency.id;
  const users = (await sup.get('/api/v1/users')).json.items;
  const id = (u) => users.find((x) => x.username === u).id;
  const add = (starts_at, ends_at) => sup.post(`/api/v1/agencies/${agency}/roster`,
    { user_id: id('adv2'), supervisor_id: id('adv_sup'), starts_at, ends_at, area: 'long_beach' });
  const before = sql('SELECT count(*) FROM roster');
  let r = await add(isoMinutesAgo(-60), '9999-12-31T23:00:00Z');
  assert.equal(r.status, 422, r.text);
  const msg = r.json.errors.find((e) => e.field === 'ends_at').message;
  assert.match(msg, /must be between \d{4}-\d\d-\d\dT.* and \d{4}-\d\d-\d\dT.*a year ahead/);
  r = await add('1900-01-01T08:00:00Z', '1900-01-01T20:00:00Z');
  assert.equal(r.status, 422, r.text);
  assert.ok(r.json.errors.some((e) => e.field === 'starts_at' && /must be between/.test(e.message)));
  r = await add('9999-01-01T08:00:00Z', '9999-01-01T20:00:00Z');
  assert.ok(r.json.errors.some((e) => e.field === 'starts_at'));
  assert.equal(sql('SELECT count(*) FROM roster'), before, 'nothing was written');
  const cliR = cli(['roster', 'add', '--db', srv.db, '--agency', 'Advocates United', '--user', 'adv2',
    '--supervisor', 'adv_sup', '--area', 'long_beach', '--from', '9999-01-01T08:00:00Z', '--hours', '8']);
  assert.equal(cliR.status, 1);
  assert.match(cliR.stderr, /starts_at/);
});
