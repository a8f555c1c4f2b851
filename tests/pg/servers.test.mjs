// Several servers on one PostgreSQL database (issue #20, item 2): two `safeharbor serve`
// processes share a fresh database of the throwaway cluster, and what must happen once
// happens once: an Idempotency-Key's case, an audit entry's place in the chain, a
// delivery, an escalation. What one server writes, the other reads at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, serve, seedCounty, makeClient, isoMinutesAgo } from '../api/harness.mjs';
import { startWebhookReceiver, waitFor } from '../api/receivers.mjs';
import { freshDatabase, dropDatabase, psql } from './pg.mjs';

const METRICS = { SAFEHARBOR_METRICS_TOKEN: 'synthetic-metrics-token-0123456789' };

function run(args, input) {
  const r = cli(args, { input });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// A county on a fresh database and `n` servers on it. The key file is named through the
// environment, so every command of the harness (seedCounty) and every server finds it.
async function startCounty({ servers = 2, prepare } = {}) {
  const db = freshDatabase('servers');
  const dir = mkdtempSync(join(tmpdir(), 'sh-pg-servers-'));
  const key = join(dir, 'county.key');
  process.env.SAFEHARBOR_KEY_FILE = key;
  run(['init', '--db', db]);
  const tokens = seedCounty(db);
  prepare?.(db, tokens);
  const srvs = [];
  for (let i = 0; i < servers; i++) srvs.push(await serve(db, [], METRICS));
  return {
    db, key, tokens, servers: srvs,
    as: (srv, user) => makeClient(srv.url).useToken(tokens[user]),
    verify: () => cli(['audit', 'verify', '--db', db]),
    async stop() {
      const codes = [];
      for (const s of srvs) if (s.child.signalCode !== 'SIGKILL') codes.push(await s.stop());
      dropDatabase(db);
      rmSync(dir, { recursive: true, force: true });
      return codes;
    },
  };
}

// Runs fn(county, ...its servers) on a fresh county; the servers still running must then
// stop cleanly (no leak).
async function withCounty(opts, fn) {
  const county = await startCounty(opts);
  try {
    await fn(county, ...county.servers);
  } finally {
    for (const code of await county.stop()) assert.equal(code, 0);
  }
}

let youthNo = 0;
const youth = () => ({ birth_date: '2011-03-14', first_name: 'Synthia', last_name: `Servers${++youthNo}` });
const body = (overrides = {}) => ({
  identified_at: isoMinutesAgo(5), area: 'compton', youth_status: 'dependent', youth: youth(), ...overrides,
});
const post = (client, b, key) => client.post('/api/v1/cases', b, { headers: { 'idempotency-key': key } });
const count = (db, sql) => Number(psql(db, sql));

test('the same Idempotency-Key sent to two servers at once makes one case, and both answers name it', () => withCounty({}, async (county, a, b) => {
  const keys = Array.from({ length: 8 }, (_, i) => `both-${i}`);
  for (const key of keys) {
    const same = body();
    const [ra, rb] = await Promise.all([post(county.as(a, 'le'), same, key), post(county.as(b, 'le'), same, key)]);
    assert.deepEqual([ra.status, rb.status].sort(), [200, 201], `${key}: ${ra.status} ${ra.json?.detail ?? ''} / ${rb.status} ${rb.json?.detail ?? ''}`);
    assert.equal(ra.json.id, rb.json.id, `${key}: both answers name the one case`);
  }
  assert.equal(count(county.db, 'SELECT count(*) FROM cases'), keys.length);
  assert.equal(count(county.db, 'SELECT count(DISTINCT youth_id) FROM cases'), keys.length);
  assert.equal(count(county.db, 'SELECT count(*) FROM idempotency'), keys.length);
  // a key reused with another body is refused by either server
  const other = await post(county.as(b, 'le'), body(), keys[0]);
  assert.equal(other.status, 422, other.text);
}));

test('many writes and reads through both servers at once: every audit row is linked into one chain without a gap, which verifies', () => withCounty({}, async (county, a, b) => {
  const writes = [];
  for (let i = 0; i < 24; i++) {
    for (const [srv, user] of [[a, 'le'], [b, 'le2']]) {
      writes.push(post(county.as(srv, user), body({ area: user === 'le' ? 'compton' : 'long_beach' }), `chain-${user}-${i}`)
        .then(async (r) => {
          assert.equal(r.status, 201, r.text);
          // reads through both servers are audited too, in the same chain
          for (const s of [b, a, srv === a ? b : a]) {
            const g = await county.as(s, user).get(`/api/v1/cases/${r.json.id}`);
            assert.equal(g.status, 200, g.text);
          }
        }));
    }
  }
  await Promise.all(writes);
  const reads = count(county.db, "SELECT count(*) FROM audit WHERE action = 'case.read'");
  assert.ok(reads >= 48 * 3, `every read audited (${reads})`);
  // the rows committed without a place in the chain get one from a linker shortly after
  await waitFor(() => psql(county.db, 'SELECT count(*) FROM audit WHERE seq IS NULL') === '0', 10000,
    'every audit row linked');
  // one order: sequence numbers 1..n without a gap, each entry chained to the one before
  assert.equal(psql(county.db, 'SELECT count(*) = max(seq) FROM audit'), 't');
  assert.equal(psql(county.db, 'SELECT count(*) FROM audit x JOIN audit p ON p.seq = x.seq - 1 WHERE x.prev_hash <> p.hash'), '0');
  assert.equal(psql(county.db, 'SELECT h.seq = (SELECT max(seq) FROM audit) FROM audit_head h'), 't');
  assert.ok(count(county.db, "SELECT count(*) FROM audit WHERE action = 'case.create'") >= 48);
  const v = county.verify();
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /audit chain holds/);
  assert.doesNotMatch(v.stdout, /waiting to be linked/);
}));

