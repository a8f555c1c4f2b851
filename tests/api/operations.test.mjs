// Operations (issue 18 parts 6-8): liveness, readiness naming the failed check,
// Prometheus metrics without youth data, JSON logs without ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, identify, query, accessLog } from './harness.mjs';
import { waitFor } from './receivers.mjs';

const sql = (db, q) => query(db, q);

// Parses the Prometheus text format 0.0.4 strictly enough that a malformed line fails.
function parseProm(text) {
  const samples = [];
  const types = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m;
    if ((m = line.match(/^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/))) {
      if (m[1] === 'TYPE') {
        assert.ok(['counter', 'gauge', 'histogram'].includes(m[3]), line);
        assert.ok(!types.has(m[2]), `one TYPE per family: ${m[2]}`);
        types.set(m[2], m[3]);
      }
      continue;
    }
    m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.]+(?:e[+-]?[0-9]+)?|[+-]Inf|NaN)$/); // Prometheus floats: 9.4e-05 too
    assert.ok(m, `not a sample line: ${line}`);
    const labels = {};
    if (m[3]) {
      for (const l of m[3].match(/[a-z_]+="(?:[^"\\]|\\.)*"/g)) {
        const [, k, v] = l.match(/^([a-z_]+)="(.*)"$/);
        labels[k] = v;
      }
    }
    const family = m[1].replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(m[1]) || types.has(family), `sample before its TYPE: ${line}`);
    samples.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return { samples, types };
}
const pick = (p, name, labels = {}) => p.samples.filter((s) => s.name === name &&
  Object.entries(labels).every(([k, v]) => s.labels[k] === v));

test('healthz answers GET and HEAD; readyz names the check that fails', async () => {
  const srv = await startCounty();
  try {
    const c = srv.as('le');
    const h = await c.get('/healthz');
    assert.equal(h.status, 200);
    assert.deepEqual(h.json, { status: 'ok' });
    const head = await c.request('HEAD', '/healthz');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    const r = await c.get('/readyz');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.checks, { database: 'ok', key: 'ok', schema: 'ok', worker: 'ok' });

    // the key check stored in the database no longer matches the key in use
    sql(srv.db, `UPDATE settings SET value = '1:${'00'.repeat(32)}' WHERE key = 'key.check'`);
    const bad = await c.get('/readyz');
    assert.equal(bad.status, 503);
    assert.match(bad.headers.get('content-type'), /^application\/problem\+json/);
    assert.equal(bad.json.detail, 'not ready: key failed');
    assert.deepEqual(bad.json.errors.map((e) => e.field), ['key']);
    assert.equal((await c.get('/healthz')).status, 200, 'alive all the same');
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('metrics: off on the main port, served on metrics_listen, with no ids or names', async () => {
  const srv = await startCounty({ args: ['--metrics-listen', '127.0.0.1:0', '--log-format', 'json'] });
  try {
    const le = srv.as('le');
    assert.equal((await le.get('/metrics')).status, 404, 'not on the main port without a token');
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const r = await identify(le, { identified_at: new Date(Date.now() - 3 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z') });
      assert.equal(r.status, 201, r.text);
      ids.push(r.json.id);
    }
    const url = await metricsUrl(srv);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const p = parseProm(text);
    assert.equal(pick(p, 'safeharbor_http_requests_total', { route: '/api/v1/cases', method: 'POST', status: '201' })[0].value, 3);
    // histograms: cumulative buckets ending in +Inf = count
    const buckets = pick(p, 'safeharbor_http_request_duration_seconds_bucket', { route: '/api/v1/cases', method: 'POST' });
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i].value >= buckets[i - 1].value);
    assert.equal(buckets.at(-1).labels.le, '+Inf');
    assert.equal(buckets.at(-1).value, pick(p, 'safeharbor_http_request_duration_seconds_count', { route: '/api/v1/cases', method: 'POST' })[0].value);
    assert.ok(pick(p, 'safeharbor_store_group_commit_size_count')[0].value >= 3);
    assert.ok(pick(p, 'safeharbor_store_commit_wait_seconds_count')[0].value >= 3);
    // three days old: law enforcement and child welfare owe overdue steps
    const overdue = pick(p, 'safeharbor_steps_overdue');
    assert.ok(overdue.some((s) => s.labels.agency_kind === 'law_enforcement' && s.value >= 3), text);
    assert.ok(pick(p, 'safeharbor_audit_chain_rows')[0].value > 0);
    for (const name of ['safeharbor_outbox_pending', 'safeharbor_outbox_failed', 'safeharbor_summonses_unacknowledged']) {
      assert.equal(pick(p, name).length, 1, name);
    }
    for (const id of ids) assert.ok(!text.includes(id), 'no case id in the metrics');
    assert.ok(!text.includes('Testa') && !text.includes('Synthetic'), 'no names in the metrics');
    // the metrics listener serves nothing else
    assert.equal((await fetch(url.replace('/metrics', '/api/v1/me'))).status, 404);

    // JSON logs: one object per line; the access line has the pattern, never the id
    await le.get(`/api/v1/cases/${ids[0]}?open=1`);
    // the line of that request, once the server has written it
    const access = await waitFor(() => {
      const lines = accessLog(srv);
      return lines.some((a) => a.route === '/api/v1/cases/{id}' && a.client === '127.0.0.1') && lines;
    }, 10000, 'the access line of the case read');
    for (const a of access) {
      for (const k of ['time', 'level', 'method', 'route', 'status', 'latency_ms', 'request_id', 'client']) assert.ok(k in a, k);
    }
    for (const id of ids) assert.ok(!srv.log().includes(id), 'no case id in the log');
    assert.ok(!srv.log().includes('open=1'), 'no query string in the log');
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('metrics on the main port need the metrics token', async () => {
  const token = 'synthetic-metrics-token-0123456789';
  const srv = await startCounty({ env: { SAFEHARBOR_METRICS_TOKEN: token } });
  try {
    const none = await fetch(`${srv.url}/metrics`);
    assert.equal(none.status, 401);
    const wrong = await fetch(`${srv.url}/metrics`, { headers: { authorization: 'Bearer not-the-token-at-all' } });
    assert.equal(wrong.status, 401);
    const ok = await fetch(`${srv.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    parseProm(await ok.text());
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

async function metricsUrl(srv) {
  for (let i = 0; i < 50; i++) {
    const m = srv.out().match(/metrics on (http:\/\/\S+)/);
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no metrics URL printed');
}
