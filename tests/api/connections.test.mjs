// Slow clients (slowloris): many connections from one address that send their headers a
// byte at a time cannot keep /healthz from answering someone else, and a connection that
// falls silent while its headers are awaited is closed (serve --max-conns-per-ip,
// --header-timeout; docs/security.md "Connections").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { spawnSync } from 'node:child_process';
import { startServer, requestFrom, makeClient } from './harness.mjs';
import { waitFor } from './receivers.mjs';

let srv;
const sockets = [];
before(async () => { srv = await startServer({ args: ['--header-timeout', '3'] }); });
after(async () => {
  for (const s of sockets) s.destroy();
  assert.equal(await srv.stop(), 0);
});

// A client that starts a request and then sends one header byte every `everyMs`.
function slowClient(localAddress, everyMs) {
  const { port } = new URL(srv.url);
  const s = connect({ host: '127.0.0.1', port: Number(port), localAddress });
  const state = { closed: false, connected: false };
  s.on('connect', () => {
    state.connected = true;
    s.write('GET /healthz HTTP/1.1\r\nHost: safeharbor\r\n');
    const timer = setInterval(() => { if (!s.destroyed) s.write('X'); }, everyMs);
    s.on('close', () => clearInterval(timer));
  });
  s.on('error', () => {});
  s.on('close', () => { state.closed = true; });
  sockets.push(s);
  return state;
}

test('600 slow connections from one address do not stop /healthz answering another', async () => {
  const slow = Array.from({ length: 600 }, () => slowClient('127.0.0.1', 1000));
  await waitFor(() => slow.filter((c) => c.connected || c.closed).length === 600, 30000, 'the slow connections');
  // a bound for a loaded machine, not a timing: without the limits there is no answer
  const r = await requestFrom(srv.url, '127.0.0.2', 'GET', '/healthz', { timeoutMs: 15000 });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok' });
  // the address got at most its share: the rest are closed (as soon as the server gets to them)
  await waitFor(() => slow.filter((c) => c.closed).length >= 600 - 64, 30000, 'the connections over the limit to be closed');
  for (const s of sockets.splice(0)) s.destroy();
});

test('a connection that falls silent while its headers are awaited is closed', async () => {
  const quiet = slowClient('127.0.0.3', 60000); // one byte a minute: silent for longer than 3 s
  await waitFor(() => quiet.closed, 20000, 'the server to close the silent connection');
  // a client that keeps talking in time is not cut off by it
  const r = await requestFrom(srv.url, '127.0.0.3', 'GET', '/healthz');
  assert.equal(r.status, 200);
});

// The tests' own client (harness makeClient) keeps connections open between requests, and a
// slow synchronous call (cli() under ASan on a loaded machine) blocks its event loop for
// longer than the header timeout: the connection the server closed meanwhile must not be
// given the next request ("fetch failed: other side closed", tests/api/transfer.test.mjs).
test('a test client blocked past the header timeout asks again on a new connection', async () => {
  const api = makeClient(srv.url);
  for (let i = 0; i < 3; i++) assert.equal((await api.get('/healthz')).status, 200);
  spawnSync('sleep', ['5']); // a slow command: the connection stays idle past 3 s meanwhile
  assert.equal((await api.get('/healthz')).status, 200);
});
