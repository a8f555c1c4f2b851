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

test('the Board report\'s printable page, charts, definitions and CSV rows in Spanish for a Spanish user; an English user\'s unchanged', async () => {
  const q = '/api/v1/reports/board?from=2026-01-01&to=2026-03-31';
  const analyst = srv.as('analyst'), oversight = srv.as('oversight');
  assert.equal((await analyst.request('PUT', '/api/v1/me/preferences/language', { body: { language: 'es' } })).status, 200);
  const es1 = await analyst.get(`${q}&format=html`), en1 = await oversight.get(`${q}&format=html`);
  assert.equal(es1.status, 200, es1.text);
  assert.match(es1.text, /^<!DOCTYPE html>\n<html lang="es">/);
  for (const want of ['<h1>Protocolo de Primera Respuesta para niños, niñas y jóvenes víctimas de explotación sexual comercial: informe a la Junta de Supervisores</h1>',
    '<strong>Período:</strong> 1 de enero de 2026 al 31 de marzo de 2026 (90 días), junto al período anterior de igual duración, 3 de octubre de 2025 al 31 de diciembre de 2025.',
    '<h2 id="key">Cifras clave, todas las áreas</h2>', '<h2 id="charts">Gráficos</h2>', '<h2>Jóvenes y recuperaciones</h2>',
    '<h2 id="method">Cómo se protegen los conteos pequeños</h2>', '<h2 id="stability">Qué significa &quot;estable&quot;</h2>',
    '<title id="chart-months-t">Recuperaciones por mes</title>', '<figcaption>Recuperaciones por mes natural de la identificación.',
    'Estable el día N (30, 90, 180): el último control de estabilidad', 'Todas las áreas']) {
    assert.ok(es1.text.includes(want), `"${want}" in the Spanish page`);
  }
  assert.doesNotMatch(es1.text, /Key figures|This period|Previous period|How it is counted|Counted by|Stable at day N|report to the Board|All areas/);
  // the English page is the one it was
  assert.match(en1.text, /^<!DOCTYPE html>\n<html lang="en">/);
  for (const want of ['<h1>First Responder Protocol for commercially sexually exploited children: report to the Board</h1>',
    '<strong>Period:</strong> 1 January 2026 to 31 March 2026 (90 days), beside the previous period of equal length, 3 October 2025 to 31 December 2025.',
    '<h2 id="key">Key figures, all areas</h2>', '<h2 id="method">How small counts are protected</h2>',
    '<title id="chart-months-t">Recoveries per month</title>', 'Stable at day N (30, 90, 180): the latest stability check']) {
    assert.ok(en1.text.includes(want), `"${want}" in the English page`);
  }
  assert.doesNotMatch(en1.text, /Cifras clave|Este período|Contado por/);
  // the charts the web app shows are the page's, in the same language
  const ch = await analyst.get(`${q}&format=charts`);
  for (const svg of ch.text.match(/<svg [\s\S]*?<\/svg>/g)) assert.ok(es1.text.includes(svg), 'the same chart as the Spanish page');
  assert.match(ch.text, /Período anterior: 3 de octubre de 2025 al 31 de diciembre de 2025/);
  // JSON: definitions, bases, suppression and stability texts; the keys stay
  const j = (await analyst.get(q)).json, e = (await oversight.get(q)).json;
  const rec = j.figures.find((f) => f.key === 'recoveries');
  assert.match(rec.definition, /^Una recuperación es una aplicación del protocolo/);
  assert.equal(rec.basis, 'Contado por el día en que se identificó al joven (identified_at).');
  assert.match(j.suppression.method, /^Cada conteo de 1 a 10 se muestra como "1-10"/);
  assert.match(j.stability_definition, /^Estable el día N/);
  assert.equal(j.groups[0].label, 'Todas las áreas');
  assert.deepEqual(j.groups.map((g) => g.key), e.groups.map((g) => g.key));
  assert.match(e.figures.find((f) => f.key === 'recoveries').definition, /^A recovery is one run of the protocol/);
  // CSV: the header row of column keys unchanged, the words for people in Spanish
  const c = (await analyst.get(`${q}&format=csv`)).text.split('\r\n'), ce = (await oversight.get(`${q}&format=csv`)).text.split('\r\n');
  assert.equal(c[0], ce[0]);
  assert.equal(c[0], 'section,figure,title,measure,label,breakdown,group,group_label,period,period_from,period_to,value,display,numerator,denominator,basis,definition,release');
  assert.ok(c[1].startsWith('Jóvenes y recuperaciones,recoveries,Recuperaciones y nuevas recuperaciones,recoveries,Recuperaciones,all,all,Todas las áreas,current,2026-01-01,2026-03-31,'), c[1]);
  assert.ok(ce[1].startsWith('Youth and recoveries,recoveries,Recoveries and re-recoveries,recoveries,Recoveries,all,all,All areas,current,'), ce[1]);
});
