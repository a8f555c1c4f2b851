// The arrest guardrail (SB 1322) through the API: however the offence is written, a
// minor's prostitution arrest is refused, and the refusal is recorded for supervisors and
// the Board; ages on the county's local day; arrests before the identification; county
// settings. docs/offences.md.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, startServer, seedCounty, identify, assertProblem, isoMinutesAgo, cli, tempDb, makeClient, query, countyDate, countyInstant } from './harness.mjs';

let srv;
before(async () => { srv = await startCounty(); });
after(async () => { assert.equal(await srv.stop(), 0); });

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const event = (user, id, body) => srv.as(user).post(`/api/v1/cases/${id}/events`, body);
const JUSTIFY = 'Synthetic: outstanding felony warrant from another county, reviewed by the sergeant';

test('a prostitution arrest of a minor is refused however it is written, and each attempt is recorded', async () => {
  const c = (await identify(srv.as('le'))).json; // 15 (harness BIRTH)
  const spellings = ['CPC 647(b)', 'Cal. Penal Code § 647(b)', 'Pen. Code, § 647, subd. (b)', '647 subd. (b)',
    'Section 647(b)', 'Penal Code section 647, subdivision (b)', 'PC647B', '647b PC', 'PC 664/647(b)',
    'prostitution', 'solicitation of prostitution', 'Solicitation', 'loitering for prostitution',
    'PC 653.22', 'PROSTITUCIÓN', 'pr0stitution', 'ＰＣ６４７(ｂ)'];
  for (const offense of spellings) {
    const r = await event('le', c.id, { type: 'arrest', at: isoMinutesAgo(1), offense, justification: JUSTIFY });
    assertProblem(r, 422, 'offense');
    assert.match(r.json.errors[0].message, /SB 1322/, offense);
    assert.match(r.json.errors[0].message, /child abuse hotline/, offense);
    assert.match(r.json.errors[0].message, /was 15 on the day of the act/, offense);
  }
  // the officer's own timeline shows no arrest; the supervisors see every attempt
  const mine = (await srv.as('le').get(`/api/v1/cases/${c.id}/events`)).json.items;
  assert.ok(!mine.some((e) => e.type === 'arrest' || e.type === 'refused_arrest'));
  const sup = (await srv.as('le_sup').get(`/api/v1/cases/${c.id}/events`)).json.items.filter((e) => e.type === 'refused_arrest');
  assert.deepEqual(sup.map((e) => e.offense), spellings);
  assert.ok(sup.every((e) => e.refused === 'sb1322' && e.minor === true && e.age_at_act === 15 && e.prostitution_related === true));
  assert.equal(sup[0].section, 'law_enforcement');
  // other agencies on the case never see them
  const cw = (await srv.as('cw').get(`/api/v1/cases/${c.id}/events`)).json.items;
  assert.ok(!cw.some((e) => e.type === 'refused_arrest'));
  const rows = query(srv.db, `SELECT count(*) FROM audit WHERE action = 'arrest.refused' AND outcome = 'refused' AND case_id = '${c.id}'`);
  assert.equal(Number(rows), spellings.length);
  // no arrest can be recorded by amending a refused attempt either
  assertProblem(await event('le_sup', c.id, { type: 'arrest', at: isoMinutesAgo(1), offense: 'PC 459', justification: JUSTIFY, amends: sup[0].id }), 422, 'amends');
});

