// Admins cannot silently become someone else (security.md "Acting as someone else"), and
// bearer tokens expire, have a scope and die with their user's password or account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, makeClient, cli, identify, isoMinutesAgo, assertProblem, signInApi, PASSWORD, query, countyDate } from './harness.mjs';

let srv, kase;
before(async () => {
  srv = await startCounty();
  kase = (await identify(srv.as('le'))).json;
});
after(async () => { assert.equal(await srv.stop(), 0); });

const sql = (q) => query(srv.db, q);
const session = (username, password = PASSWORD) => signInApi(srv.url, username, password);
const tokenCount = (username) => Number(sql(`SELECT count(*) FROM tokens t JOIN users u ON u.id = t.user_id WHERE u.username = '${username}'`));

test('an admin cannot mint a token for another user, by session or by token', async () => {
  const before = tokenCount('le');
  const admin = await session('admin');
  const r = await admin.post('/api/v1/tokens', { username: 'le' });
  assertProblem(r, 403, 'username');
  assert.match(r.json.errors[0].message, /safeharbor token create/);
  // with a bearer token no token can be made at all
  assertProblem(await srv.as('admin').post('/api/v1/tokens', { username: 'le' }), 403);
  assertProblem(await srv.as('admin').post('/api/v1/tokens', {}), 403);
  assert.equal(tokenCount('le'), before, 'nothing was written');
});

test('admins read no case content, by any path', async () => {
  const admin = await session('admin');
  for (const client of [admin, srv.as('admin')]) {
    assertProblem(await client.get('/api/v1/cases'), 403);
    for (const path of ['', '/events', '/witness', '/notifications', '/audit']) {
      const r = await client.get(`/api/v1/cases/${kase.id}${path}`);
      assert.ok([403, 404].includes(r.status), `${path}: ${r.status}`);
      assert.ok(!r.text.includes('Testa'), `${path} shows the youth's name`);
    }
    const w = await client.post(`/api/v1/cases/${kase.id}/events`, { type: 'note', at: isoMinutesAgo(0), section: 'core', text: 'synthetic' });
    assert.ok([403, 404].includes(w.status), `write: ${w.status}`);
  }
});

test('each person makes their own tokens; they expire and have a scope', async () => {
  const le = await session('le');
  const r = await le.post('/api/v1/tokens', { label: 'records export', expires: '1d', scope: 'read' });
  assert.equal(r.status, 201, r.text);
  const ends = Date.parse(r.json.expires_at) - Date.now();
  assert.ok(ends > 23 * 3600e3 && ends <= 24 * 3600e3 + 5000, r.json.expires_at);
  const t = makeClient(srv.url).useToken(r.json.token);
  assert.equal((await t.get(`/api/v1/cases/${kase.id}`)).status, 200);
  const w = await identify(t);
  assertProblem(w, 403);
  assert.match(w.json.detail, /scope is read/);
  // a report token reads the reports and nothing else
  const analyst = await session('analyst');
  const rep = makeClient(srv.url).useToken((await analyst.post('/api/v1/tokens', { scope: 'report' })).json.token);
  assert.equal((await rep.get('/api/v1/reports/board?from=2026-01-01&to=2026-01-31')).status, 200);
  assert.equal((await rep.get('/api/v1/me')).status, 200);
  assertProblem(await rep.get('/api/v1/agencies'), 403);
  // bad settings name the field
  assertProblem(await le.post('/api/v1/tokens', { expires: '400d' }), 422, 'expires');
  assertProblem(await le.post('/api/v1/tokens', { expires: '2020-01-01' }), 422, 'expires');
  assertProblem(await le.post('/api/v1/tokens', { scope: 'admin' }), 422, 'scope');
  // an expired token stops working (its end moved to the past, as time would)
  sql(`UPDATE tokens SET expires_at = 1 WHERE label = 'records export'`);
  const gone = await t.get('/api/v1/me');
  assertProblem(gone, 401);
  assert.match(gone.json.detail, /expired/);
});