test('what one server stores, the other reads at once: a preference, a setting, a revoked token', () => withCounty({}, async (county, a, b) => {
  // a preference saved through one server follows the person to the other
  const put = await county.as(a, 'cw').request('PUT', '/api/v1/me/preferences/language', { body: { language: 'es' } });
  assert.equal(put.status, 200, put.text);
  const got = await county.as(b, 'cw').get('/api/v1/me/preferences');
  assert.equal(got.status, 200, got.text);
  assert.deepEqual(got.json.language, { language: 'es' });

  // a county setting changed in the database is read by both servers without a restart:
  // a loopback webhook is refused until notify.webhook_allow allows it
  const cw = (await county.as(a, 'cw').get('/api/v1/me')).json.user.id;
  const channels = { webhook_url: 'http://127.0.0.1:9/hook', webhook_secret: 'synthetic-secret-0123456789' };
  for (const srv of [a, b]) {
    const r = await county.as(srv, 'cw').request('PUT', `/api/v1/users/${cw}/channels`, { body: channels });
    assert.equal(r.status, 422, r.text);
  }
  run(['notify', 'config', '--db', county.db, '--set', 'notify.webhook_allow=127.0.0.1']);
  for (const srv of [a, b]) {
    const r = await county.as(srv, 'cw').request('PUT', `/api/v1/users/${cw}/channels`, { body: channels });
    assert.equal(r.status, 200, r.text);
  }

  // a token revoked through one server is refused by the other at once
  const list = await county.as(a, 'pros').get('/api/v1/tokens');
  assert.equal(list.status, 200, list.text);
  const before = await county.as(b, 'pros').get('/api/v1/me');
  assert.equal(before.status, 200, before.text);
  for (const t of list.json.items) {
    const r = await county.as(a, 'pros').del(`/api/v1/tokens/${t.id}`);
    assert.ok([200, 204].includes(r.status), r.text);
  }
  assert.equal((await county.as(b, 'pros').get('/api/v1/me')).status, 401);
}));

// One identification sent to a server: its answer, or null when none came (the server died).
async function attempt(client, b, key) {
  try {
    return await post(client, b, key);
  } catch {
    return null;
  }
}

