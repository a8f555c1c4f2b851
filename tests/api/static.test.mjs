// The web app is served by `safeharbor serve` itself, from files embedded in the
// binary: pages, assets, caching, compression and the security headers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem, startServer } from './harness.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { assert.equal(await srv.stop(), 0); });

const get = (path, headers = {}) => fetch(srv.url + path, { headers });

test('pages are index.html with a strict Content-Security-Policy', async () => {
  for (const path of ['/', '/cases/SH-0123456789', '/admin', '/owed']) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/);
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    const csp = r.headers.get('content-security-policy');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    const html = await r.text();
    assert.match(html, /<script type="module" src="\/assets\/[0-9a-f]+\/js\/main\.js"><\/script>/);
    assert.doesNotMatch(html, /<script>|<style|\sstyle=|\son[a-z]+=/, 'no inline script or style');
  }
});

test('assets: right types, cached for good under the current version, gzip when asked', async () => {
  const html = await (await get('/')).text();
  const version = html.match(/\/assets\/([0-9a-f]+)\//)[1];
  const types = { 'app.css': /^text\/css/, 'js/main.js': /^text\/javascript/, 'icon.svg': /^image\/svg\+xml/ };
  for (const [file, type] of Object.entries(types)) {
    const r = await get(`/assets/${version}/${file}`, { 'accept-encoding': 'identity' });
    assert.equal(r.status, 200, file);
    assert.match(r.headers.get('content-type'), type);
    assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(r.headers.get('content-encoding'), null);
    assert.ok((await r.arrayBuffer()).byteLength > 0);
  }
  // an old version still answers, but may not be kept
  const old = await get('/assets/0000000000/js/main.js');
  assert.equal(old.status, 200);
  assert.equal(old.headers.get('cache-control'), 'no-cache');
  // compression: node's fetch asks for gzip and inflates it
  const gz = await get(`/assets/${version}/js/main.js`, { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers.get('content-encoding'), 'gzip');
  assert.equal(gz.headers.get('vary'), 'Accept-Encoding');
  assert.match(await gz.text(), /import/);
  const no = await get(`/assets/${version}/js/main.js`, { 'accept-encoding': 'gzip;q=0, br' });
  assert.equal(no.headers.get('content-encoding'), null);
});

test('the service worker is served from the root, revalidated at each visit, and the one Trusted Types policy is its', async () => {
  const r = await get('/sw.js', { 'accept-encoding': 'identity' });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/javascript/);
  assert.equal(r.headers.get('cache-control'), 'no-cache', 'a new binary\'s worker replaces the old one');
  assert.match(await r.text(), /addEventListener\('fetch'/);
  const csp = (await get('/')).headers.get('content-security-policy');
  assert.match(csp, /worker-src 'self'/);
  assert.match(csp, /require-trusted-types-for 'script'; trusted-types safeharbor-sw(;|$)/);
  // other scripts at the root are not files
  assertProblem(await srv.api.get('/main.js'), 404);
});

test('revalidation answers 304 with the ETag', async () => {
  const r = await get('/');
  const etag = r.headers.get('etag');
  assert.match(etag, /^W\/"[0-9a-f]{16}"$/);
  const again = await get('/', { 'if-none-match': etag });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), '');
});

test('unknown API paths and unknown files stay problem+json 404s', async () => {
  for (const path of ['/api/v1/nothing-here', '/api/', '/api', '/favicon.ico', '/assets/x/nope.js',
    '/assets/x/index.html', '/assets/x/../app.css']) {
    assertProblem(await srv.api.get(path), 404);
  }
  // only GET and HEAD reach the web app
  assertProblem(await srv.api.post('/', {}), 404);
  const head = await fetch(srv.url + '/', { method: 'HEAD' });
  assert.equal(head.status, 200);
});
