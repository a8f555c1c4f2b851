// The foundation: health, routing errors as problem+json, limits, init safety,
// clean shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli, tempDb, assertProblem } from './harness.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { assert.equal(await srv.stop(), 0, 'serve exits 0 on SIGTERM, with no leak'); });

test('GET /healthz answers ok', async () => {
  const r = await srv.api.get('/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok' });
  assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
});

test('an unknown path is a 404 problem', async () => {
  assertProblem(await srv.api.get('/api/v1/no/such/path'), 404);
  // other paths belong to the web app (tests/api/static.test.mjs)
});

test('a wrong method is a 405 problem with Allow', async () => {
  const r = await srv.api.request('DELETE', '/healthz');
  assertProblem(r, 405);
  assert.equal(r.headers.get('allow'), 'GET, HEAD');
});

test('the access log names the route, never the path', async () => {
  await srv.api.get('/no/such/secret-id-123');
  assert.ok(!srv.log().includes('secret-id-123'));
  assert.match(srv.log(), /access GET \/healthz 200/);
});

test('init twice keeps the data; a newer schema is refused', () => {
  const t = tempDb();
  try {
    assert.equal(cli(['init', '--db', t.db]).status, 0);
    const again = cli(['init', '--db', t.db]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /checked/);
    const v = cli(['version']);
    assert.match(v.stdout, /^safeharbor \d+\.\d+\.\d+ \(schema \d+\)/);
  } finally { t.cleanup(); }
});

test('serve refuses a database that was never initialised', () => {
  const t = tempDb();
  try {
    const r = cli(['serve', '--db', t.db, '--listen', '127.0.0.1:0']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /safeharbor init/);
  } finally { t.cleanup(); }
});

test('usage errors exit 2, --help exits 0', () => {
  assert.equal(cli(['serve', '--bogus']).status, 2);
  assert.equal(cli(['no-such-command']).status, 2);
  for (const c of ['init', 'serve', 'version', 'help']) {
    const r = cli([c, '--help']);
    assert.equal(r.status, 0, c);
    assert.match(r.stdout, /usage|commands/);
  }
});

test('an oversized request line or header is refused and the server stays up', async () => {
  const long = await fetch(`${srv.url}/${'a'.repeat(40000)}`).catch(() => null);
  assert.ok(!long || [414, 431, 400].includes(long.status), `status ${long?.status}`);
  const hdr = await fetch(`${srv.url}/healthz`, { headers: { 'x-filler': 'b'.repeat(40000) } }).catch(() => null);
  assert.ok(!hdr || [431, 413, 400].includes(hdr.status), `status ${hdr?.status}`);
  assert.equal((await srv.api.get('/healthz')).status, 200);
});
