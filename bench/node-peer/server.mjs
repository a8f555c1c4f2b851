// make bench's conventional-stack baseline (bench/README.md, "Node peer"): the two
// endpoints the benchmark loads, written the way a conventional Node service would be:
// Fastify, better-sqlite3 on one SQLite file (WAL, synchronous=FULL), a bearer token
// looked up by its SHA-256 on every request, the case and its steps in one transaction
// per identification. It has no audit trail, no encryption of sealed values, no
// summons or outbox, no protocol engine: what it does not do is part of the comparison.
// Not part of safeharbor; synthetic data only.
//
//   node server.mjs --db FILE --token TOKEN [--seed DIR] [--listen HOST:PORT]
//
// --seed DIR loads every case body in DIR (the nginx tree of bench/run.sh, the bodies the
// reader saw) into the case and step tables first. It prints "listening on URL" when
// ready and stops on SIGTERM.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!args.db || !args.token) {
  console.error('usage: node server.mjs --db FILE --token TOKEN [--seed DIR] [--listen HOST:PORT]');
  process.exit(2);
}
const [host, port] = (args.listen || '127.0.0.1:0').split(':');
const sha256 = (s) => createHash('sha256').update(s).digest('hex');

const db = new Database(args.db);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`
CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL, agency_kind TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS tokens (hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users,
  expires_at INTEGER NOT NULL, revoked_at INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS cases (id TEXT PRIMARY KEY, identified_at TEXT NOT NULL, area TEXT NOT NULL,
  youth_status TEXT NOT NULL, created_by INTEGER NOT NULL, created_at INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS case_steps (case_id TEXT NOT NULL REFERENCES cases, key TEXT NOT NULL,
  episode INTEGER NOT NULL, owner TEXT, state TEXT NOT NULL, due_at TEXT, data TEXT NOT NULL,
  PRIMARY KEY (case_id, key, episode));
CREATE INDEX IF NOT EXISTS case_steps_due ON case_steps (owner, state, due_at);
CREATE TABLE IF NOT EXISTS idempotency (key TEXT NOT NULL, user_id INTEGER NOT NULL,
  case_id TEXT NOT NULL, PRIMARY KEY (key, user_id));
`);

const insUser = db.prepare('INSERT OR IGNORE INTO users (id, username, role, agency_kind) VALUES (1, ?, ?, ?)');
const insToken = db.prepare('INSERT OR REPLACE INTO tokens (hash, user_id, expires_at) VALUES (?, 1, ?)');
const insCase = db.prepare(`INSERT INTO cases (id, identified_at, area, youth_status, created_by, created_at, body)
  VALUES (?, ?, ?, ?, ?, ?, ?)`);
const insStep = db.prepare(`INSERT INTO case_steps (case_id, key, episode, owner, state, due_at, data)
  VALUES (?, ?, ?, ?, ?, ?, ?)`);
const getToken = db.prepare(`SELECT u.id, u.role, u.agency_kind, u.disabled, t.expires_at FROM tokens t
  JOIN users u ON u.id = t.user_id WHERE t.hash = ? AND t.revoked_at = 0`);
const getCase = db.prepare('SELECT body FROM cases WHERE id = ?');
const getSteps = db.prepare('SELECT data FROM case_steps WHERE case_id = ? ORDER BY due_at, key');
const getIdem = db.prepare('SELECT case_id FROM idempotency WHERE key = ? AND user_id = ?');
const insIdem = db.prepare('INSERT INTO idempotency (key, user_id, case_id) VALUES (?, ?, ?)');

insUser.run('le', 'member', 'law_enforcement');
insToken.run(sha256(args.token), Math.floor(Date.now() / 1000) + 86400);

// a step: its key, owner, state and due time in columns (what queries select on), the rest as JSON
const stepRow = (id, s) => [id, s.key, s.episode ?? 0, s.owner ?? null, s.state, s.due_at ?? null, JSON.stringify(s)];

if (args.seed) {
  const load = db.transaction((files) => {
    for (const f of files) {
      const c = JSON.parse(readFileSync(join(args.seed, f), 'utf8'));
      const steps = c.steps || [];
      delete c.steps;
      insCase.run(c.id, c.identified_at || '', c.area || '', c.youth_status || '', 1, 0, JSON.stringify(c));
      for (const s of steps) insStep.run(...stepRow(c.id, s));
    }
  });
  load(readdirSync(args.seed));
}

