// Black-box harness: a real `safeharbor serve` on a free port with a temporary
// database, driven over HTTP. Every API test file builds on this.
import { fileURLToPath } from 'node:url';
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';

export const BIN = process.env.SAFEHARBOR_BIN;
// The release build beside it (make test builds both): for what sanitizers would distort.
export const RELEASE_BIN = fileURLToPath(new URL('../../build/release/safeharbor', import.meta.url));
if (!BIN) throw new Error('set SAFEHARBOR_BIN to the safeharbor binary');

// With SAFEHARBOR_PG_URL set (make test-pg), every database the harness makes is a fresh
// PostgreSQL database of that cluster, its key file in the county's temporary folder.
export const PG = process.env.SAFEHARBOR_PG_URL ? await import('../pg/pg.mjs') : null;
// The key file of each PostgreSQL database made here, by address.
const pgKeys = new Map();
// The copies made of each (copyDatabase), dropped with it.
const pgCopies = new Map();

// The key file of database db (beside a file; named by the harness for an address).
export function keyOf(db) {
  return pgKeys.get(db) ?? db.replace(/\.db$/, '.key');
}
// The checkpoints file of database db (beside its key file).
export const checkpointsOf = (db) => keyOf(db).replace(/\.key$/, '.checkpoints');

// The arguments with --key-file KEY put after `--db ADDRESS` for an address made here
// (before any operands: some commands stop reading options at the first).
export function withKeyFile(args) {
  const i = args.indexOf('--db');
  const key = i >= 0 ? pgKeys.get(args[i + 1]) : undefined;
  if (!key || args.includes('--key-file')) return args;
  return [...args.slice(0, i + 2), '--key-file', key, ...args.slice(i + 2)];
}

