// The account lifecycle (issue 19): people change their own password, admins change a
// user's role or agency (audited, announced to the agency's supervisors), and accounts
// unused for accounts.inactive_days are disabled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, serve, makeClient, cli, assertProblem, signInApi, PASSWORD, query } from './harness.mjs';

let srv;
before(async () => { srv = await startCounty(); });
after(async () => { assert.equal(await srv.stop(), 0); });

const sql = (q, db = srv.db) => query(db, q);
const idOf = async (username) => Number(sql(`SELECT id FROM users WHERE username = '${username}'`));

test('people change their own password: the old one is needed, the rules apply, the rest ends', async () => {
  const c = await signInApi(srv.url, 'prob');
  const other = await signInApi(srv.url, 'prob');
  const hash = sql("SELECT password_hash FROM users WHERE username = 'prob'");
  assertProblem(await c.post('/api/v1/me/password', { old_password: 'not-the-password-9', password: 'fresh-synthetic-pass-77' }), 422, 'old_password');
  assertProblem(await c.post('/api/v1/me/password', { old_password: PASSWORD, password: 'password2024' }), 422, 'password');
  assertProblem(await c.post('/api/v1/me/password', { old_password: PASSWORD, password: PASSWORD }), 422, 'password');
  assertProblem(await srv.as('prob').post('/api/v1/me/password', { old_password: PASSWORD, password: 'fresh-synthetic-pass-77' }), 403);
  assert.equal(sql("SELECT password_hash FROM users WHERE username = 'prob'"), hash, 'a refusal writes nothing');
  const r = await c.post('/api/v1/me/password', { old_password: PASSWORD, password: 'fresh-synthetic-pass-77' });
  assert.equal(r.status, 200, r.text);
  c.state.csrf = r.json.csrf_token;
  // this browser goes on with a new session; every other session and token has ended
  assert.equal((await c.get('/api/v1/me')).status, 200);
  assertProblem(await other.get('/api/v1/me'), 401);
  assertProblem(await srv.as('prob').get('/api/v1/me'), 401);
  assertProblem(await makeClient(srv.url).post('/api/v1/session', { username: 'prob', password: PASSWORD }), 401);
  assert.equal((await makeClient(srv.url).post('/api/v1/session', { username: 'prob', password: 'fresh-synthetic-pass-77' })).status, 200);
  assert.equal(sql("SELECT count(*) FROM audit WHERE action = 'user.password_change'"), '1');
});

