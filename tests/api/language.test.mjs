// The server's words in the caller's language (docs/api.md, "Problem details"; docs/report.md):
// the signed-in user's `language` preference, else the request's Accept-Language (q-values
// honoured, English for any other language). Refusals, and the Board report's sections,
// titles and labels. Only the words change: type, status, fields and keys stay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, identify, assertProblem, makeClient } from './harness.mjs';

let srv, es, en;
before(async () => {
  srv = await startCounty();
  es = srv.as('le');
  en = srv.as('le2');
  const r = await es.request('PUT', '/api/v1/me/preferences/language', { body: { language: 'es' } });
  assert.equal(r.status, 200, r.text);
});
after(async () => { assert.equal(await srv.stop(), 0); });

const same = (a, b) => {
  assert.equal(a.json.type, b.json.type);
  assert.equal(a.json.status, b.json.status);
  assert.deepEqual(a.json.errors.map((e) => e.field), b.json.errors.map((e) => e.field));
};

test('a Spanish user is refused in Spanish, an English user in English, with the same codes and fields', async () => {
  const bad = { identified_at: 'yesterday', area: 'compton', youth_status: 'dependent', youth: {} };
  const a = await identify(es, bad), b = await identify(en, bad);
  assertProblem(a, 422, 'identified_at');
  assertProblem(b, 422, 'identified_at');
  same(a, b);
  assert.equal(a.json.title, 'Solicitud no válida');
  assert.equal(b.json.title, 'Invalid request');
  const at = (r) => r.json.errors.find((e) => e.field === 'identified_at').message;
  assert.match(at(a), /^indique una fecha y hora/);
  assert.match(at(b), /^give a date and time/);
  assert.match(a.json.detail, /^identified_at: indique/);
});

test('refused by the route\'s permit, not found and conflict: Spanish for the Spanish user', async () => {
  let a = await es.get('/api/v1/reports/board'), b = await en.get('/api/v1/reports/board');
  assertProblem(a, 403);
  same(a, b);
  assert.equal(a.json.title, 'No permitido');
  assert.equal(a.json.detail, 'los informes son para analistas, supervisores y el personal de supervisión externa');
  assert.equal(b.json.detail, 'reports are for analysts, supervisors and oversight staff');

  a = await es.get('/api/v1/cases/SH-ZZZZZZZZ');
  b = await en.get('/api/v1/cases/SH-ZZZZZZZZ');
  assertProblem(a, 404);
  same(a, b);
  assert.equal(a.json.title, 'No encontrado');
  assert.doesNotMatch(a.json.detail, /\bno such\b/);

  const first = await identify(es, {}, 'es-conflict-key');
  assert.equal(first.status, 201, first.text);
  a = await identify(es, { area: 'long_beach' }, 'es-conflict-key');
  assertProblem(a, 422);
  assert.match(a.json.detail, /^esta Idempotency-Key ya se usó/);

  const admin = srv.as('admin');
  assert.equal((await admin.request('PUT', '/api/v1/me/preferences/language', { body: { language: 'es' } })).status, 200);
  a = await admin.post('/api/v1/agencies', { name: 'Child Welfare', kind: 'child_welfare' });
  assertProblem(a, 409);
  assert.equal(a.json.title, 'Conflicto');
  assert.match(a.json.detail, /^choca con un registro guardado/);
});

test('the preference wins over the browser: an English preference answers English to Accept-Language: es', async () => {
  const r = await en.request('PUT', '/api/v1/me/preferences/language', { body: { language: 'en' } });
  assert.equal(r.status, 200, r.text);
  const a = await en.get('/api/v1/reports/board', { headers: { 'accept-language': 'es' } });
  assert.equal(a.json.title, 'Not permitted');
  // and a refusal of the preference itself is in the language kept so far
  const bad = await es.request('PUT', '/api/v1/me/preferences/language', { body: { language: 'fr' } });
  assertProblem(bad, 422, 'language');
  assert.match(bad.json.errors[0].message, /^elija uno de: /);
});

