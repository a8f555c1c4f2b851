// A second factor for local accounts (security.md "Sign-in, sessions and tokens"):
// supervisors and admins cannot sign in with a password alone; TOTP codes are computed here
// from the secret the server showed, with node:crypto, independently of the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startCounty, makeClient, cli, assertProblem, signInApi, totpAt, stepNow, nextCode,
  rememberSecret, PASSWORD, query, PG } from './harness.mjs';

let srv;
before(async () => { srv = await startCounty(); });
after(async () => { assert.equal(await srv.stop(), 0); });

const sql = (q) => query(srv.db, q);
async function passwordOnly(username, password = PASSWORD) {
  const c = makeClient(srv.url);
  const r = await c.post('/api/v1/session', { username, password });
  assert.equal(r.status, 200, r.text);
  c.state.csrf = r.json.csrf_token;
  return { c, r };
}

test('a supervisor signed in with the password alone reaches nothing but the set-up', async () => {
  const { c, r } = await passwordOnly('cw_sup');
  assert.equal(r.json.signin, 'enrol');
  assert.ok(Date.parse(r.json.session.ends_at) - Date.now() <= 300e3, 'a pending sign-in is short');
  for (const path of ['/api/v1/cases', '/api/v1/users', '/api/v1/notices', '/api/v1/tokens']) {
    const x = await c.get(path);
    assertProblem(x, 401);
    assert.match(x.json.detail, /set up an authenticator app/);
  }
  assertProblem(await c.post('/api/v1/tokens', {}), 401);
  const me = await c.get('/api/v1/me');
  assert.equal(me.json.signin, 'enrol');
  assert.deepEqual(me.json.second_factor, { enrolled: false, required: true, recovery_codes_left: 0 });
  // the set-up: a secret, its otpauth URI and a QR code the web app draws
  const t = await c.post('/api/v1/me/totp', {});
  assert.equal(t.status, 200, t.text);
  assert.match(t.json.secret, /^[A-Z2-7]{32}$/);
  assert.equal(t.json.otpauth_uri, `otpauth://totp/safeharbor:cw_sup?secret=${t.json.secret}&issuer=safeharbor&algorithm=SHA1&digits=6&period=30`);
  assert.ok(t.json.qr.size >= 21 && /^(M\d+ \d+h\d+v1h-\d+z)+$/.test(t.json.qr.path));
  // the secret is sealed at rest, never in the clear
  assert.doesNotMatch(sql(`SELECT ${PG ? "encode(totp_secret, 'hex')" : 'hex(totp_secret)'} FROM users WHERE username = 'cw_sup'`), new RegExp(Buffer.from(t.json.secret).toString('hex'), 'i'));
  // a wrong code is refused beside the field, and changes nothing
  const bad = await c.post('/api/v1/me/totp/confirm', { code: String((Number(totpAt(t.json.secret, stepNow())) + 1) % 1e6).padStart(6, '0') });
  assertProblem(bad, 422, 'code');
  assert.equal(sql("SELECT totp_enrolled_at FROM users WHERE username = 'cw_sup'"), '0');
  // the right one finishes signing in with a new session and shows ten recovery codes once
  const step = stepNow(); // the current step: accepted for 30 s at least (now - 1 may lapse mid-request)
  const ok = await c.post('/api/v1/me/totp/confirm', { code: totpAt(t.json.secret, step) });
  assert.equal(ok.status, 200, ok.text);
  rememberSecret(srv.url, 'cw_sup', t.json.secret, step);
  assert.equal(ok.json.signin, 'done');
  assert.equal(ok.json.recovery_codes.length, 10);
  assert.ok(ok.json.recovery_codes.every((x) => /^[a-z2-9]{5}-[a-z2-9]{5}$/.test(x)));
  assert.notEqual(ok.json.csrf_token, r.json.csrf_token);
  assert.equal(Number(sql("SELECT count(*) FROM recovery_codes r JOIN users u ON u.id = r.user_id WHERE u.username = 'cw_sup'")), 10);
  assert.equal(sql("SELECT count(*) FROM recovery_codes WHERE hash = '" + ok.json.recovery_codes[0].replace('-', '') + "'"), '0', 'codes are stored hashed');
  c.state.csrf = ok.json.csrf_token;
  assert.equal((await c.get('/api/v1/cases')).status, 200);
  // the agency sees it
  const notices = (await c.get('/api/v1/notices')).json.items;
  assert.ok(notices.some((n) => n.kind === 'factor_enrolled' && n.subject.username === 'cw_sup'));
  // the pending session it started from is gone
  const old = makeClient(srv.url);
  old.state.cookie = r.headers.get('set-cookie').split(';')[0];
  assertProblem(await old.get('/api/v1/me'), 401);
  // once set up, a second one cannot be started without an admin
  assertProblem(await c.post('/api/v1/me/totp', {}), 409);
});