// the 15 steps an identification opens, each with its owner and its time to be done
const STEPS = [
  ['le_notify_cw', 'law_enforcement', 1], ['le_notify_advocate', 'law_enforcement', 1],
  ['le_report_missing', 'law_enforcement', 24], ['cw_respond', 'child_welfare', 2],
  ['cw_placement', 'child_welfare', 24], ['cw_case_plan', 'child_welfare', 720],
  ['adv_meet', 'advocate', 2], ['adv_follow_72h', 'advocate', 72], ['adv_follow_30d', 'advocate', 720],
  ['med_exam', 'medical', 72], ['mh_assess', 'mental_health', 72], ['prob_notify', 'probation', 24],
  ['da_review', 'prosecutor', 168], ['mdt_meeting', 'child_welfare', 240], ['le_debrief', 'law_enforcement', 168],
];
const STATUSES = new Set(['dependent', 'probation', 'both', 'none', 'unknown']);
const problem = (reply, status, detail) =>
  reply.code(status).type('application/problem+json').send({ title: 'Bad request', status, detail });

const create = db.transaction((user, key, body) => {
  const seen = getIdem.get(key, user.id);
  if (seen) return { replay: true, id: seen.case_id };
  const now = Math.floor(Date.now() / 1000);
  const id = `SH-${randomUUID()}`;
  const t0 = Date.parse(body.identified_at);
  const steps = STEPS.map(([k, owner, hours]) => ({
    key: k, episode: 1, owner, state: 'pending',
    opened_at: body.identified_at, due_at: new Date(t0 + hours * 3600e3).toISOString().replace('.000', ''), done_at: null,
  }));
  const c = { id, identified_at: body.identified_at, area: body.area, youth_status: body.youth_status,
    youth: body.youth, created_at: new Date(now * 1000).toISOString().replace('.000', '') };
  insCase.run(id, body.identified_at, body.area, body.youth_status, user.id, now, JSON.stringify(c));
  for (const s of steps) insStep.run(...stepRow(id, s));
  insIdem.run(key, user.id, id);
  return { ...c, steps };
});

const app = Fastify({ logger: false });
app.addHook('onRequest', async (req, reply) => {
  const h = req.headers.authorization || '';
  if (!h.startsWith('Bearer ')) return problem(reply, 401, "use 'Authorization: Bearer TOKEN'");
  const u = getToken.get(sha256(h.slice(7)));
  if (!u || u.disabled || u.expires_at <= Date.now() / 1000)
    return problem(reply, 401, 'the token is not valid (revoked or unknown)');
  req.user = u;
});
app.get('/api/v1/cases/:id', async (req, reply) => {
  const c = getCase.get(req.params.id);
  if (!c) return problem(reply, 404, 'no such case');
  const body = JSON.parse(c.body);
  body.steps = getSteps.all(req.params.id).map((s) => JSON.parse(s.data));
  return body;
});
app.post('/api/v1/cases', async (req, reply) => {
  const b = req.body || {};
  const key = req.headers['idempotency-key'];
  if (!key) return problem(reply, 400, 'Idempotency-Key: required');
  if (typeof b.identified_at !== 'string' || !(Date.parse(b.identified_at) <= Date.now()))
    return problem(reply, 400, 'identified_at: a time in the past, RFC 3339');
  if (typeof b.area !== 'string' || !b.area) return problem(reply, 400, 'area: required');
  if (!STATUSES.has(b.youth_status)) return problem(reply, 400, 'youth_status: one of dependent, probation, both, none, unknown');
  if (typeof b.youth !== 'object' || b.youth === null) return problem(reply, 400, 'youth: an object');
  const out = create(req.user, key, b);
  if (out.replay) return reply.code(200).send({ id: out.id });
  return reply.code(201).send(out);
});

await app.listen({ host, port: Number(port) });
console.log(`listening on http://${host}:${app.server.address().port}/`);
process.on('SIGTERM', async () => {
  await app.close();
  db.close();
  process.exit(0);
});
