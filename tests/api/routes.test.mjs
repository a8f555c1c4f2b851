// Every route, called as every role of a synthetic county, answers as the route list in
// docs/security.md ("Who may call each route") says: let in, 403, or 404. The test reads
// that table (and the compartments table for "reads SECTION"), so the docs and the server
// cannot drift apart. Requests that are let in carry bodies that fail validation, so the
// walk writes almost nothing (a disable and an enable of a throwaway account and agency).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startCounty, identify, isoMinutesAgo, cli, AGENCIES, USERS, PASSWORD } from './harness.mjs';

const SECURITY_MD = new URL('../../docs/security.md', import.meta.url);

// The rows of the markdown table whose header row starts with `first`, as arrays of cells.
function table(md, first) {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  assert.ok(start >= 0, `docs/security.md has a table starting "| ${first} |"`);
  const rows = [];
  for (let i = start + 2; i < lines.length && lines[i].startsWith('|'); i++)
    rows.push(lines[i].split('|').slice(1, -1).map((c) => c.trim()));
  return rows;
}

const ROLES = ['member', 'supervisor', 'analyst', 'admin'];

// "who" -> { auth, session, grants: [{ roles, kinds, own }], hidden, caseMember, reads }
export function parseWho(who) {
  const rule = { auth: 'signed in', session: false, grants: [], hidden: false, caseMember: false, reads: null, audited: false };
  for (const clause of who.split(';').map((c) => c.trim())) {
    if (clause === 'public' || clause === 'signing in') rule.auth = clause;
    else if (clause === 'anyone') { /* every signed-in role */ }
    else if (clause === 'by session') rule.session = true;
    else if (clause === 'else 404') rule.hidden = true;
    else if (clause === 'audited') rule.audited = true;
    else if (clause === 'case member') rule.caseMember = true;
    else if (clause.startsWith('reads ')) rule.reads = clause.slice(6);
    else {
      for (const way of clause.split(' or ')) {
        const [roles, of] = way.split(' of ');
        const grant = { roles: roles.split(',').map((r) => r.trim()), kinds: null, own: false };
        for (const r of grant.roles) assert.ok(ROLES.includes(r), `unknown role "${r}" in "${who}"`);
        if (of === 'the agency') grant.own = true;
        else if (of) grant.kinds = of.split(',').map((k) => k.trim());
        rule.grants.push(grant);
      }
    }
  }
  return rule;
}

let srv;
const fixture = {};
const routes = [];
let compartments;

before(async () => {
  const md = readFileSync(SECURITY_MD, 'utf8');
  for (const [method, path, who, then] of table(md, 'method')) routes.push({ method, path, who, rule: parseWho(who), data404: /404/.test(then) });
  const comp = table(md, 'kind');
  const sections = md.split('\n').find((l) => l.startsWith('| kind |')).split('|').slice(2, -1).map((c) => c.trim());
  compartments = Object.fromEntries(comp.map(([kind, ...cells]) => [kind, Object.fromEntries(sections.map((s, i) => [s, cells[i]]))]));

  srv = await startCounty({
    prepare: (db) => {
      // a throwaway agency and account for the admin routes that change them
      let r = cli(['agency', 'add', '--db', db, '--name', 'Walk Target Agency', '--kind', 'shelter', '--area', '*', '--home-area', 'compton']);
      assert.equal(r.status, 0, r.stderr);
      r = cli(['user', 'add', '--db', db, '--agency', 'Walk Target Agency', '--username', 'walk_target', '--role', 'member'], { input: PASSWORD + '\n' });
      assert.equal(r.status, 0, r.stderr);
    },
  });
  const kase = await identify(srv.as('le'));
  assert.equal(kase.status, 201, kase.text);
  fixture.caseId = kase.json.id;
  fixture.onCase = new Set(kase.json.agencies.filter((a) => a.active).map((a) => a.name));
  fixture.everOnCase = new Set(kase.json.agencies.map((a) => a.name));
  const agencies = (await srv.as('admin').get('/api/v1/agencies')).json.items;
  fixture.agencyId = Object.fromEntries(agencies.map((a) => [a.name, a.id]));
  const users = (await srv.as('admin').get('/api/v1/users')).json.items;
  fixture.userId = Object.fromEntries(users.map((u) => [u.username, u.id]));
  const p = await srv.as('pros').post('/api/v1/prosecutions', {
    court_case_number: 'SYN-WALK-1', court: 'Synthetic Superior Court', charges: ['PC 236.1(c)'], filed_at: isoMinutesAgo(60),
  });
  assert.equal(p.status, 201, p.text);
  fixture.prosecutionId = p.json.id;
});
after(async () => { assert.equal(await srv.stop(), 0); });

