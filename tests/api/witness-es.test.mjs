// The witness rules' reasons in the caller's language (docs/witness-rules.md, "Reasons"): a
// prosecutor who reads Spanish gets every reason in Spanish (the classes named by their
// label-es words), in the eligibility check and in a case's witness part; the keys (`rule`)
// stay as they are, and the English reader still gets English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, identify, invite, witnessWithHearing, bornYearsAgo } from './harness.mjs';

let srv;
before(async () => {
  srv = await startCounty();
  const r = await srv.as('pros').request('PUT', '/api/v1/me/preferences/language', { body: { language: 'es' } });
  assert.equal(r.status, 200, r.text);
});
after(async () => { assert.equal(await srv.stop(), 0); });

const rule = (rules, name) => rules.find((x) => x.rule === name);
const ENGLISH = /\b(Eligible|eligible|witness|charge|Not in effect|policy goal|county policy)\b/;

test('a Spanish prosecutor gets each kind of reason in Spanish', async () => {
  const pros = srv.as('pros');
  let r = await pros.post('/api/v1/witness/eligibility', { birth_date: '2012-06-15', motion_date: '2025-06-14', charges: ['PC 288'] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.rules.map((x) => x.rule), ['PC 1347', 'PC 1347.1', 'county policy']);
  assert.equal(rule(r.json.rules, 'PC 1347').reason, 'Reúne los requisitos: el testigo tenía 12 años en la fecha de la '
    + 'moción (se exigen 13 años o menos) y los cargos incluyen un delito sexual (PC 288).');
  assert.equal(rule(r.json.rules, 'PC 1347.1').reason,
    'No reúne los requisitos: ningún cargo es un delito de trata de personas (PC 236.1).');
  assert.match(rule(r.json.rules, 'county policy').reason, /Es una meta de política del condado \(moción de la Junta\), sin fuerza de ley/);
  r = await pros.post('/api/v1/witness/eligibility', { birth_date: '2000-06-15', motion_date: '2016-05-01', charges: ['PC 236.1'] });
  assert.equal(rule(r.json.rules, 'PC 1347.1').reason, 'No está en vigor el 2016-05-01 (PC 1347.1 rige desde 2017-01-01).');
  r = await pros.post('/api/v1/witness/eligibility', { birth_date: '2009-06-15', motion_date: '2025-06-14', charges: ['PC 236.1'] });
  assert.match(rule(r.json.rules, 'PC 1347').reason, /^No reúne los requisitos: el testigo tenía 15 años en la fecha de la moción; PC 1347 ampara a testigos de 13 años o menos\./);
  for (const x of r.json.rules) assert.doesNotMatch(x.reason, ENGLISH, x.rule);
});

test('a case\'s witness part: Spanish to the Spanish prosecutor, English to the English advocate', async () => {
  const kase = (await identify(srv.as('le'), { youth: { birth_date: bornYearsAgo(14, 100), first_name: 'Synth', last_name: 'Testigo' } })).json;
  await invite(srv, 'le', kase.id, 'pros');
  await witnessWithHearing(srv, kase.id, { number: 'SYN-ES-24', court: 'Synthetic court', defendant: 'Synthetic Defendant' });
  const es = await srv.as('pros').get(`/api/v1/cases/${kase.id}/witness`);
  const en = await srv.as('adv').get(`/api/v1/cases/${kase.id}/witness`);
  assert.equal(es.status, 200, es.text);
  assert.equal(en.status, 200, en.text);
  const esRules = es.json.witnesses[0].eligibility.rules, enRules = en.json.witnesses[0].eligibility.rules;
  assert.deepEqual(esRules.map((x) => [x.rule, x.eligible, x.source]), enRules.map((x) => [x.rule, x.eligible, x.source]));
  assert.match(rule(esRules, 'PC 1347.1').reason, /^Reúne los requisitos: .* un delito de trata de personas \(PC 236\.1\)\.$/);
  assert.match(rule(enRules, 'PC 1347.1').reason, /^Eligible: .* human trafficking \(PC 236\.1\)\.$/);
  for (const x of esRules) assert.doesNotMatch(x.reason, ENGLISH, x.rule);
});

test('without a preference, Accept-Language: es decides', async () => {
  const r = await srv.as('adv').post('/api/v1/witness/eligibility',
    { birth_date: '2012-06-15', motion_date: '2025-06-14', charges: ['PC 288'] }, { headers: { 'accept-language': 'es-MX,es;q=0.9' } });
  assert.equal(r.status, 200, r.text);
  assert.match(rule(r.json.rules, 'PC 1347').reason, /^Reúne los requisitos/);
});