test('an admin changes a role: audited, the user starts again, the agency hears of it', async () => {
  const admin = await signInApi(srv.url, 'admin');
  const le = await idOf('le');
  const r = await admin.request('PATCH', `/api/v1/users/${le}`, { body: { role: 'supervisor' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.role, 'supervisor');
  assertProblem(await srv.as('le').get('/api/v1/me'), 401); // its tokens ended
  assert.match(sql("SELECT detail FROM audit WHERE action = 'user.update' ORDER BY seq DESC LIMIT 1"), new RegExp(`user ${le} role member->supervisor`));
  const sup = await signInApi(srv.url, 'le_sup');
  const n = (await sup.get('/api/v1/notices')).json.items.find((x) => x.kind === 'role_changed' && x.subject.username === 'le');
  assert.ok(n, 'the agency\'s supervisor sees it');
  assert.match(n.detail, /from member to supervisor by an admin/);
  // a supervisor now: a password alone no longer signs in
  const p = await makeClient(srv.url).post('/api/v1/session', { username: 'le', password: PASSWORD });
  assert.equal(p.json.signin, 'enrol');
  // back to member
  assert.equal((await admin.request('PATCH', `/api/v1/users/${le}`, { body: { role: 'member' } })).status, 200);
});

test('an admin moves a user to another agency: both agencies hear of it', async () => {
  const admin = await signInApi(srv.url, 'admin');
  const med = await idOf('med');
  const mh = Number(sql("SELECT id FROM agencies WHERE name = 'Mental Health'"));
  const from = Number(sql("SELECT id FROM agencies WHERE name = 'Medical Hub'"));
  const r = await admin.request('PATCH', `/api/v1/users/${med}`, { body: { agency_id: mh } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.agency.name, 'Mental Health');
  const moved = (await admin.get('/api/v1/notices')).json.items.filter((x) => x.kind === 'agency_changed' && x.subject.id === med);
  assert.deepEqual(moved.map((x) => x.agency_id).sort(), [from, mh].sort());
  assert.match(moved[0].detail, /moved from Medical Hub to Mental Health/);
});

test('the changes an admin may not make, each named', async () => {
  const admin = await signInApi(srv.url, 'admin');
  const me = await idOf('admin');
  const cw = await idOf('cw');
  const before = sql('SELECT count(*) FROM audit');
  assertProblem(await admin.request('PATCH', `/api/v1/users/${me}`, { body: { role: 'member' } }), 403, 'role');
  assertProblem(await admin.request('PATCH', `/api/v1/users/${cw}`, { body: { role: 'boss' } }), 422, 'role');
  assertProblem(await admin.request('PATCH', `/api/v1/users/${cw}`, { body: { agency_id: 9999 } }), 422, 'agency_id');
  assertProblem(await admin.request('PATCH', `/api/v1/users/${cw}`, { body: {} }), 422, 'role');
  assertProblem(await admin.request('PATCH', `/api/v1/users/${cw}`, { body: { role: 'member', extra: 1 } }), 422, 'extra');
  assertProblem(await admin.request('PATCH', '/api/v1/users/9999', { body: { role: 'member' } }), 404);
  assertProblem(await (await signInApi(srv.url, 'cw_sup')).request('PATCH', `/api/v1/users/${cw}`, { body: { role: 'supervisor' } }), 403);
  assert.equal(sql("SELECT role FROM users WHERE username = 'cw'"), 'member');
  assert.equal(sql("SELECT count(*) FROM audit WHERE action = 'user.update'"), sql("SELECT count(*) FROM audit WHERE action = 'user.update' AND outcome = 'ok'"));
  assert.ok(Number(sql('SELECT count(*) FROM audit')) >= Number(before));
});

test('linking an account to a county account is announced: it lets someone sign in as the person', async () => {
  const admin = await signInApi(srv.url, 'admin');
  const cw = await idOf('cw');
  const r = await admin.request('PATCH', `/api/v1/users/${cw}`, { body: { sso_id: 'cw@county.example' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.sso_id, 'cw@county.example');
  const pr = await idOf('prob');
  assertProblem(await admin.request('PATCH', `/api/v1/users/${pr}`, { body: { sso_id: 'CW@county.example' } }), 409, 'sso_id');
  const n = (await (await signInApi(srv.url, 'cw_sup')).get('/api/v1/notices')).json.items.find((x) => x.kind === 'sso_linked');
  assert.match(n.detail, /linked to a county account by an admin/);
  assert.equal((await admin.request('PATCH', `/api/v1/users/${cw}`, { body: { sso_id: null } })).json.sso_id, null);
});

test('accounts unused for accounts.inactive_days are disabled by the server, and told', async () => {
  const county = await startCounty({ prepare: (db) => assert.equal(cli(['settings', '--db', db, 'accounts.inactive_days=30']).status, 0) });
  const old = Math.floor(Date.now() / 1000) - 31 * 86400;
  sql(`UPDATE users SET last_active_at = ${old} WHERE username IN ('shelter', 'pros', 'admin')`, county.db);
  assert.equal(sql("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0", county.db), '1');
  // a request marks the account used: pros's token is used now, before the next sweep
  assert.equal((await county.as('pros').get('/api/v1/me')).status, 200);
  assert.equal(await county.stop({ keep: true }), 0);
  const again = await serve(county.db);
  try {
    assert.equal(sql("SELECT disabled FROM users WHERE username = 'shelter'", county.db), '1');
    assert.equal(sql("SELECT disabled FROM users WHERE username = 'pros'", county.db), '0');
    // the county's last admin is kept: nobody else could enable accounts again over the API
    assert.equal(sql("SELECT disabled FROM users WHERE username = 'admin'", county.db), '0');
    assertProblem(await again.api.useToken(county.tokens.shelter).get('/api/v1/me'), 401);
    const admin = await signInApi(again.url, 'admin');
    const n = (await admin.get('/api/v1/notices')).json.items.find((x) => x.kind === 'disabled' && x.subject.username === 'shelter');
    assert.equal(n.by, 'safeharbor (automatic)');
    assert.match(n.detail, /after 30 days without use/);
    assert.match(sql("SELECT detail FROM audit WHERE action = 'user.disable' ORDER BY seq DESC LIMIT 1", county.db), /unused for 30 days/);
    // enabled again, it is not disabled again at the next sweep
    const id = Number(sql("SELECT id FROM users WHERE username = 'shelter'", county.db));
    assert.equal((await admin.post(`/api/v1/users/${id}/enable`, {})).status, 200);
    assert.ok(Number(sql("SELECT last_active_at FROM users WHERE username = 'shelter'", county.db)) > old + 86400);
  } finally {
    assert.equal(await again.stop(), 0);
    county.cleanup();
  }
});

test('local passwords stay on while the county has no identity provider set up (API and CLI)', async () => {
  const admin = await signInApi(srv.url, 'admin');
  const agency = (await admin.get('/api/v1/agencies')).json.items.find((a) => a.name === 'Child Welfare');
  const r = await admin.request('PUT', `/api/v1/agencies/${agency.id}/signin`, { body: { password: false } });
  assertProblem(r, 422, 'password');
  assert.match(r.json.errors[0].message, /identity provider is set up/);
  const c = cli(['agency', 'passwords', '--db', srv.db, '--name', 'Child Welfare', 'off']);
  assert.notEqual(c.status, 0);
  assert.match(c.stderr, /identity provider/);
  assert.equal(sql(`SELECT password_signin FROM agencies WHERE id = ${agency.id}`), '1', 'nothing written');
  // an issuer alone is not a set-up provider: the client id is needed too
  assert.equal(cli(['settings', '--db', srv.db, 'oidc.issuer=https://idp.county.example']).status, 0);
  assert.notEqual(cli(['agency', 'passwords', '--db', srv.db, '--name', 'Child Welfare', 'off']).status, 0);
  assert.equal(cli(['settings', '--db', srv.db, 'oidc.issuer=']).status, 0);
  assert.equal(sql(`SELECT password_signin FROM agencies WHERE id = ${agency.id}`), '1');
});
