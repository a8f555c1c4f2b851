// Webhook SSRF (docs/notifications.md "Where webhooks may go"): a supervisor or admin
// cannot make the server call loopback, private, link-local, shared, multicast or cloud
// metadata addresses, in any spelling, by setting a webhook; the address is judged again
// at every delivery, the connection pinned to it, and redirects are not followed. Only
// the operator's allow-list (notify.webhook_allow) opens an internal address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startCounty, cli, identify, isoMinutesAgo, assertProblem, query } from './harness.mjs';
import { startWebhookReceiver, waitFor } from './receivers.mjs';

const SECRET = 'synthetic-secret-ssrf-0123456789';
let srv, hook, redirector, advId;

const sql = (q) => query(srv.db, q);
const config = (...sets) => {
  const r = cli(['notify', 'config', '--db', srv.db, ...sets.flatMap((s) => ['--set', s])]);
  assert.equal(r.status, 0, r.stderr);
};
const put = (client, path, body) => client.request('PUT', path, { body });

before(async () => {
  hook = await startWebhookReceiver();
  // answers every request with a redirect to the (allowed) receiver
  redirector = createServer((req, res) => {
    req.resume();
    req.on('end', () => { res.writeHead(302, { location: `${hook.url}/hook/redirected`, connection: 'close' }); res.end(); });
  });
  await new Promise((r) => redirector.listen(0, '127.0.0.1', r));
  srv = await startCounty();
  const r = cli(['roster', 'add', '--db', srv.db, '--agency', 'Advocates United', '--user', 'adv',
    '--supervisor', 'adv_sup', '--from', isoMinutesAgo(1), '--hours', '12']);
  assert.equal(r.status, 0, r.stderr);
  config('notify.poll_ms=100', 'notify.retry_base=1', 'notify.retry_max=2', 'notify.timeout=2',
    'notify.lease=5', 'notify.scan_interval=1', 'notify.summons_interval=600');
  advId = (await srv.as('adv').get('/api/v1/me')).json.user.id;
});
after(async () => {
  assert.equal(await srv.stop(), 0);
  await hook.close();
  redirector.closeAllConnections();
  await new Promise((r) => redirector.close(r));
});

const port = () => new URL(hook.url).port;
const INTERNAL = () => [
  [`http://127.0.0.1:${port()}/hook/adv`, /loopback/],
  [`http://[::1]:${port()}/hook/adv`, /loopback/],
  [`http://localhost:${port()}/hook/adv`, /loopback/], // a name that resolves to loopback
  [`http://2130706433:${port()}/hook/adv`, /loopback/], // 127.0.0.1 in decimal
  [`http://0x7f.1:${port()}/hook/adv`, /loopback/], // in hex, short form
  ['https://0177.0.0.1/', /loopback/], // in octal
  [`http://[::ffff:127.0.0.1]:${port()}/hook/adv`, /loopback/], // IPv4-mapped IPv6
  ['https://[64:ff9b::7f00:1]/', /loopback/], // NAT64
  ['https://10.0.0.5/hook', /private/],
  ['https://192.168.10.1/hook', /private/],
  ['https://172.20.0.1/hook', /private/],
  ['https://[fd12:3456::1]/hook', /private/],
  ['https://169.254.169.254/latest/meta-data/', /cloud metadata/],
  ['https://[fd00:ec2::254]/latest/meta-data/', /cloud metadata/],
  ['https://[fe80::1]/hook', /link-local/],
  ['https://100.64.0.1/hook', /shared/],
  ['https://0.0.0.0/hook', /unspecified/],
  ['https://224.0.0.1/hook', /multicast/],
];

test('a webhook to an internal address is refused when it is set, naming the field and the rule', async () => {
  const path = `/api/v1/users/${advId}/channels`;
  for (const [url, why] of INTERNAL()) {
    const r = await put(srv.as('adv_sup'), path, { webhook_url: url, webhook_secret: SECRET });
    assertProblem(r, 422, 'webhook_url');
    const msg = r.json.errors.find((e) => e.field === 'webhook_url').message;
    assert.match(msg, why, `${url}: ${msg}`);
    assert.match(msg, /notify\.webhook_allow/);
  }
  // nothing was written
  const now = await srv.as('adv').get(path);
  assert.equal(now.json.webhook_url, null);
  assert.equal(now.json.webhook_secret_set, false);
});

test('the command line refuses them too', () => {
  for (const [url] of INTERNAL().slice(0, 4)) {
    const r = cli(['roster', 'contact', '--db', srv.db, '--username', 'adv', '--webhook', url], { input: SECRET + '\n' });
    assert.equal(r.status, 1, `${url}: ${r.stdout}`);
    assert.match(r.stderr, /webhook_url/);
  }
});

test('the operator may allow an internal address; the allow-list is checked', async () => {
  const bad = cli(['notify', 'config', '--db', srv.db, '--set', 'notify.webhook_allow=127.0.0.1/40']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /notify\.webhook_allow/);
  config('notify.webhook_allow=127.0.0.1');
  const path = `/api/v1/users/${advId}/channels`;
  const ok = await put(srv.as('adv_sup'), path, { webhook_url: `${hook.url}/hook/adv`, webhook_secret: SECRET });
  assert.equal(ok.status, 200, ok.text);
  // allowing loopback does not allow the rest
  assertProblem(await put(srv.as('adv_sup'), path, { webhook_url: 'https://169.254.169.254/' }), 422, 'webhook_url');
  assertProblem(await put(srv.as('adv_sup'), path, { webhook_url: `http://[::1]:${port()}/hook/adv` }), 422, 'webhook_url');
});

// the webhook attempts of adv for one case: [{attempts, status, last_error}]
const attempts = (caseId) => sql(`SELECT attempts || '|' || status || '|' || coalesce(last_error, '')
  FROM outbox WHERE case_id = '${caseId}' AND user_id = ${advId} AND channel = 'webhook'`);

test('every delivery judges the address again: one no longer allowed is not contacted', async () => {
  // the setting is committed before the identification queues the message: the worker reads
  // the settings again once it has claimed the message, so no wait is needed
  config('notify.webhook_allow=');
  const before = hook.received.length;
  const c = (await identify(srv.as('le'))).json;
  const row = await waitFor(() => { const a = attempts(c.id); return Number(a.split('|')[0]) >= 1 && a; }, 15000, 'an attempt');
  assert.match(row, /refused: loopback/);
  assert.match(attempts(c.id), /\|pending\|/, 'retried later, in case the operator allows it again');
  assert.equal(hook.received.length, before, 'the receiver was not contacted');
});

test('a redirect is not followed', async () => {
  config('notify.webhook_allow=127.0.0.1');
  const r = await put(srv.as('adv'), `/api/v1/users/${advId}/channels`, { webhook_url: `http://127.0.0.1:${redirector.address().port}/hook` });
  assert.equal(r.status, 200, r.text);
  const c = (await identify(srv.as('le'))).json;
  await waitFor(() => /HTTP 302/.test(attempts(c.id)), 15000, 'an attempt answered with a redirect');
  assert.equal(hook.received.filter((x) => x.path === '/hook/redirected').length, 0);
});