test('the command line takes --expires and --scope, and refuses bad ones', () => {
  let r = cli(['token', 'create', '--db', srv.db, '--username', 'med', '--expires', '2w', '--scope', 'report']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^sh_[0-9a-f]{64}\n$/);
  assert.match(r.stderr, /report token for med, until \d{4}-/);
  r = cli(['token', 'create', '--db', srv.db, '--username', 'med', '--expires', '12h']);
  assert.equal(r.status, 0, r.stderr);
  const day = countyDate(Date.now(), 30);
  r = cli(['token', 'create', '--db', srv.db, '--username', 'med', '--expires', day]);
  assert.equal(r.status, 0, r.stderr);
  for (const bad of [['--expires', '0d'], ['--expires', '367d'], ['--expires', 'soon'], ['--scope', 'everything']]) {
    r = cli(['token', 'create', '--db', srv.db, '--username', 'med', ...bad]);
    assert.equal(r.status, 1, bad.join(' '));
    assert.match(r.stderr, new RegExp(bad[0].slice(2)));
  }
  const list = cli(['token', 'list', '--db', srv.db]);
  assert.match(list.stdout, /\tmed\t-\treport\tuntil \d{4}-\d\d-\d\dT/);
});

test('tokens die with a password reset and with a disable', async () => {
  const cw = await session('cw');
  const made = (await cw.post('/api/v1/tokens', {})).json.token;
  const t = makeClient(srv.url).useToken(made);
  assert.equal((await t.get('/api/v1/me')).status, 200);
  const users = (await srv.as('admin').get('/api/v1/users')).json.items;
  const id = users.find((u) => u.username === 'cw').id;
  assert.equal((await srv.as('admin').post(`/api/v1/users/${id}/password`, { password: 'synthetic-reset-pass-42' })).status, 204);
  assertProblem(await t.get('/api/v1/me'), 401);
  assertProblem(await srv.as('cw').get('/api/v1/me'), 401, undefined); // the seeded one too
  const again = makeClient(srv.url).useToken((await (await session('cw', 'synthetic-reset-pass-42')).post('/api/v1/tokens', {})).json.token);
  assert.equal((await again.get('/api/v1/me')).status, 200);
  assert.equal(cli(['user', 'disable', '--db', srv.db, '--username', 'cw']).status, 0);
  assert.equal(cli(['user', 'enable', '--db', srv.db, '--username', 'cw']).status, 0);
  assertProblem(await again.get('/api/v1/me'), 401);
});

test('tokens made by the operator, privileged accounts and password resets are announced to the agency', async () => {
  assert.equal(cli(['token', 'create', '--db', srv.db, '--username', 'adv']).status, 0);
  const admin = srv.as('admin');
  const agencies = (await admin.get('/api/v1/agencies')).json.items;
  const adv = agencies.find((a) => a.name === 'Advocates United').id;
  const sup = await admin.post('/api/v1/users', { agency_id: adv, username: 'adv_sup2', display_name: 'Synthetic adv_sup2', role: 'supervisor', password: 'synthetic-longer-pass-7' });
  assert.equal(sup.status, 201, sup.text);
  const member = await admin.post('/api/v1/users', { agency_id: adv, username: 'adv3', display_name: 'Synthetic adv3', role: 'member', password: 'synthetic-longer-pass-8' });
  assert.equal(member.status, 201, member.text);
  assert.equal((await admin.post(`/api/v1/users/${member.json.id}/password`, { password: 'synthetic-longer-pass-9' })).status, 204);

  const seen = (await srv.as('adv_sup').get('/api/v1/notices')).json.items;
  const kinds = seen.map((n) => `${n.kind} ${n.subject.username} ${typeof n.by === 'string' ? n.by : n.by.name}`);
  assert.ok(kinds.includes('token_created adv the operator (command line)'), kinds.join('\n'));
  assert.ok(kinds.includes('privileged_account adv_sup2 Synthetic admin'), kinds.join('\n'));
  assert.ok(kinds.includes('password_reset adv3 Synthetic admin'), kinds.join('\n'));
  assert.ok(!kinds.some((k) => k.startsWith('privileged_account adv3')), 'a member account is not announced');
  // the person concerned sees their own; another agency's supervisor sees none of them
  const own = (await srv.as('adv').get('/api/v1/notices')).json.items;
  assert.ok(own.length && own.every((n) => n.subject.username === 'adv'));
  const other = (await srv.as('le_sup').get('/api/v1/notices')).json.items;
  assert.ok(!other.some((n) => n.subject.username.startsWith('adv')));
  // and the audit has them, naming no secret
  const rows = sql("SELECT detail FROM audit WHERE action = 'token.create' ORDER BY seq DESC LIMIT 1");
  assert.match(rows, /^token \d+ for user \d+, scope write, until /);
  assert.doesNotMatch(rows, /sh_[0-9a-f]{8}/);
});