// Runs the CLI; returns { status, stdout, stderr }.
export function cli(args, { input, env } = {}) {
  const r = spawnSync(BIN, withKeyFile(args), { input, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Runs SQL on database db (sqlite3 on a file, psql on an address); answers the output.
export function query(db, q) {
  if (pgKeys.has(db)) return PG.psql(db, q);
  return spawnSyncChecked('sqlite3', [db, q]);
}
function spawnSyncChecked(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  return r.stdout.trim();
}

// What database db holds at rest, as buffers to search for clear text: a file and its
// journals; on PostgreSQL a dump of the database (pg_dump), with its bytea values decoded.
export function atRest(db) {
  if (!pgKeys.has(db)) {
    return [db, `${db}-wal`, `${db}-journal`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
  }
  const r = spawnSync('pg_dump', ['--data-only', db], { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`pg_dump: ${r.stderr}`);
  const hex = r.stdout.toString('latin1').match(/\\\\x[0-9a-f]+/g) ?? [];
  return [r.stdout, ...hex.map((h) => Buffer.from(h.slice(3), 'hex'))];
}

// A copy of database db (no server on it) named `name`, in db's folder: its key file, and
// its checkpoints unless withCheckpoints is false, copied beside the copy's. Answers the copy.
export function copyDatabase(db, name, { withCheckpoints = true } = {}) {
  const dir = dirname(keyOf(db));
  let copy = join(dir, `${name}.db`);
  if (pgKeys.has(db)) {
    const u = new URL(db);
    const from = u.pathname.slice(1);
    u.pathname = `/${from}_${name.replace(/\W/g, '_')}`.toLowerCase();
    copy = u.toString();
    PG.psql(PG.PG_URL, `CREATE DATABASE ${u.pathname.slice(1)} TEMPLATE ${from}`);
    pgCopies.set(db, [...(pgCopies.get(db) ?? []), copy]);
    pgKeys.set(copy, join(dir, `${name}.key`));
  } else {
    copyFileSync(db, copy);
  }
  copyFileSync(keyOf(db), keyOf(copy));
  if (withCheckpoints && existsSync(checkpointsOf(db))) copyFileSync(checkpointsOf(db), checkpointsOf(copy));
  return copy;
}

export function tempDb() {
  const dir = mkdtempSync(join(tmpdir(), 'sh-api-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  if (!PG) return { dir, db: join(dir, 'safeharbor.db'), cleanup: removeDir };
  const db = PG.freshDatabase('api');
  pgKeys.set(db, join(dir, 'safeharbor.key'));
  return {
    dir,
    db,
    cleanup: () => {
      for (const d of [db, ...(pgCopies.get(db) ?? [])]) {
        PG.dropDatabase(d);
        pgKeys.delete(d);
      }
      pgCopies.delete(db);
      removeDir();
    },
  };
}

// Starts a server on a fresh database. `prepare(db)` runs after init, before serve.
// `bin` serves with another build (the release one, where sanitizers would distort a measure).
export async function startServer({ prepare, args = [], db: existing, env, bin } = {}) {
  const tmp = existing ? null : tempDb();
  const db = existing ?? tmp.db;
  if (!existing) {
    const r = cli(['init', '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    if (prepare) await prepare(db);
  }
  const server = await serve(db, args, env, bin);
  return {
    ...server,
    db,
    dir: tmp?.dir,
    // Stops the server; the temporary database goes too unless keep is set.
    async stop({ keep = false } = {}) {
      const code = await server.stop();
      if (!keep) tmp?.cleanup();
      return code;
    },
    cleanup: () => tmp?.cleanup(),
  };
}

// The servers running: one a failed test left behind is killed when the file's process
// exits (they do not hold the process open, so a failure cannot hang the suite).
const running = new Set();
process.on('exit', () => { for (const child of running) child.kill('SIGKILL'); });
const hold = (child, on) => {
  for (const h of [child, child.stdout, child.stderr]) on ? h.ref?.() : h.unref?.();
};

// Starts `serve` on an existing database and waits for the URL it prints.
export function serve(db, args = [], env = {}, bin = BIN) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, withKeyFile(['serve', '--db', db, '--listen', '127.0.0.1:0', ...args]), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    let listening = false;
    running.add(child);
    const exited = new Promise((res) => child.on('exit', (code, signal) => {
      running.delete(child);
      res({ code, signal });
    }));
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s]+)/);
      if (m && !listening) {
        listening = true;
        const url = m[1].replace(/\/$/, '');
        hold(child, false);
        resolve({
          url,
          child,
          log: () => err,
          out: () => out,
          api: makeClient(url),
          // SIGTERM and wait; returns the exit code (non-zero when ASan found a leak).
          async stop() {
            hold(child, true);
            if (child.exitCode === null) child.kill('SIGTERM');
            const { code } = await exited;
            if (code !== 0) process.stderr.write(err);
            return code;
          },
          async kill() {
            hold(child, true);
            child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited (${code}) before listening:\n${err}`)));
  });
}

// The access lines a server started with --log-format json has logged so far (whole lines).
export const accessLog = (srv) => srv.log().split('\n').slice(0, -1).map((l) => JSON.parse(l)).filter((l) => l.msg === 'access');

// Two turns of the event loop, so that it polls its sockets once in between. A synchronous
// call (cli(), query(): spawnSync) blocks the loop; a keep-alive connection the server
// closed meanwhile (idle longer than its header timeout, 10 s) is seen closed only when
// the loop next polls. Fetching at once would send the request on that closed connection,
// and fetch does not retry: "fetch failed: other side closed". After these turns the
// connection is dropped from the pool and the request goes on a new one.
const settle = async () => {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
};

// A small HTTP client that keeps a cookie jar, a CSRF token and a bearer token.
export function makeClient(url) {
  const state = { cookie: null, csrf: null, token: null };
  async function request(method, path, { body, headers = {}, raw } = {}) {
    const h = { ...headers };
    if (state.token) h.authorization = `Bearer ${state.token}`;
    if (state.cookie) h.cookie = state.cookie;
    if (state.csrf && method !== 'GET') h['x-csrf-token'] = state.csrf;
    let payload;
    if (raw !== undefined) payload = raw;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    await settle();
    const res = await fetch(url + path, { method, headers: h, body: payload });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) state.cookie = setCookie.split(';')[0];
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, text, json };
  }
  return {
    state,
    request,
    get: (p, o) => request('GET', p, o),
    post: (p, body, o = {}) => request('POST', p, { ...o, body }),
    del: (p, o) => request('DELETE', p, o),
    useToken(t) { state.token = t; return this; },
  };
}

// One request from a chosen local address (Linux: all of 127/8 is loopback, so a test can
// be several clients): { status, headers, text, json, ms }.
export function requestFrom(url, localAddress, method, path, { body, headers = {}, timeoutMs = 60000 } = {}) {
  const u = new URL(path, url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const h = { ...headers };
  if (payload !== undefined) h['content-type'] = 'application/json';
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h, localAddress, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text, json, ms: Number(process.hrtime.bigint() - started) / 1e6 });
      });
    });
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

// Asserts an application/problem+json answer with this status (and field, when given).
export function assertProblem(res, status, field) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(res.json.status, status);
  assert.equal(typeof res.json.title, 'string');
  assert.equal(typeof res.json.detail, 'string');
  assert.ok(Array.isArray(res.json.errors));
  if (field) {
    assert.ok(res.json.errors.some((e) => e.field === field),
      `expected an error naming ${field}: ${res.text}`);
  }
}

// A small synthetic county: one agency of each kind (two law-enforcement agencies),
// a member of each, some supervisors, an analyst and an admin. Returns bearer tokens.
export const PASSWORD = 'synthetic-pass-123';
export const AGENCIES = [
  ['Sheriff Station A', 'law_enforcement', 'compton'],
  ['City Police B', 'law_enforcement', 'long_beach'],
  ['Child Welfare', 'child_welfare', '*'],
  ['Probation CTU', 'probation', '*'],
  ['Advocates United', 'advocacy', '*'],
  ['Medical Hub', 'medical', '*'],
  ['Mental Health', 'mental_health', '*'],
  ['District Attorney', 'prosecutor', '*'],
  ['Emergency Shelter', 'shelter', '*'],
  ['Oversight Office', 'oversight', '*'],
];
export const USERS = [
  ['le', 'Sheriff Station A', 'member'],
  ['le_sup', 'Sheriff Station A', 'supervisor'],
  ['le2', 'City Police B', 'member'],
  ['cw', 'Child Welfare', 'member'],
  ['cw_sup', 'Child Welfare', 'supervisor'],
  ['prob', 'Probation CTU', 'member'],
  ['adv', 'Advocates United', 'member'],
  ['adv_sup', 'Advocates United', 'supervisor'],
  ['med', 'Medical Hub', 'member'],
  ['mh', 'Mental Health', 'member'],
  ['pros', 'District Attorney', 'member'],
  ['shelter', 'Emergency Shelter', 'member'],
  ['oversight', 'Oversight Office', 'member'],
  ['analyst', 'Oversight Office', 'analyst'],
  ['admin', 'Oversight Office', 'admin'],
];

export function seedCounty(db) {
  for (const [name, kind, area] of AGENCIES) {
    const r = cli(['agency', 'add', '--db', db, '--name', name, '--kind', kind, '--area', area,
      '--home-area', area === '*' ? 'compton' : area]);
    assert.equal(r.status, 0, r.stderr);
  }
  const tokens = {};
  for (const [username, agency, role] of USERS) {
    let r = cli(['user', 'add', '--db', db, '--agency', agency, '--username', username, '--role', role,
      '--display-name', `Synthetic ${username}`], { input: PASSWORD + '\n' });
    assert.equal(r.status, 0, r.stderr);
    r = cli(['token', 'create', '--db', db, '--username', username]);
    assert.equal(r.status, 0, r.stderr);
    tokens[username] = r.stdout.trim();
  }
  return tokens;
}

// A server on a seeded county; `as(user)` gives a client using that user's token.
export async function startCounty(opts = {}) {
  let tokens;
  const srv = await startServer({ ...opts, prepare: async (db) => { tokens = seedCounty(db); await opts.prepare?.(db); } });
  return { ...srv, tokens, as: (user) => makeClient(srv.url).useToken(tokens[user]) };
}

// The county's calendar (the harness's county is in Los Angeles, the default zone): the wall
// clock at instant ms, the county date `days` after that of ms, and the instant its day ends.
const laParts = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric',
  month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
function countyWallAt(ms) {
  const p = Object.fromEntries(laParts.formatToParts(new Date(ms)).map((x) => [x.type, +x.value || x.value]));
  return { y: p.year, mo: p.month, d: p.day, h: p.hour % 24, mi: p.minute, s: p.second };
}
export function countyDate(ms, days = 0) {
  const w = countyWallAt(ms);
  return new Date(Date.UTC(w.y, w.mo - 1, w.d + days)).toISOString().slice(0, 10);
}
// The instant (RFC 3339, UTC) of county wall time `date` ("YYYY-MM-DD") at h:mi:s.
export function countyInstant(date, h = 0, mi = 0, s = 0) {
  const [y, mo, d] = date.split('-').map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  let t = asUtc;
  for (let i = 0; i < 2; i++) {
    const w = countyWallAt(t);
    t = asUtc - (Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - t);
  }
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
export function countyDayEnd(ms, days = 0) {
  return countyInstant(countyDate(ms, days), 23, 59, 59);
}
// A birth date `years` years and `days` days before today in the county: a youth of that age
// whatever the day of the run (a fixed birth date makes a test fail once the youth is older).
export function bornYearsAgo(years, days = 0) {
  const [y, mo, d] = countyDate(Date.now(), -days).split('-').map(Number);
  return new Date(Date.UTC(y - years, mo - 1, d)).toISOString().slice(0, 10);
}
// The birth date of the youth identify() makes unless told otherwise: 15 years old.
export const BIRTH = bornYearsAgo(15, 120);

// The instant `days` days from now (fractions allowed), as RFC 3339 UTC.
export function isoDaysAhead(days) {
  return new Date(Date.now() + days * 86400000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

let keyCounter = 0;
export function isoMinutesAgo(min) {
  return new Date(Date.now() - min * 60000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Identifies a synthetic youth; returns the response.
export function identify(client, overrides = {}, key) {
  const body = {
    identified_at: isoMinutesAgo(5),
    area: 'compton',
    youth_status: 'dependent',
    youth: { birth_date: BIRTH, first_name: 'Testa', last_name: `Synthetic${++keyCounter}` },
    ...overrides,
  };
  return client.post('/api/v1/cases', body, {
    headers: { 'idempotency-key': key ?? `k-${process.pid}-${Date.now()}-${keyCounter}` },
  });
}

// An agency on the case (as `user`) brings in the agency of `invitee` (a user name): the
// prosecutor must be invited before listing the youth as a witness.
export async function invite(srv, user, caseId, invitee, reason = 'Synthetic: the prosecutor needs the youth as a witness') {
  const agency = (await srv.as(invitee).get('/api/v1/me')).json.user.agency.id;
  const r = await srv.as(user).post(`/api/v1/cases/${caseId}/events`, {
    type: 'agency_invited', at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), agency_id: agency, reason,
  });
  assert.equal(r.status, 201, r.text);
  return r;
}

// A prosecution (by 'pros', whose agency takes part already) with a preliminary hearing 20
// days ahead and caseId's youth listed as its minor witness: { prosecution, witness } as made.
export async function witnessWithHearing(srv, caseId, { number, court, defendant }) {
  const p = await srv.as('pros').post('/api/v1/prosecutions', { court_case_number: number, court,
    charges: ['PC 236.1'], filed_at: isoMinutesAgo(60), defendants: [{ role: 'exploiter', name: defendant }] });
  assert.equal(p.status, 201, p.text);
  const hr = await srv.as('pros').post(`/api/v1/prosecutions/${p.json.id}/hearings`,
    { kind: 'preliminary', at: new Date(Date.now() + 20 * 86400e3).toISOString().replace(/\.\d{3}Z$/, 'Z') });
  assert.equal(hr.status, 201, hr.text);
  const w = await srv.as('pros').post(`/api/v1/prosecutions/${p.json.id}/witnesses`, { case_id: caseId });
  assert.equal(w.status, 201, w.text);
  return { prosecution: p.json, witness: w.json };
}

// The parts of a witness's safety plan; every one is required before sign-off unless the
// county says otherwise (setting witness.plan_required_parts).
export const PLAN_PARTS = ['exploiter_contact', 'safe_people_places', 'phone_social_media', 'leaving_placement',
  'numbers_24_7', 'court_transport', 'waiting_area', 'support_person', 'address_confidentiality'];

// Writes every part of witness witnessId's safety plan (as `user`), so it can be signed off.
export async function writePlan(srv, user, caseId, witnessId, parts = PLAN_PARTS) {
  for (const part of parts) {
    const r = await srv.as(user).post(`/api/v1/cases/${caseId}/events`, {
      type: 'safety_plan', at: isoMinutesAgo(0), witness_id: witnessId, part, text: `Synthetic plan: ${part}`,
    });
    assert.equal(r.status, 201, r.text);
  }
}

// ---- the second factor (TOTP, RFC 6238), computed here independently of the server ----

// RFC 4648 base32 (no padding) to bytes.
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, acc = 0;
  const out = [];
  for (const ch of text.replace(/[\s=]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) { out.push((acc >> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

// The 6-digit code of a 30-second step (HMAC-SHA1, RFC 4226 dynamic truncation).
export function totpAt(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const off = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1e6).padStart(6, '0');
}
export const stepNow = () => Math.floor(Date.now() / 1000 / 30);

// The secrets of the accounts the tests enrolled, by server URL and username, with the last
// step used: the server takes each code once and one step either side of now, so the next
// code is the first unused step of those, waiting for the next step when all three are used.
const enrolled = new Map();
export function rememberSecret(url, username, secret, step) {
  enrolled.set(`${new URL(url).origin}|${username}`, { secret, last: step });
}
export function secretOf(url, username) {
  return enrolled.get(`${new URL(url).origin}|${username}`)?.secret;
}
export async function nextCode(url, username) {
  const e = enrolled.get(`${new URL(url).origin}|${username}`);
  if (!e) throw new Error(`${username} has no authenticator app in these tests`);
  for (;;) {
    const now = stepNow();
    const step = Math.max(now - 1, e.last + 1);
    if (step <= now + 1) { e.last = step; return totpAt(e.secret, step); }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// Signs in with the password through the API, then gives the code, or sets up an
// authenticator app first (remembering its secret): a client with a full session.
export async function signInApi(url, username, password = PASSWORD) {
  const c = makeClient(url);
  let r = await c.post('/api/v1/session', { username, password });
  assert.equal(r.status, 200, r.text);
  c.state.csrf = r.json.csrf_token;
  if (r.json.signin === 'enrol') {
    const t = await c.post('/api/v1/me/totp', {});
    assert.equal(t.status, 200, t.text);
    const step = stepNow(); // the current step: accepted for 30 s at least (now - 1 may lapse mid-request)
    r = await c.post('/api/v1/me/totp/confirm', { code: totpAt(t.json.secret, step) });
    assert.equal(r.status, 200, r.text);
    rememberSecret(url, username, t.json.secret, step);
    c.state.csrf = r.json.csrf_token;
  } else if (r.json.signin === 'code') {
    r = await c.post('/api/v1/session/code', { code: await nextCode(url, username) });
    assert.equal(r.status, 200, r.text);
    c.state.csrf = r.json.csrf_token;
  }
  assert.equal(r.json.signin, 'done', r.text);
  return c;
}
