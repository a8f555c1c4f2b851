// Sign-in, sessions, CSRF, tokens, disabled users, slowdown, and the admin API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { startCounty, makeClient, cli, assertProblem, PASSWORD, RELEASE_BIN } from './harness.mjs';

let srv;
before(async () => { srv = await startCounty({ args: ['--session-idle', '3'] }); });
after(async () => { assert.equal(await srv.stop(), 0); });

const signIn = (c, username, password = PASSWORD) =>
  c.post('/api/v1/session', { username, password });

test('sign-in sets an HttpOnly SameSite=Strict cookie and returns a CSRF token', async () => {
  const c = makeClient(srv.url);
  const r = await signIn(c, 'le');
  assert.equal(r.status, 200, r.text);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /^sh_session=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict/);
  assert.doesNotMatch(cookie, /Secure/);
  assert.match(r.json.csrf_token, /^[0-9a-f]{64}$/);
  assert.equal(r.json.user.username, 'le');
  assert.equal(r.json.user.agency.kind, 'law_enforcement');
  assert.ok(!('password_hash' in r.json.user));
  const me = await c.get('/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.csrf_token, r.json.csrf_token);
});

test('a wrong password and an unknown user get the same 401', async () => {
  const a = await signIn(makeClient(srv.url), 'le', 'wrong-password-xyz');
  const b = await signIn(makeClient(srv.url), 'nobody-here', 'wrong-password-xyz');
  assertProblem(a, 401);
  assertProblem(b, 401);
  assert.equal(a.json.detail, b.json.detail);
});