test('who viewed a case names the token a read came with, and who made it', async () => {
  await srv.as('le').get(`/api/v1/cases/${kase.id}`);
  const le = await session('le');
  const own = makeClient(srv.url).useToken((await le.post('/api/v1/tokens', { label: 'my script' })).json.token);
  await own.get(`/api/v1/cases/${kase.id}`);
  await le.get(`/api/v1/cases/${kase.id}`);
  const items = (await srv.as('le_sup').get(`/api/v1/cases/${kase.id}/audit?limit=500`)).json.items
    .filter((x) => x.action === 'case.read' && x.user === 'Synthetic le');
  const byOperator = items.find((x) => x.via_token && x.via_token.created_by === 'the operator (command line)');
  const bySelf = items.find((x) => x.via_token?.label === 'my script');
  assert.ok(byOperator, JSON.stringify(items));
  assert.equal(bySelf.via_token.created_by.name, 'Synthetic le');
  assert.ok(items.some((x) => !x.via_token), 'a read in a session names no token');
});

test('who viewed pages through every row, and filters by outcome', async () => {
  const c = (await identify(srv.as('le'))).json;
  const probe = srv.as('le2'); // another station: not on the case, every look is denied
  for (let i = 0; i < 60; i++) assert.equal((await probe.get(`/api/v1/cases/${c.id}`)).status, 404);
  await srv.as('le').get(`/api/v1/cases/${c.id}`); // the real read, buried
  for (let i = 0; i < 60; i++) await probe.get(`/api/v1/cases/${c.id}`);
  const sup = srv.as('le_sup');
  const all = [];
  let next = null;
  let pages = 0;
  do {
    const r = await sup.get(`/api/v1/cases/${c.id}/audit?limit=25${next ? `&cursor=${next}` : ''}`);
    assert.equal(r.status, 200, r.text);
    all.push(...r.json.items);
    next = r.json.next;
    pages++;
  } while (next && pages < 50);
  const total = Number(sql(`SELECT count(*) FROM audit WHERE case_id = '${c.id}'`));
  assert.equal(all.length, total, 'every row, once');
  assert.equal(new Set(all.map((x) => x.seq)).size, total);
  assert.ok(all.filter((x) => x.outcome === 'denied').length >= 120);
  const ok = (await sup.get(`/api/v1/cases/${c.id}/audit?outcome=ok`)).json.items;
  assert.ok(ok.length >= 2 && ok.every((x) => x.outcome === 'ok'));
  assert.ok(ok.some((x) => x.action === 'case.read' && x.user === 'Synthetic le'));
  assertProblem(await sup.get(`/api/v1/cases/${c.id}/audit?outcome=maybe`), 422, 'outcome');
  assertProblem(await sup.get(`/api/v1/cases/${c.id}/audit?limit=0`), 422, 'limit');
});

test('weak passwords are refused, naming the rule, and nothing is written', async () => {
  const admin = srv.as('admin');
  const agencies = (await admin.get('/api/v1/agencies')).json.items;
  const cwAgency = agencies.find((a) => a.name === 'Child Welfare').id;
  const cases = [
    ['password2024', /most common passwords/],
    ['P@ssw0rd-2024!', /most common passwords/],
    ['qwertyuiop12', /most common passwords/],
    ['zzzzzzzzzzzzzz', /one character repeated/],
    ['123456789012', /run of characters/],
    ['abcdefghijkl', /run of characters/],
    ['xyzxyzxyzxyz', /repeats a short part/],
    ['cw.newbie-is-here', /username/],
    ['Child-Welfare-rocks-9', /agency's name/],
    ['too-short', /12 to 1024/],
  ];
  for (const [password, why] of cases) {
    const r = await admin.post('/api/v1/users', { agency_id: cwAgency, username: 'cw.newbie', display_name: 'Synthetic newbie', role: 'member', password });
    assertProblem(r, 422, 'password');
    assert.match(r.json.errors.find((e) => e.field === 'password').message, why, password);
  }
  assert.equal(sql("SELECT count(*) FROM users WHERE username = 'cw.newbie'"), '0');
  // a reset is held to the same rules, and the command line too
  const users = (await admin.get('/api/v1/users')).json.items;
  const med = users.find((u) => u.username === 'med').id;
  assertProblem(await admin.post(`/api/v1/users/${med}/password`, { password: 'Password12345' }), 422, 'password');
  const r = cli(['user', 'add', '--db', srv.db, '--agency', 'Child Welfare', '--username', 'cw.other',
    '--role', 'member', '--display-name', 'Synthetic other'], { input: 'welcome2026!!\n' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /password.*most common/);
});