test('age is taken on the county\'s local day of the act: 23:59 is 17, midnight is 18', async () => {
  // an 18th birthday 10 county days ago (never 29 February); its midnight in the county (the
  // offset of that midnight, not of noon: on a DST day they differ)
  let day = countyDate(Date.now(), -10);
  if (day.endsWith('-02-29')) day = countyDate(Date.now(), -11);
  const birth = `${Number(day.slice(0, 4)) - 18}${day.slice(4)}`;
  const midnight = Date.parse(countyInstant(day));
  const c = (await identify(srv.as('le'), { identified_at: iso(midnight - 2 * 86400000), youth: { birth_date: birth } })).json;
  // 23:59:59 in Los Angeles on the eve of the 18th birthday: already the birthday in UTC
  const eve = await event('le', c.id, { type: 'arrest', at: isoMinutesAgo(1), act_at: iso(midnight - 1000), offense: 'PC 647(b)', justification: JUSTIFY });
  assertProblem(eve, 422, 'offense');
  assert.match(eve.json.errors[0].message, /was 17 on the day of the act/);
  // at local midnight she is 18: recorded (a protocol deviation, prostitution-related)
  const ok = await event('le', c.id, { type: 'arrest', at: isoMinutesAgo(1), act_at: iso(midnight), offense: 'PC 647(b)', justification: JUSTIFY });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.event.age_at_act, 18);
  assert.equal(ok.json.event.minor, false);
  assert.equal(ok.json.event.prostitution_related, true);
  assert.equal(ok.json.event.act_date, day);
  assert.equal(ok.json.event.deviation, true);
});

test('unsure ages count as under 18; young children are victims too', async () => {
  for (const [youth, basis] of [[{ age_estimate: 19 }, /18 or 19 counts as under 18 until a birth date is verified/],
    [{ age_estimate: 6 }, /estimated age on the day of the act is 6/]]) {
    const c = (await identify(srv.as('le'), { youth })).json;
    assert.ok(c.id, JSON.stringify(c));
    const r = await event('le', c.id, { type: 'arrest', at: isoMinutesAgo(1), offense: 'PC 647(b)' });
    assertProblem(r, 422, 'offense');
    assert.match(r.json.errors[0].message, basis);
  }
  // an estimate of 17: another offence is accepted, with the reason it is counted as a minor's
  const c = (await identify(srv.as('le'), { youth: { age_estimate: 17 } })).json;
  const r = await event('le', c.id, { type: 'arrest', at: isoMinutesAgo(1), offense: 'PC 459', justification: JUSTIFY });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.event.minor, true);
  assert.equal(r.json.event.age_basis, 'estimate');
});

test('a repealed offence is refused for anyone; a bare PC 647 asks a minor\'s subdivision', async () => {
  const adult = (await identify(srv.as('le'), { youth: { age_estimate: 22 } })).json;
  const r = await event('le', adult.id, { type: 'arrest', at: isoMinutesAgo(1), offense: 'PC 653.22(a)', justification: JUSTIFY });
  assertProblem(r, 422, 'offense');
  assert.match(r.json.errors[0].message, /repealed from 2023-01-01/);
  const sup = (await srv.as('le_sup').get(`/api/v1/cases/${adult.id}/events`)).json.items;
  assert.equal(sup.find((e) => e.type === 'refused_arrest').refused, 'repealed');
  // an adult's prostitution arrest is recorded (a deviation), counted as prostitution-related
  const x = await event('le', adult.id, { type: 'arrest', at: isoMinutesAgo(1), offense: 'Penal Code 647(b)', justification: JUSTIFY });
  assert.equal(x.status, 201, x.text);
  assert.equal(x.json.event.prostitution_related, true);
  assert.equal(x.json.event.offense_cited, 'PC 647(b)');

  const minor = (await identify(srv.as('le'))).json;
  for (const offense of ['PC 647', 'Penal Code section 647', '647 P.C.']) {
    const b = await event('le', minor.id, { type: 'arrest', at: isoMinutesAgo(1), offense, justification: JUSTIFY });
    assertProblem(b, 422, 'offense');
    assert.match(b.json.errors[0].message, /give the subdivision/);
  }
  // asking for the subdivision records nothing
  const tl = (await srv.as('le_sup').get(`/api/v1/cases/${minor.id}/events`)).json.items;
  assert.ok(!tl.some((e) => e.type === 'arrest' || e.type === 'refused_arrest'));
  const f = await event('le', minor.id, { type: 'arrest', at: isoMinutesAgo(1), offense: 'PC 647(f)', justification: JUSTIFY });
  assert.equal(f.status, 201, f.text);
});