test('after the password, the code: wrong ones refused, each code good once, recovery codes once', async () => {
  const first = await signInApi(srv.url, 'adv_sup'); // sets up the app
  const recovery = (await first.get('/api/v1/me')).json.second_factor;
  assert.deepEqual(recovery, { enrolled: true, required: true, recovery_codes_left: 10 });
  const { c, r } = await passwordOnly('adv_sup');
  assert.equal(r.json.signin, 'code');
  assertProblem(await c.get('/api/v1/cases'), 401);
  // an attacker who has only the password cannot replace the factor
  assertProblem(await c.post('/api/v1/me/totp', {}), 403);
  assertProblem(await c.post('/api/v1/me/totp/confirm', { code: '123456' }), 403);
  const wrong = await c.post('/api/v1/session/code', { code: '000000' });
  assertProblem(wrong, 401);
  const code = await nextCode(srv.url, 'adv_sup');
  const ok = await c.post('/api/v1/session/code', { code });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.signin, 'done');
  // the same code again, in another sign-in, is refused
  const again = await passwordOnly('adv_sup');
  assertProblem(await again.c.post('/api/v1/session/code', { code }), 401);
  assert.ok(Number(sql("SELECT count(*) FROM audit WHERE action = 'session.denied' AND detail = 'code used before'")) >= 1);
  // a signed-in session owes no code
  c.state.csrf = ok.json.csrf_token;
  assertProblem(await c.post('/api/v1/session/code', { code }), 409);
});

test('a recovery code signs in once and is counted off', async () => {
  const sup = await signInApi(srv.url, 'le_sup');
  assert.equal((await sup.get('/api/v1/me')).json.second_factor.recovery_codes_left, 10);
  // recovery codes are shown only at the set-up: make new ones by resetting and setting up again
  const admin = await signInApi(srv.url, 'admin');
  const id = (await sup.get('/api/v1/me')).json.user.id;
  assert.equal((await srv.as('le_sup').get('/api/v1/me')).status, 200);
  assert.equal((await admin.request('DELETE', `/api/v1/users/${id}/totp`)).status, 204);
  assertProblem(await sup.get('/api/v1/me'), 401, undefined); // its sessions ended
  assertProblem(await srv.as('le_sup').get('/api/v1/me'), 401, undefined); // and its tokens
  const { c, r } = await passwordOnly('le_sup');
  assert.equal(r.json.signin, 'enrol');
  const t = await c.post('/api/v1/me/totp', {});
  const step = stepNow(); // the current step: accepted for 30 s at least (now - 1 may lapse mid-request)
  const done = await c.post('/api/v1/me/totp/confirm', { code: totpAt(t.json.secret, step) });
  rememberSecret(srv.url, 'le_sup', t.json.secret, step);
  const [code] = done.json.recovery_codes;
  const a = await passwordOnly('le_sup');
  const used = await a.c.post('/api/v1/session/code', { code: ` ${code.toUpperCase()} ` });
  assert.equal(used.status, 200, used.text);
  a.c.state.csrf = used.json.csrf_token;
  assert.equal((await a.c.get('/api/v1/me')).json.second_factor.recovery_codes_left, 9);
  const b = await passwordOnly('le_sup');
  assertProblem(await b.c.post('/api/v1/session/code', { code }), 401);
  assert.ok(Number(sql("SELECT count(*) FROM audit WHERE action = 'session.create' AND detail = 'password and recovery code'")) === 1);
  // the reset was announced to the agency, by the admin's name
  const n = (await a.c.get('/api/v1/notices')).json.items.find((x) => x.kind === 'factor_reset');
  assert.ok(n, 'the reset is announced');
  assert.equal(n.by.name, 'Synthetic admin');
  assert.equal(Number(sql("SELECT count(*) FROM audit WHERE action = 'user.factor_reset'")), 1);
  // only admins reset, and only a factor there is
  assertProblem(await (await signInApi(srv.url, 'cw_sup')).request('DELETE', `/api/v1/users/${id}/totp`), 403);
  const member = (await srv.as('le').get('/api/v1/me')).json.user.id;
  assertProblem(await admin.request('DELETE', `/api/v1/users/${member}/totp`), 409);
});