test('a malformed body is 400 naming the position; unknown fields are 422', async () => {
  const c = makeClient(srv.url);
  const r = await c.request('POST', '/api/v1/session', {
    raw: '{"username": "le",, }', headers: { 'content-type': 'application/json' },
  });
  assertProblem(r, 400);
  assert.match(r.json.detail, /line 1, column \d+/);
  assertProblem(await c.post('/api/v1/session', { username: 'le', password: 'x', extra: 1 }), 422, 'extra');
  assertProblem(await c.request('POST', '/api/v1/session', { raw: 'username=le', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
});

test('an oversized body is 413 and the server keeps answering', async () => {
  const c = makeClient(srv.url);
  const big = JSON.stringify({ username: 'x'.repeat(8000), password: 'y' });
  assertProblem(await c.request('POST', '/api/v1/session', { raw: big, headers: { 'content-type': 'application/json' } }), 413);
  // refused from its Content-Length, before it is read (small enough not to fill the socket)
  const huge = 'z'.repeat(200 * 1024);
  const r = await c.request('POST', '/api/v1/cases', { raw: huge, headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 413);
  assert.equal((await c.get('/healthz')).status, 200);
});

test('state-changing cookie requests need the CSRF token', async () => {
  const c = makeClient(srv.url);
  const r = await signIn(c, 'adv');
  c.state.csrf = null;
  assertProblem(await c.del('/api/v1/session'), 403);
  c.state.csrf = 'f'.repeat(64);
  assertProblem(await c.del('/api/v1/session'), 403);
  c.state.csrf = r.json.csrf_token;
  assert.equal((await c.del('/api/v1/session')).status, 204);
  assertProblem(await c.get('/api/v1/me'), 401);
});

test('a session ends after inactivity', async () => {
  const c = makeClient(srv.url);
  await signIn(c, 'cw');
  assert.equal((await c.get('/api/v1/me')).status, 200);
  await new Promise((r) => setTimeout(r, 4500));
  const r = await c.get('/api/v1/me');
  assertProblem(r, 401);
  assert.match(r.json.detail, /expired/);
});

test('repeated failed sign-ins lock the account for a while, and are audited', async () => {
  const c = makeClient(srv.url);
  for (let i = 0; i < 5; i++) assertProblem(await signIn(c, 'mh', 'not-the-password'), 401);
  const locked = await signIn(c, 'mh');
  assertProblem(locked, 429);
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
  const rows = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(rows.status, 0, rows.stderr);
});

test('a disabled user loses access at once, token and open session alike', async () => {
  const c = makeClient(srv.url);
  await signIn(c, 'shelter');
  const t = srv.as('shelter');
  assert.equal((await t.get('/api/v1/me')).status, 200);
  assert.equal(cli(['user', 'disable', '--db', srv.db, '--username', 'shelter']).status, 0);
  assertProblem(await t.get('/api/v1/me'), 401);
  assertProblem(await c.get('/api/v1/me'), 401);
  assert.equal(cli(['user', 'enable', '--db', srv.db, '--username', 'shelter']).status, 0);
  // the session and the token stay ended: re-enabling gives access back to the person
  assertProblem(await t.get('/api/v1/me'), 401);
  assertProblem(await c.get('/api/v1/me'), 401, undefined);
  assert.equal((await signIn(makeClient(srv.url), 'shelter')).status, 200);
});

test('a revoked token stops working', async () => {
  const pros = makeClient(srv.url);
  pros.state.csrf = (await signIn(pros, 'pros')).json.csrf_token;
  const made = await pros.post('/api/v1/tokens', { label: 'paging gateway' });
  assert.equal(made.status, 201, made.text);
  const t = makeClient(srv.url).useToken(made.json.token);
  assert.equal((await t.get('/api/v1/me')).status, 200);
  const admin = srv.as('admin');
  const list = await admin.get('/api/v1/tokens');
  const row = list.json.items.find((x) => x.label === 'paging gateway');
  assert.equal((await admin.del(`/api/v1/tokens/${row.id}`)).status, 204);
  assertProblem(await t.get('/api/v1/me'), 401);
});

// Credentials are checked from memory after their first use (api/credcache.h): each test
// below uses the credential twice before the change, so the request after the change
// would be answered from memory if the change were not seen.
test('credentials kept in memory: a revoked token is refused on the very next request', async () => {
  const t = srv.as('med');
  for (let i = 0; i < 2; i++) assert.equal((await t.get('/api/v1/me')).status, 200);
  const row = (await srv.as('admin').get('/api/v1/tokens')).json.items
    .find((x) => x.username === 'med' && !x.revoked_at);
  // by the API, and by the command line (another process) for a second token
  assert.equal((await srv.as('admin').del(`/api/v1/tokens/${row.id}`)).status, 204);
  assertProblem(await t.get('/api/v1/me'), 401);
  const made = cli(['token', 'create', '--db', srv.db, '--username', 'med']);
  assert.equal(made.status, 0, made.stderr);
  const t2 = makeClient(srv.url).useToken(made.stdout.trim());
  for (let i = 0; i < 2; i++) assert.equal((await t2.get('/api/v1/me')).status, 200);
  const id = (await srv.as('admin').get('/api/v1/tokens')).json.items
    .find((x) => x.username === 'med' && !x.revoked_at).id;
  assert.equal(cli(['token', 'revoke', '--db', srv.db, '--id', String(id)]).status, 0);
  assertProblem(await t2.get('/api/v1/me'), 401);
});

test('credentials kept in memory: a signed-out session is refused on the very next request', async () => {
  const c = makeClient(srv.url);
  c.state.csrf = (await signIn(c, 'le2')).json.csrf_token;
  const other = makeClient(srv.url);
  await signIn(other, 'le2');
  for (let i = 0; i < 2; i++) assert.equal((await c.get('/api/v1/me')).status, 200);
  const cookie = c.state.cookie;
  assert.equal((await c.del('/api/v1/session')).status, 204);
  const again = makeClient(srv.url);
  again.state.cookie = cookie; // the same cookie, sent again after the sign-out
  assertProblem(await again.get('/api/v1/me'), 401);
  assert.equal((await other.get('/api/v1/me')).status, 200); // the person's other session goes on
});

test('credentials kept in memory: a user disabled by an admin is refused on the very next request', async () => {
  const c = makeClient(srv.url);
  await signIn(c, 'prob');
  const t = srv.as('prob');
  for (let i = 0; i < 2; i++) {
    assert.equal((await t.get('/api/v1/me')).status, 200);
    assert.equal((await c.get('/api/v1/me')).status, 200);
  }
  const admin = srv.as('admin');
  const id = (await admin.get('/api/v1/users')).json.items.find((x) => x.username === 'prob').id;
  assert.equal((await admin.post(`/api/v1/users/${id}/disable`, {})).status, 200);
  assertProblem(await t.get('/api/v1/me'), 401);
  assertProblem(await c.get('/api/v1/me'), 401);
  assert.equal((await admin.post(`/api/v1/users/${id}/enable`, {})).status, 200);
});

test('credentials kept in memory: a changed role, name or agency name is seen on the very next request', async () => {
  const admin = srv.as('admin');
  const users = (await admin.get('/api/v1/users')).json.items;
  const adv = users.find((x) => x.username === 'adv_sup');
  const t = srv.as('adv_sup');
  for (let i = 0; i < 2; i++) assert.equal((await t.get('/api/v1/me')).status, 200);
  // a new name or agency name leaves the token valid, and the next answer has it
  let r = await admin.request('PATCH', `/api/v1/users/${adv.id}`, { body: { display_name: 'Synthetic Renamed' } });
  assert.equal(r.status, 200, r.text);
  assert.equal((await t.get('/api/v1/me')).json.user.display_name, 'Synthetic Renamed');
  r = await admin.request('PATCH', `/api/v1/agencies/${adv.agency.id}`, { body: { name: 'Advocates Renamed' } });
  assert.equal(r.status, 200, r.text);
  assert.equal((await t.get('/api/v1/me')).json.user.agency.name, 'Advocates Renamed');
  // a new role ends the token: the next request is refused, not answered with the old role
  r = await admin.request('PATCH', `/api/v1/users/${adv.id}`, { body: { role: 'member' } });
  assert.equal(r.status, 200, r.text);
  assertProblem(await t.get('/api/v1/me'), 401);
  r = await admin.request('PATCH', `/api/v1/agencies/${adv.agency.id}`, { body: { name: 'Advocates United' } });
  assert.equal(r.status, 200, r.text);
});

test('credentials kept in memory: a disabled agency is refused on the very next request', async () => {
  const t = srv.as('pros');
  for (let i = 0; i < 2; i++) assert.equal((await t.get('/api/v1/me')).status, 200);
  assert.equal(cli(['agency', 'disable', '--db', srv.db, '--name', 'District Attorney']).status, 0);
  assertProblem(await t.get('/api/v1/me'), 401);
  assert.equal(cli(['agency', 'enable', '--db', srv.db, '--name', 'District Attorney']).status, 0);
  assert.equal((await t.get('/api/v1/me')).status, 200);
});

test('admins manage agencies and users; others may not', async () => {
  const admin = srv.as('admin');
  const ag = await admin.post('/api/v1/agencies', { name: 'New Shelter', kind: 'shelter', areas: ['compton'] });
  assert.equal(ag.status, 201, ag.text);
  assertProblem(await admin.post('/api/v1/agencies', { name: 'New Shelter', kind: 'shelter' }), 409, 'name');
  assertProblem(await admin.post('/api/v1/agencies', { name: 'X', kind: 'spaceship' }), 422, 'kind');
  const u = await admin.post('/api/v1/users', { agency_id: ag.json.id, username: 'newbie', display_name: 'Synthetic Newbie', role: 'member', password: 'long-enough-pass' });
  assert.equal(u.status, 201, u.text);
  assertProblem(await admin.post('/api/v1/users', { agency_id: ag.json.id, username: 'x2', display_name: 'X', role: 'member', password: 'short' }), 422, 'password');
  assertProblem(await srv.as('le_sup').post('/api/v1/agencies', { name: 'Y', kind: 'shelter' }), 403);
  const c = makeClient(srv.url);
  assert.equal((await signIn(c, 'newbie', 'long-enough-pass')).status, 200);
  assert.equal((await admin.post(`/api/v1/users/${u.json.id}/password`, { password: 'another-long-pass' })).status, 204);
  assertProblem(await c.get('/api/v1/me'), 401); // a reset ends the user's sessions
  assert.equal((await signIn(makeClient(srv.url), 'newbie', 'another-long-pass')).status, 200);
  const mine = await srv.as('le_sup').get('/api/v1/users');
  assert.ok(mine.json.items.every((x) => x.agency.name === 'Sheriff Station A'));
});

test('admins and analysts see no case content', async () => {
  assertProblem(await srv.as('admin').get('/api/v1/cases'), 403);
  assertProblem(await srv.as('analyst').get('/api/v1/cases'), 403);
});

test('a burst of sign-ins all succeed without taking 64 MiB each at once', async () => {
  // Argon2id (interactive limits) takes 64 MiB while it runs; the server runs at most
  // two at a time, so twelve sign-ins at once wait their turn instead of taking 768 MiB.
  // Measured on the release build: a sanitizer's own memory would distort the peak.
  assert.ok(existsSync(RELEASE_BIN), `${RELEASE_BIN} is missing: make build/release/safeharbor`);
  const rel = await startCounty({ bin: RELEASE_BIN });
  try {
    const hwm = () => {
      const m = readFileSync(`/proc/${rel.child.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
      return Number(m[1]) * 1024;
    };
    const before = hwm();
    // a sign-in that waited its turn longer than the server allows (10 s: a loaded machine
    // hashes slowly) is answered 429 with Retry-After 1, as designed: it asks again then
    const patient = async () => {
      for (let tries = 1; ; tries++) {
        const r = await signIn(makeClient(rel.url), 'cw');
        if (r.status !== 429 || r.headers.get('retry-after') !== '1' || tries === 5) return r;
        await new Promise((res) => setTimeout(res, 1000));
      }
    };
    const rs = await Promise.all(Array.from({ length: 12 }, patient));
    for (const r of rs) assert.equal(r.status, 200, r.text);
    const grew = hwm() - before;
    assert.ok(grew < 160 * 1024 * 1024, `peak memory grew by ${Math.round(grew / 1048576)} MiB`);
  } finally {
    assert.equal(await rel.stop(), 0);
  }
});
