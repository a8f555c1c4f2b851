// Local receivers for notification tests, on loopback only: a webhook endpoint
// (node:http) that checks nothing itself but records every request and can be told
// to fail, and a minimal SMTP server (node:net) speaking EHLO/HELO, MAIL, RCPT,
// DATA, RSET, NOOP and QUIT. Both keep what they received in memory.
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { createHmac, timingSafeEqual } from 'node:crypto';

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

// Every request: { path, headers, body, json, status, at }. fail(path, n) makes the
// next n requests to path answer 500 (n = Infinity: until recover(path)).
export async function startWebhookReceiver() {
  const received = [];
  const failing = new Map();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let status = 200;
      const left = failing.get(req.url) ?? 0;
      if (left > 0) {
        status = 500;
        failing.set(req.url, left - 1);
      }
      let json = null;
      try { json = JSON.parse(body); } catch { /* recorded as text */ }
      received.push({ path: req.url, method: req.method, headers: req.headers, body, json, status, at: Date.now() });
      res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
      res.end(status === 200 ? 'ok' : 'synthetic failure');
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    fail(path, n = Infinity) { failing.set(path, n); },
    recover(path) { failing.delete(path); },
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}

// Checks X-Safeharbor-Signature: sha256=HMAC(secret, timestamp "." body) and that the
// timestamp is within maxSkew seconds of now.
export function verifySignature(secret, headers, body, maxSkew = 300) {
  const ts = headers['x-safeharbor-timestamp'];
  const sig = headers['x-safeharbor-signature'] ?? '';
  if (!/^\d+$/.test(ts ?? '') || !sig.startsWith('sha256=')) return false;
  if (Math.abs(Date.now() / 1000 - Number(ts)) > maxSkew) return false;
  const want = createHmac('sha256', secret).update(`${ts}.${body}`).digest();
  const got = Buffer.from(sig.slice(7), 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

// Every message: { from, to: [..], data, headers: {lowercase name: value}, body, at }.
export async function startSmtpReceiver() {
  const messages = [];
  const sockets = new Set();
  const server = createTcpServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    sock.setEncoding('utf8');
    let buf = '';
    let inData = false;
    let cur = { from: null, to: [] };
    const reply = (s) => sock.write(`${s}\r\n`);
    reply('220 localhost ESMTP synthetic test receiver');
    sock.on('data', (chunk) => {
      buf += chunk;
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const data = buf.slice(0, end + 2).replace(/\r\n\.\./g, '\r\n.');
          buf = buf.slice(end + 5);
          inData = false;
          const split = data.indexOf('\r\n\r\n');
          const headers = {};
          for (const line of data.slice(0, split).split('\r\n')) {
            const i = line.indexOf(':');
            if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
          }
          messages.push({ ...cur, data, headers, body: data.slice(split + 4), at: Date.now() });
          cur = { from: null, to: [] };
          reply('250 2.0.0 queued');
          continue;
        }
        const i = buf.indexOf('\r\n');
        if (i < 0) return;
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const verb = line.split(' ')[0].toUpperCase();
        const addr = () => (line.match(/<([^>]*)>/) ?? [])[1] ?? '';
        if (verb === 'EHLO') sock.write('250-localhost\r\n250-8BITMIME\r\n250 SIZE 1000000\r\n');
        else if (verb === 'HELO') reply('250 localhost');
        else if (verb === 'MAIL') { cur.from = addr(); reply('250 2.1.0 ok'); }
        else if (verb === 'RCPT') { cur.to.push(addr()); reply('250 2.1.5 ok'); }
        else if (verb === 'DATA') { inData = true; reply('354 end with <CRLF>.<CRLF>'); }
        else if (verb === 'RSET') { cur = { from: null, to: [] }; reply('250 ok'); }
        else if (verb === 'NOOP') reply('250 ok');
        else if (verb === 'QUIT') { reply('221 bye'); sock.end(); return; }
        else reply('502 5.5.2 not implemented');
      }
    });
  });
  const port = await listen(server);
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

// Polls fn until it returns a truthy value; throws after timeoutMs.
export async function waitFor(fn, timeoutMs, what = 'condition') {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