test('a server killed with SIGKILL mid-stream loses no acknowledged identification and duplicates none', () => withCounty({}, async (county, a, b) => {
  const N = 60;
  const acked = new Map(); // key -> the case id every answer named
  let started = 0;
  let unanswered = 0;
  let killed = null;
  const ack = (key, r) => {
    assert.ok([200, 201].includes(r.status), `${key}: ${r.status} ${r.text}`);
    if (acked.has(key)) assert.equal(r.json.id, acked.get(key), `${key}: every answer names the same case`);
    acked.set(key, r.json.id);
  };
  const one = async (i) => {
    const key = `kill-${i}`;
    const same = body();
    // a quarter of the keys go to both servers at once, the rest to one of them
    const targets = i % 4 === 0 ? [a, b] : i % 2 ? [a] : [b];
    if (++started === 20) killed = a.kill(); // mid-stream: other requests are in flight
    const answers = await Promise.all(targets.map((s) => attempt(county.as(s, i % 3 ? 'le' : 'le2'), same, key)));
    for (const r of answers) {
      if (r && r.status < 500) ack(key, r);
      else unanswered++;
    }
    // what got no answer is sent again, with the same key, to the server still running
    for (let tries = 0; !acked.has(key) && tries < 3; tries++) {
      const r = await attempt(county.as(b, i % 3 ? 'le' : 'le2'), same, key);
      if (r && r.status < 500) ack(key, r);
    }
  };
  const queue = Array.from({ length: N }, (_, i) => i);
  await Promise.all(Array.from({ length: 6 }, async () => {
    while (queue.length) await one(queue.shift());
  }));
  await killed;
  assert.equal(a.child.signalCode, 'SIGKILL');
  assert.ok(unanswered > 0, 'some requests went unanswered and were retried');
  assert.equal(acked.size, N, 'every identification was acknowledged in the end');

  // each acknowledged key names one stored case, its own; no case without a key
  const stored = new Map(psql(county.db, 'SELECT key, case_id FROM idempotency').split('\n').map((l) => l.split('|')));
  assert.equal(stored.size, N);
  for (const [key, id] of acked) assert.equal(stored.get(key), id, key);
  assert.equal(count(county.db, 'SELECT count(*) FROM cases'), N);
  assert.equal(count(county.db, 'SELECT count(DISTINCT youth_id) FROM cases'), N);
  assert.equal(count(county.db, "SELECT count(*) FROM events WHERE type = 'identification'"), N);

  assert.equal(await b.stop(), 0);
  // the rows the killed server committed and did not link, linked by the other one
  assert.equal(psql(county.db, 'SELECT count(*) FROM audit WHERE seq IS NULL'), '0');
  assert.equal(psql(county.db, 'SELECT count(*) = max(seq) FROM audit'), 't');
  const v = county.verify();
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /audit chain holds/);
}));