test('without a sign-in, Accept-Language decides: q-values honoured, other languages English', async () => {
  const anon = makeClient(srv.url);
  let n = 0; // a new name each time: the failed sign-ins of one name are throttled
  const signIn = (lang) => anon.post('/api/v1/session', { username: `nobody-${++n}`, password: 'not-the-password' },
    { headers: lang ? { 'accept-language': lang } : {} });
  const cases = [
    ['es-MX,es;q=0.9,en;q=0.8', 'es'],
    ['en-US,en;q=0.9,es;q=0.8', 'en'],
    ['fr-FR, de;q=0.9', 'en'],
    ['fr, es;q=0.5', 'es'],
    ['en;q=0.2, es;q=0.7', 'es'],
    ['es;q=0, en;q=0.1', 'en'],
    [null, 'en'],
  ];
  for (const [lang, want] of cases) {
    const r = await signIn(lang);
    assertProblem(r, 401);
    assert.equal(r.json.type, '/problems/unauthenticated');
    assert.equal(r.json.detail, want === 'es' ? 'usuario o contraseña incorrectos, o la cuenta está desactivada'
      : 'wrong username or password, or the account is disabled', `Accept-Language: ${lang}`);
    assert.equal(r.json.title, want === 'es' ? 'Debe iniciar sesión' : 'Sign-in required');
  }
  const malformed = await anon.request('POST', '/api/v1/session', { raw: '{"username":', headers: { 'content-type': 'application/json', 'accept-language': 'es' } });
  assertProblem(malformed, 400);
  assert.match(malformed.json.detail, /^JSON mal formado/);
  const nopath = await anon.get('/api/v1/nowhere', { headers: { 'accept-language': 'es' } });
  assertProblem(nopath, 404);
  assert.equal(nopath.json.detail, 'no existe esa ruta: /api/v1/nowhere');
});

test('the arrest guardrail refuses in Spanish too, a step named by its Spanish title, the justification advice in Spanish', async () => {
  const c = (await identify(es)).json;
  const path = `/api/v1/cases/${c.id}/events`;
  const arrest = { type: 'arrest', at: new Date(Date.now() - 60000).toISOString(), offense: 'PC 647(b)',
    justification: 'Synthetic: outstanding felony warrant from another county, reviewed by the sergeant' };
  const a = await es.post(path, arrest), b = await srv.as('le_sup').post(path, arrest);
  assertProblem(a, 422, 'offense');
  assertProblem(b, 422, 'offense');
  const msg = (r) => r.json.errors.find((e) => e.field === 'offense').message;
  assert.match(msg(a), /^Rechazado: .*PC 647\(b\).*el joven tenía \d+ años el día del hecho/);
  assert.match(msg(b), /^Refused: /);
  assert.doesNotMatch(msg(a), /\u001e|Refused|the youth/);

  const vague = await es.post(path, { ...arrest, offense: 'PC 459', justification: 'because' });
  assertProblem(vague, 422, 'justification');
  assert.match(vague.json.errors[0].message,
    /^cualquier arresto de una víctima identificada es una desviación del protocolo .*: escriba por qué/);
});

test('the Board report speaks the analyst\'s language: sections, titles and labels; keys, values and CSV unchanged', async () => {
  const q = '/api/v1/reports/board?from=2026-01-01&to=2026-03-31';
  const analyst = srv.as('analyst');
  const en1 = (await analyst.get(q)).json;
  assert.equal((await analyst.request('PUT', '/api/v1/me/preferences/language', { body: { language: 'es' } })).status, 200);
  const es1 = (await analyst.get(q)).json;
  const fig = (r, k) => r.figures.find((f) => f.key === k);
  assert.equal(fig(en1, 'recoveries').title, 'Recoveries and re-recoveries');
  assert.equal(fig(es1, 'recoveries').title, 'Recuperaciones y nuevas recuperaciones');
  assert.equal(fig(es1, 'recoveries').section, 'Jóvenes y recuperaciones');
  assert.equal(fig(es1, 'victim_arrests').measures.find((m) => m.key === 'arrests').label, 'Todos los arrestos');
  // what programs read is the same in both
  assert.deepEqual(es1.figures.map((f) => [f.key, f.measures.map((m) => [m.key, m.type])]),
    en1.figures.map((f) => [f.key, f.measures.map((m) => [m.key, m.type])]));
  assert.deepEqual(es1.figures.map((f) => f.values), en1.figures.map((f) => f.values));
  // every title and label has its Spanish (a step's from the protocol's title_es)
  for (const f of es1.figures) {
    const e = en1.figures.find((x) => x.key === f.key);
    if (f.key !== 'age_at_first_recovery') assert.notEqual(f.title, e.title, f.key);
    for (const m of f.measures) if (/[A-Za-z]/.test(m.label)) assert.notEqual(m.label, e.measures.find((x) => x.key === m.key).label, `${f.key}.${m.key}`);
  }
  const csv = await analyst.get(`${q}&format=csv`);
  assert.equal(csv.status, 200);
  assert.equal(csv.text.split('\n')[0], (await srv.as('oversight').get(`${q}&format=csv`)).text.split('\n')[0], 'CSV headers are column keys');
});