test('wrong codes are slowed like wrong passwords: the fifth locks, even the right code then', async () => {
  await signInApi(srv.url, 'admin');
  const { c } = await passwordOnly('admin');
  for (let i = 0; i < 5; i++) assertProblem(await c.post('/api/v1/session/code', { code: '999999' }), 401);
  const locked = await c.post('/api/v1/session/code', { code: await nextCode(srv.url, 'admin') });
  assertProblem(locked, 429);
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
  // and the password step too, for this account from this address
  assertProblem(await makeClient(srv.url).post('/api/v1/session', { username: 'admin', password: PASSWORD }), 429);
  assert.ok(Number(sql("SELECT count(*) FROM audit WHERE action = 'session.locked'")) >= 1);
});

test('a member signs in with the password alone unless the county asks everyone for a code', async () => {
  const { r } = await passwordOnly('med');
  assert.equal(r.json.signin, 'done');
  assert.deepEqual((await srv.as('med').get('/api/v1/me')).json.second_factor, { enrolled: false, required: false, recovery_codes_left: 0 });
  const strict = await startCounty({ prepare: (db) => assert.equal(cli(['settings', '--db', db, 'signin.totp_required=everyone']).status, 0) });
  try {
    const x = await makeClient(strict.url).post('/api/v1/session', { username: 'med', password: PASSWORD });
    assert.equal(x.json.signin, 'enrol');
    // bearer tokens the operator made still work: integrations have no second factor
    assert.equal((await strict.as('med').get('/api/v1/me')).status, 200);
  } finally {
    assert.equal(await strict.stop(), 0);
  }
  assertProblem(await makeClient(srv.url).post('/api/v1/session', { username: 'x', password: 'y' }), 401);
  assert.notEqual(cli(['settings', '--db', srv.db, 'signin.totp_required=nobody']).status, 0);
});

test('a member may set up an authenticator app, and then gives its code', async () => {
  const c = await signInApi(srv.url, 'mh');
  // from a session signed in earlier, the password again (a session left open is not enough)
  assertProblem(await c.post('/api/v1/me/totp', {}), 422, 'password');
  assertProblem(await c.post('/api/v1/me/totp', { password: 'not-the-password-9' }), 422, 'password');
  assert.equal(sql("SELECT count(*) FROM users WHERE username = 'mh' AND totp_secret IS NOT NULL"), '0', 'nothing written');
  const t = await c.post('/api/v1/me/totp', { password: PASSWORD });
  assert.equal(t.status, 200, t.text);
  const step = stepNow(); // the current step: accepted for 30 s at least (now - 1 may lapse mid-request)
  const done = await c.post('/api/v1/me/totp/confirm', { code: totpAt(t.json.secret, step) });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.json.recovery_codes.length, 10);
  rememberSecret(srv.url, 'mh', t.json.secret, step);
  const { r } = await passwordOnly('mh');
  assert.equal(r.json.signin, 'code');
  // a token cannot set one up
  assertProblem(await srv.as('pros').post('/api/v1/me/totp', {}), 403);
});
