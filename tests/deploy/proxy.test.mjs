// TLS behind a reverse proxy (issue 18 part 9): the shipped example nginx site
// (contrib/nginx/safeharbor.conf) with a self-signed certificate made now, in front of
// a real server trusting it. A sign-in and an identification go through it; the cookie
// is Secure because the proxy says https; the log names the real client, not the proxy,
// and not what the client claims in its own X-Forwarded-For.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startCounty, PASSWORD, isoMinutesAgo, accessLog } from '../api/harness.mjs';
import { waitFor } from '../api/receivers.mjs';

const CLIENT = '127.0.0.3'; // the "browser" connects from here; nginx from 127.0.0.1

function freePort() {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

function https(port, ca, method, path, { body, headers = {} } = {}) {
  return new Promise((res, rej) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request({
      host: '127.0.0.1', port, method, path, ca, localAddress: CLIENT,
      headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
    }, (r) => {
      let text = '';
      r.on('data', (d) => { text += d; });
      r.on('end', () => { let json = null; try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ } res({ status: r.statusCode, headers: r.headers, text, json }); });
    });
    req.on('error', rej);
    if (payload) req.write(payload);
    req.end();
  });
}

test('nginx terminates TLS; sign-in and identification go through it with the right client and a Secure cookie', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sh-nginx-'));
  const srv = await startCounty({ args: ['--trusted-proxies', '127.0.0.1', '--log-format', 'json'] });
  let nginx;
  try {
    // a certificate for 127.0.0.1, made now
    const ssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
      '-subj', '/CN=safeharbor-test', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
    assert.equal(ssl.status, 0, ssl.stderr);
    const ca = readFileSync(join(dir, 'cert.pem'));
    const tls = await freePort();
    const plain = await freePort();
    // the shipped example, with this test's ports, certificate and log folder
    const site = readFileSync(resolve('contrib/nginx/safeharbor.conf'), 'utf8')
      .replace('server 127.0.0.1:8080;', `server ${new URL(srv.url).host};`)
      .replace('listen 80;', `listen 127.0.0.1:${plain};`)
      .replace('listen 443 ssl http2;', `listen 127.0.0.1:${tls} ssl http2;`)
      .replace('/etc/ssl/certs/frp.county.example.pem', join(dir, 'cert.pem'))
      .replace('/etc/ssl/private/frp.county.example.key', join(dir, 'key.pem'))
      .replace('/var/log/nginx/safeharbor.access.log', join(dir, 'access.log'));
    const logFormat = site.match(/^# (log_format safeharbor_no_path[^\n]*\n#[^\n]*;)$/m)[1].replace(/\n#\s*/, ' ');
    writeFileSync(join(dir, 'site.conf'), site);
    writeFileSync(join(dir, 'nginx.conf'), `
      user root;
      daemon off;
      pid ${dir}/nginx.pid;
      error_log ${dir}/error.log;
      events { worker_connections 64; }
      http {
        ${logFormat}
        client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
        fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
        include ${dir}/site.conf;
      }`);
    const check = spawnSync('nginx', ['-t', '-c', join(dir, 'nginx.conf'), '-p', dir], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    nginx = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      try { await https(tls, ca, 'GET', '/healthz'); break; } catch { await new Promise((r) => setTimeout(r, 50)); }
    }

    const health = await https(tls, ca, 'GET', '/healthz');
    assert.equal(health.status, 200);
    assert.equal((await https(tls, ca, 'GET', '/metrics')).status, 404, 'the example hides /metrics');

    // sign in through the proxy, claiming to be someone else in X-Forwarded-For
    const signin = await https(tls, ca, 'POST', '/api/v1/session', {
      body: { username: 'le', password: PASSWORD }, headers: { 'x-forwarded-for': '198.51.100.66' },
    });
    assert.equal(signin.status, 200, signin.text);
    const cookie = signin.headers['set-cookie'][0];
    assert.match(cookie, /; Secure/, 'Secure because a trusted proxy says https');
    assert.match(cookie, /HttpOnly; SameSite=Strict/);

    const made = await https(tls, ca, 'POST', '/api/v1/cases', {
      headers: { cookie: cookie.split(';')[0], 'x-csrf-token': signin.json.csrf_token, 'idempotency-key': `proxy-${Date.now()}` },
      body: { identified_at: isoMinutesAgo(2), area: 'compton', youth_status: 'dependent', youth: { age_estimate: 15, first_name: 'Proxima' } },
    });
    assert.equal(made.status, 201, made.text);
    assert.ok(made.json.steps.length > 0);

    // once the server has written the line of the identification
    const lines = await waitFor(() => {
      const l = accessLog(srv);
      return l.some((x) => x.route === '/api/v1/cases' && x.method === 'POST') && l;
    }, 10000, 'the access line of the identification');
    const create = lines.find((l) => l.route === '/api/v1/cases' && l.method === 'POST');
    assert.equal(create.client, CLIENT, 'the real client, from the trusted proxy');
    const session = lines.find((l) => l.route === '/api/v1/session' && l.method === 'POST');
    assert.equal(session.client, CLIENT, 'not the address the client claimed');
    assert.ok(!srv.log().includes(made.json.id), 'no case id in the log');
    assert.ok(!readFileSync(join(dir, 'access.log'), 'utf8').includes(made.json.id), 'nor in nginx\'s');

    // straight to the server (not through the proxy): headers from an untrusted peer are ignored
    const direct = await new Promise((res, rej) => {
      const u = new URL(srv.url);
      const req = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--interface', CLIENT,
        '-H', 'X-Forwarded-For: 198.51.100.66', '-H', 'X-Forwarded-Proto: https', `${u.origin}/healthz`], { encoding: 'utf8' });
      if (req.error) rej(req.error); else res(req.stdout);
    });
    assert.equal(direct, '200');
    const seen = lines.length;
    const last = (await waitFor(() => accessLog(srv).length > seen && accessLog(srv), 10000, 'the access line of the direct request')).at(-1);
    assert.equal(last.client, CLIENT);
  } finally {
    if (nginx) nginx.kill('SIGQUIT');
    assert.equal(await srv.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});