test('a justification must say something', async () => {
  const c = (await identify(srv.as('le'))).json;
  for (const justification of [' '.repeat(25), 'x'.repeat(20), 'n/a', 'asdf asdf asdf asdf asdf', '....................', 'test test test test']) {
    assertProblem(await event('le', c.id, { type: 'arrest', at: isoMinutesAgo(1), offense: 'PC 459', justification }), 422, 'justification');
    assertProblem(await event('cw', c.id, { type: 'placement', at: isoMinutesAgo(1), setting: 'detention', justification }), 422, 'justification');
  }
  assertProblem(await event('le', c.id, { type: 'arrest', at: isoMinutesAgo(1), offense: 'PC 459' }), 422, 'justification');
});

test('arrested first, recognised later: an arrest may precede the identification by the window', async () => {
  const t0 = Date.now() - 60 * 60000;
  const c = (await identify(srv.as('le'), { identified_at: iso(t0) })).json;
  const early = await event('le', c.id, { type: 'arrest', at: iso(t0 - 2 * 86400000), offense: 'PC 602', justification: JUSTIFY });
  assert.equal(early.status, 201, early.text);
  assert.equal(early.json.event.before_identification, true);
  assertProblem(await event('le', c.id, { type: 'arrest', at: iso(t0 - 31 * 86400000), offense: 'PC 602', justification: JUSTIFY }), 422, 'at');
  // the act comes before the arrest, never after it
  assertProblem(await event('le', c.id, { type: 'arrest', at: iso(t0), act_at: iso(t0 + 60000), offense: 'PC 602', justification: JUSTIFY }), 422, 'act_at');
  // other events still cannot precede the identification
  assertProblem(await event('cw', c.id, { type: 'placement', at: iso(t0 - 86400000), setting: 'foster' }), 422, 'at');
});

test('a placement described as juvenile hall or camp is a detention placement', async () => {
  const c = (await identify(srv.as('le'))).json;
  assertProblem(await event('cw', c.id, { type: 'placement', at: isoMinutesAgo(1), setting: 'other' }), 422, 'setting_detail');
  assertProblem(await event('cw', c.id, { type: 'placement', at: isoMinutesAgo(1), setting: 'other', setting_detail: 'Probation camp (synthetic)' }), 422, 'justification');
  const p = await event('cw', c.id, { type: 'placement', at: isoMinutesAgo(1), setting: 'other', setting_detail: 'Probation camp (synthetic)', justification: 'Synthetic: court order kept the youth at camp overnight' });
  assert.equal(p.status, 201, p.text);
  assert.equal(p.json.event.detention, true);
  const ok = await event('cw', c.id, { type: 'placement', at: isoMinutesAgo(1), setting: 'other', setting_detail: "Aunt's apartment" });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.event.detention, undefined);
  const view = (await srv.as('cw').get(`/api/v1/cases/${c.id}`)).json;
  assert.equal(view.deviations.filter((d) => d.type === 'placement').length, 1);
});