test('connections lost under a server (a failover) answer 503 until it connects again; the retried key makes one case', () => withCounty({ servers: 1 }, async (county, a) => {
  const cut = psql(county.db, 'SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  assert.ok(Number(cut) >= 6, `the server's connections were cut (${cut})`);
  const same = body();
  const first = await post(county.as(a, 'le'), same, 'failover-1');
  assert.equal(first.status, 503, first.text);
  assert.equal(first.json.type, '/problems/unavailable');
  assert.match(first.json.detail, /^the database connection was lost/);
  // the client sends it again with the same key: each lost connection is made again as
  // it is handed back, so an answer comes within a few attempts
  const answers = [first.status];
  let r = first;
  while (r.status === 503 && answers.length < 20) {
    r = await post(county.as(a, 'le'), same, 'failover-1');
    answers.push(r.status);
  }
  assert.equal(r.status, 201, `answers: ${answers.join(', ')}: ${r.text}`);
  assert.equal(count(county.db, 'SELECT count(*) FROM cases'), 1);
  const ready = await fetch(`${a.url}/readyz`);
  assert.equal(ready.status, 200, await ready.text());
}));

// ---- the outbox and the escalation scan, with both servers' workers running ----

const secretOf = (user) => `synthetic-secret-${user}-0123456789`;
const FAST = {
  // no repeat while the test watches: each summons is one delivery
  'notify.summons_interval': 3600, 'notify.scan_interval': 1, 'notify.poll_ms': 100,
  'notify.retry_base': 1, 'notify.retry_max': 2, 'notify.timeout': 2, 'notify.lease': 5,
};
const HOOKED = ['le', 'le_sup', 'adv', 'adv_sup', 'cw', 'cw_sup'];

let hook;
let notifyCounty;

before(async () => {
  hook = await startWebhookReceiver();
});

after(async () => {
  if (notifyCounty) assert.deepEqual(await notifyCounty.stop(), [0, 0]);
  await hook.close();
});

async function startNotifyCounty() {
  return startCounty({
    prepare: (db) => {
      run(['notify', 'config', '--db', db, '--set', 'notify.webhook_allow=127.0.0.1']);
      for (const u of HOOKED) {
        run(['roster', 'contact', '--db', db, '--username', u, '--webhook', `${hook.url}/hook/${u}`], secretOf(u) + '\n');
      }
      for (const [agency, user, supervisor] of [['Sheriff Station A', 'le', 'le_sup'],
        ['Advocates United', 'adv', 'adv_sup'], ['Child Welfare', 'cw', 'cw_sup']]) {
        run(['roster', 'add', '--db', db, '--agency', agency, '--user', user, '--supervisor', supervisor,
          '--from', isoMinutesAgo(1), '--hours', '12']);
      }
      run(['notify', 'config', '--db', db, ...Object.entries(FAST).flatMap(([k, v]) => ['--set', `${k}=${v}`])]);
    },
  });
}

async function metric(srv, name) {
  const r = await fetch(new URL('/metrics', srv.url), { headers: { authorization: `Bearer ${METRICS.SAFEHARBOR_METRICS_TOKEN}` } });
  assert.equal(r.status, 200);
  return Number((await r.text()).match(new RegExp(`^${name} (\\S+)$`, 'm'))[1]);
}

// Both workers finished two more escalation scans and nothing is left to send.
async function settled(servers) {
  const from = await Promise.all(servers.map((s) => metric(s, 'safeharbor_escalation_scans_total')));
  await waitFor(async () => {
    for (let i = 0; i < servers.length; i++) {
      if ((await metric(servers[i], 'safeharbor_escalation_scans_total')) < from[i] + 2) return false;
      if ((await metric(servers[i], 'safeharbor_outbox_pending')) !== 0) return false;
    }
    return true;
  }, 20000, 'two more escalation scans on each server and an empty outbox');
}

const deliveries = (caseId) => hook.received.filter((r) => r.json?.case_id === caseId)
  .map((r) => ({ user: r.path.split('/').pop(), type: r.json.type, step: r.json.step?.key, id: r.headers['x-safeharbor-delivery'] }));

test('with both servers\' workers running, each summons is delivered exactly once', async () => {
  notifyCounty ??= await startNotifyCounty();
  const [a, b] = notifyCounty.servers;
  const ids = [];
  await Promise.all(Array.from({ length: 6 }, async (_, i) => {
    const r = await post(notifyCounty.as(i % 2 ? b : a, 'le'), body(), `summons-${i}`);
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.id);
  }));
  for (const id of ids) {
    await waitFor(() => ['le', 'adv', 'cw'].every((u) => deliveries(id).some((d) => d.user === u && d.type === 'summons')),
      10000, `the summonses of ${id}`);
  }
  await settled([a, b]);
  const all = hook.received.filter((r) => ids.includes(r.json?.case_id)).map((r) => r.headers['x-safeharbor-delivery']);
  assert.equal(new Set(all).size, all.length, 'no delivery sent twice');
  for (const id of ids) {
    for (const u of ['le', 'adv', 'cw']) {
      assert.equal(deliveries(id).filter((d) => d.user === u && d.type === 'summons').length, 1, `${id} to ${u}`);
    }
  }
  assert.equal(count(notifyCounty.db, `SELECT count(*) FROM outbox WHERE case_id IN (${ids.map((i) => `'${i}'`).join(',')}) AND status <> 'sent'`), 0);
});

test('the escalation scan runs on both servers at once and alerts each step once', async () => {
  notifyCounty ??= await startNotifyCounty();
  const [a, b] = notifyCounty.servers;
  // identified 70 minutes ago: the advocate (90 min) is at 78%, the hotline report (30 min) overdue
  const r = await post(notifyCounty.as(a, 'le'), body({ identified_at: isoMinutesAgo(70) }), 'escalation-1');
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  await waitFor(() => deliveries(id).some((d) => d.user === 'adv' && d.type === 'due_soon') &&
    deliveries(id).some((d) => d.user === 'le_sup' && d.type === 'overdue'), 10000, 'the due-soon and overdue alerts');
  await settled([a, b]);
  const alerts = deliveries(id).filter((d) => d.type === 'due_soon' || d.type === 'overdue');
  const seen = new Map();
  for (const d of alerts) seen.set(`${d.user} ${d.type} ${d.step}`, (seen.get(`${d.user} ${d.type} ${d.step}`) ?? 0) + 1);
  for (const [what, n] of seen) assert.equal(n, 1, `${what} delivered ${n} times`);
  assert.equal(seen.get('adv due_soon advocate_on_scene'), 1);
  assert.equal(seen.get('le_sup overdue hotline_report'), 1);
  assert.equal(psql(notifyCounty.db, `SELECT count(*) = count(DISTINCT (step, episode, kind)) FROM step_alerts WHERE case_id = '${id}'`), 't');
});