const kindOf = Object.fromEntries(AGENCIES.map(([name, kind]) => [name, kind]));
// the agency whose roster and caseloads the walk asks for: only its own staff are let in
const ROSTER_AGENCY = 'Child Welfare';

// The path with its {…} filled for this caller.
function fill(path, username) {
  return path
    .replace(/^\/api\/v1\/cases\/\{id\}/, `/api/v1/cases/${fixture.caseId}`)
    .replace(/^\/api\/v1\/agencies\/\{id\}\/(roster|caseloads)/, `/api/v1/agencies/${fixture.agencyId[ROSTER_AGENCY]}/$1`)
    .replace(/^\/api\/v1\/agencies\/\{id\}/, `/api/v1/agencies/${fixture.agencyId['Walk Target Agency']}`)
    .replace(/^\/api\/v1\/users\/\{id\}\/channels/, `/api/v1/users/${fixture.userId[username]}/channels`)
    .replace(/^\/api\/v1\/users\/\{id\}/, `/api/v1/users/${fixture.userId.walk_target}`)
    .replace(/^\/api\/v1\/prosecutions\/\{id\}/, `/api/v1/prosecutions/${fixture.prosecutionId}`)
    .replace('{key}', 'cases.filter')
    .replace(/\{(id|entry)\}/g, '999999');
}

// What the table says for this caller: 'in', 403 or 404.
function expected(rule, [, agency, role]) {
  const kind = kindOf[agency];
  if (rule.auth === 'public') return 'in';
  if (rule.session) return 403; // the walk calls with bearer tokens
  if (rule.grants.length && !rule.grants.some((g) => g.roles.includes(role) &&
      (!g.kinds || g.kinds.includes(kind)) && (!g.own || agency === ROSTER_AGENCY)))
    return rule.hidden ? 404 : 403;
  if (rule.caseMember) {
    const sees = role === 'member' ? fixture.onCase.has(agency) : role === 'supervisor' && fixture.everOnCase.has(agency);
    if (!sees) return 404;
  }
  if (rule.reads && !(['member', 'supervisor'].includes(role) && ['R', 'W'].includes(compartments[kind][rule.reads])))
    return 403;
  return 'in';
}

async function call(method, path, username) {
  const headers = { authorization: `Bearer ${srv.tokens[username]}` };
  let body;
  if (['POST', 'PUT', 'PATCH'].includes(method)) {
    headers['content-type'] = 'application/json';
    body = '{}';
  }
  const res = await fetch(srv.url + path, { method, headers, body, redirect: 'manual' });
  return { status: res.status, text: method === 'HEAD' ? '' : await res.text() };
}

test('the route list in docs/security.md names every route the server has, once', async () => {
  const seen = new Set();
  for (const r of routes) {
    const key = `${r.method} ${r.path}`;
    assert.ok(!seen.has(key), `${key} is listed twice`);
    seen.add(key);
  }
  // the server's own table, from its source: a route added there must be added to the list
  const src = readFileSync(new URL('../../src/http/routes.c', import.meta.url), 'utf8');
  const main = src.slice(0, src.indexOf('http_metrics_routes[]'));
  const inSource = [...main.matchAll(/\{ "([A-Z]+)", "([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual([...seen].sort(), [...new Set(inSource)].sort());
});

test('every route answers every role as the route list says', async () => {
  assert.ok(fixture.onCase.has('Sheriff Station A') && !fixture.everOnCase.has('City Police B'),
    'the case has agencies on it and off it');
  const wrong = [];
  for (const r of routes) {
    for (const user of USERS) {
      const want = expected(r.rule, user);
      const got = await call(r.method, fill(r.path, user[0]), user[0]);
      // let in: past the check. A handler may still answer 404 for a record the walk names
      // that is not the caller's (a token, a summons), where the table's last column says so
      const ok = want === 'in'
        ? got.status !== 401 && got.status !== 403 && (got.status !== 404 || r.data404)
        : got.status === want;
      if (!ok) wrong.push(`${r.method} ${r.path} as ${user[0]} (${user[2]}, ${kindOf[user[1]]}): expected ${want}, got ${got.status} ${got.text.slice(0, 160)}`);
    }
  }
  assert.deepEqual(wrong, []);
});