test('the county time zone is a checked setting, shown to the web app', async () => {
  const me = (await srv.as('le').get('/api/v1/me')).json;
  assert.equal(me.county.timezone, 'America/Los_Angeles');
  assert.match(me.county.abbreviation, /^P[SD]T$/);
  const t = tempDb();
  try {
    assert.equal(cli(['init', '--db', t.db]).status, 0);
    for (const bad of ['Mars/Olympus', '../../etc/passwd', 'America/Los Angeles', '']) {
      const r = cli(['settings', '--db', t.db, `county.timezone=${bad}`]);
      assert.equal(r.status, 1, bad);
      assert.match(r.stderr, /county\.timezone/);
    }
    assert.equal(cli(['settings', '--db', t.db, 'arrest.before_identification_days=abc']).status, 1);
    assert.equal(cli(['settings', '--db', t.db, 'nosuch.key=1']).status, 1);
    const ok = cli(['settings', '--db', t.db, 'county.timezone=America/New_York', 'arrest.before_identification_days=7']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /county\.timezone = America\/New_York\n/);
    assert.match(ok.stdout, /arrest\.before_identification_days = 7\n/);
    assert.match(ok.stdout, /report\.stability\.require = stable,not_detained,engaged \(default\)/);
    let tokens;
    const s = await startServer({ db: undefined, prepare: (db) => {
      cli(['settings', '--db', db, 'county.timezone=America/New_York']);
      tokens = seedCounty(db);
    } });
    try {
      const m = (await makeClient(s.url).useToken(tokens.le).get('/api/v1/me')).json;
      assert.equal(m.county.timezone, 'America/New_York');
      assert.match(m.county.abbreviation, /^E[SD]T$/);
    } finally {
      assert.equal(await s.stop(), 0);
    }
  } finally {
    t.cleanup();
  }
});

test('exploiters are counted as people: the person is sealed, a keyed hash tells them apart', async () => {
  const c = (await identify(srv.as('le'))).json;
  const a = await event('le', c.id, { type: 'exploiter_arrest', at: isoMinutesAgo(2), role: 'exploiter', person: 'Synthetic Person, 1990-01-01' });
  const b = await event('le', c.id, { type: 'exploiter_arrest', at: isoMinutesAgo(1), role: 'exploiter', person: 'synthetic person 1990 01 01' });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.event.person_key, b.json.event.person_key);
  assert.match(a.json.event.person_key, /^[0-9a-f]{64}$/);
  const raw = query(srv.db, `SELECT data FROM events WHERE id = ${a.json.event.id}`);
  assert.ok(!raw.includes('Synthetic Person'), 'the name is not stored in clear');
});

test('oversight lists every refused attempt; a station supervisor its own; others may not', async () => {
  const a = (await identify(srv.as('le'))).json;
  const b = (await identify(srv.as('le2'), { area: 'long_beach' })).json;
  assertProblem(await event('le', a.id, { type: 'arrest', at: isoMinutesAgo(1), offense: 'Sec. 647(b) P.C.' }), 422, 'offense');
  assertProblem(await event('le2', b.id, { type: 'arrest', at: isoMinutesAgo(1), offense: 'engaging in prostitution' }), 422, 'offense');
  // county days; from yesterday, for a run a minute after county midnight
  const range = `/api/v1/arrests/refused?from=${countyDate(Date.now(), -1)}&to=${countyDate(Date.now())}`;
  const all = await srv.as('oversight').get(range);
  assert.equal(all.status, 200, all.text);
  const seen = all.json.items.map((x) => x.case_id);
  assert.ok(seen.includes(a.id) && seen.includes(b.id));
  const item = all.json.items.find((x) => x.case_id === b.id);
  assert.equal(item.offense, 'engaging in prostitution');
  assert.equal(item.refused, 'sb1322');
  assert.equal(item.agency.name, 'City Police B');
  assert.equal(item.area, 'long_beach');
  assert.ok(!JSON.stringify(all.json).includes('Testa'), 'no names');
  const mine = (await srv.as('le_sup').get(range)).json.items;
  assert.ok(mine.some((x) => x.case_id === a.id));
  assert.ok(!mine.some((x) => x.case_id === b.id), 'another agency\'s attempts are not listed');
  for (const u of ['le', 'analyst', 'cw', 'admin']) assertProblem(await srv.as(u).get(range), 403);
  assertProblem(await srv.as('oversight').get('/api/v1/arrests/refused?from=2026-13-01&to=2026-12-01'), 422, 'from');
  const rows = query(srv.db, "SELECT outcome FROM audit WHERE action = 'arrests.refused.read'").split('\n');
  assert.ok(rows.includes('ok') && rows.includes('denied'));
});
