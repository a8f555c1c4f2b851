// The Board report (docs/report.md): a known-answer dataset built through the API with
// its figures written out by hand; every format; public release; who may see it; the
// audit row; and the demo data's report in every format.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { startCounty, identify, assertProblem, cli, tempDb, BIN, invite, writePlan, query, withKeyFile, countyDate } from './harness.mjs';

let srv;
const ids = {};
const at = (iso, minutes) => new Date(Date.parse(iso) + minutes * 60000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const day = (offset) => countyDate(Date.now(), offset); // county days

async function ev(user, id, body) {
  const r = await srv.as(user).post(`/api/v1/cases/${id}/events`, body);
  assert.equal(r.status, 201, `${body.type} ${body.step ?? ''}: ${r.text}`);
  return r.json;
}

async function kase(user, key, body) {
  const r = await identify(srv.as(user), body, `report-${key}-${process.pid}`);
  assert.equal(r.status, 201, r.text);
  ids[key] = r.json.id;
  return r.json;
}

const A0 = '2025-01-10T10:00:00Z'; // compton, dependent, 14, female
const B0 = '2025-02-15T08:00:00Z'; // compton, probation ward, about 16, male
const C0 = '2025-03-01T12:00:00Z'; // long_beach, dependent, 13, gender not recorded
const D0 = '2024-12-01T00:00:00Z'; // previous period
const E0 = '2025-03-20T09:00:00Z'; // A's youth again: a re-recovery
const G0 = '2025-04-01T03:00:00Z'; // long_beach, about 17: 20:00 Pacific on 31 March, in the first quarter
const youthA = { birth_date: '2010-05-01', first_name: 'Report', last_name: 'Knownanswer', gender: 'female' };

before(async () => {
  // the known answers are past records loaded now: no late-entry rule while they are
  srv = await startCounty({ prepare: (db) => assert.equal(cli(['settings', '--db', db, 'events.late_entry_minutes=0']).status, 0) });
  // A: advocate on scene after 60 min (on time), hotline after 45 min (late: due 30 min)
  await kase('le', 'A', { identified_at: A0, area: 'compton', youth_status: 'dependent', youth: youthA });
  await ev('adv', ids.A, { type: 'step_done', step: 'advocate_on_scene', at: at(A0, 60) });
  await ev('le', ids.A, { type: 'step_done', step: 'hotline_report', at: at(A0, 45) });
  // a missing episode, every 24-hour report on time
  const mA = '2025-02-01T00:00:00Z';
  await ev('cw', ids.A, { type: 'missing_start', at: mA });
  for (const step of ['missing_report_le', 'missing_report_ncmec', 'missing_attorney_notice']) {
    await ev('cw', ids.A, { type: 'step_done', step, episode: 1, at: at(mA, 600) });
  }
  await ev('cw', ids.A, { type: 'missing_end', at: '2025-02-03T00:00:00Z' });
  // day 30 = 9 Feb: a check says stable, but the youth was missing in the 30 days before
  await ev('adv', ids.A, { type: 'stability_check', stable: true, safe_placement: true, engaged: true, at: '2025-02-09T10:00:00Z' });
  // the same exploiter arrested twice (the person written two ways): one person
  await ev('le', ids.A, { type: 'exploiter_arrest', role: 'exploiter', charge: 'PC 236.1', person: 'Synthetic Exploiter One, 1990-01-01', at: '2025-01-20T00:00:00Z' });
  await ev('le', ids.A, { type: 'exploiter_arrest', role: 'exploiter', charge: 'PC 266h', person: 'synthetic  exploiter one 1990-01-01', at: '2025-02-20T00:00:00Z' });
  // an attempted prostitution arrest of the 14-year-old: refused, and counted
  const refused = await srv.as('le').post(`/api/v1/cases/${ids.A}/events`, { type: 'arrest', offense: 'CPC 647(b)', at: '2025-01-15T00:00:00Z' });
  assertProblem(refused, 422, 'offense');

  // B: advocate after 120 min (late), hotline after 10 min (on time), a detention placement
  await kase('le', 'B', { identified_at: B0, area: 'compton', youth_status: 'probation', youth: { age_estimate: 16, gender: 'male' } });
  await ev('adv', ids.B, { type: 'step_done', step: 'advocate_on_scene', at: at(B0, 120) });
  await ev('le', ids.B, { type: 'step_done', step: 'hotline_report', at: at(B0, 10) });
  await ev('prob', ids.B, { type: 'placement', setting: 'detention', justification: 'Synthetic: no other secure bed that night', at: at(B0, 300) });
  // day 30 = 17 Mar: stable; a missing episode after the check, only one report on time
  await ev('prob', ids.B, { type: 'placement', setting: 'foster', at: at(B0, 3 * 1440) });
  await ev('adv', ids.B, { type: 'stability_check', stable: true, engaged: true, at: '2025-03-17T08:00:00Z' });
  const mB = '2025-03-20T00:00:00Z';
  await ev('prob', ids.B, { type: 'missing_start', at: mB });
  await ev('prob', ids.B, { type: 'step_done', step: 'missing_report_le', episode: 1, at: at(mB, 60) });
  await ev('prob', ids.B, { type: 'missing_end', at: '2025-03-21T00:00:00Z' });

  // C: advocate after 30 min, hotline never recorded, no stability check, an arrest and a buyer
  await kase('le2', 'C', { identified_at: C0, area: 'long_beach', youth_status: 'dependent', youth: { birth_date: '2012-01-01' } });
  await ev('adv', ids.C, { type: 'step_done', step: 'advocate_on_scene', at: at(C0, 30) });
  await ev('le2', ids.C, { type: 'arrest', offense: 'PC 459', justification: 'Synthetic: burglary warrant from another county', at: '2025-03-05T00:00:00Z' });
  // arrested first (two days before the identification), recognised as a victim later
  await ev('le2', ids.C, { type: 'arrest', offense: 'PC 602', justification: 'Synthetic: trespass arrest before she was identified as a victim', at: '2025-02-27T12:00:00Z' });
  assertProblem(await srv.as('le2').post(`/api/v1/cases/${ids.C}/events`, { type: 'arrest', offense: 'Pen. Code, § 653.22, subd. (a)', at: '2025-03-05T01:00:00Z' }), 422, 'offense');
  await ev('le2', ids.C, { type: 'exploiter_arrest', role: 'buyer', at: '2025-03-10T00:00:00Z' });
  // "other: juvenile hall" is a detention placement; then a relative's home
  await ev('cw', ids.C, { type: 'placement', setting: 'other', setting_detail: 'Juvenile hall (synthetic)', justification: 'Synthetic: no bed anywhere else that night, reviewed next morning', at: '2025-03-06T00:00:00Z' });
  await ev('cw', ids.C, { type: 'placement', setting: 'relative', at: '2025-03-08T00:00:00Z' });
  await ev('adv', ids.C, { type: 'stability_check', stable: true, engaged: true, at: '2025-03-25T18:00:00Z' });

  // D: the previous period; hotline on time
  await kase('le', 'D', { identified_at: D0, area: 'compton', youth_status: 'dependent', youth: { age_estimate: 15 } });
  await ev('le', ids.D, { type: 'step_done', step: 'hotline_report', at: at(D0, 20) });

  // E: A's youth recovered again; nothing done since
  await kase('le', 'E', { identified_at: E0, area: 'compton', youth_status: 'dependent', youth: youthA });
  // G: an evening recovery on the quarter's last day (1 April in UTC)
  await kase('le2', 'G', { identified_at: G0, area: 'long_beach', youth_status: 'dependent', youth: { age_estimate: 17 } });

  // a prosecution filed in the period with A as its minor witness, then a conviction
  const p = await srv.as('pros').post('/api/v1/prosecutions', {
    court_case_number: `BA-REPORT-${process.pid}`, court: 'Superior Court (synthetic)', charges: ['PC 236.1(c)'],
    filed_at: '2025-02-01T00:00:00Z', defendants: [{ role: 'exploiter', name: 'Synthetic Defendant Report' }],
  });
  assert.equal(p.status, 201, p.text);
  await invite(srv, 'le', ids.A, 'pros');
  const w = await srv.as('pros').post(`/api/v1/prosecutions/${p.json.id}/witnesses`, { case_id: ids.A });
  assert.equal(w.status, 201, w.text);
  const o = await srv.as('pros').post(`/api/v1/prosecutions/${p.json.id}/outcome`, { outcome: 'convicted', at: '2025-03-15T00:00:00Z' });
  assert.equal(o.status, 200, o.text);
  // the witness (listed today): an advocate, a signed safety plan, a CCTV motion filed
  const me = (await srv.as('adv').get('/api/v1/me')).json.user;
  await ev('adv', ids.A, { type: 'witness_advocate', witness_id: w.json.id, user_id: me.id, at: nowIso() });
  await writePlan(srv, 'adv', ids.A, w.json.id);
  await ev('pros', ids.A, { type: 'safety_plan_signoff', witness_id: w.json.id, at: nowIso() });
  await ev('pros', ids.A, { type: 'cctv_motion', witness_id: w.json.id, rule: 'PC 1347.1', outcome: 'filed', at: nowIso() });
});
after(async () => { assert.equal(await srv.stop(), 0); });

const Q1 = '/api/v1/reports/board?from=2025-01-01&to=2025-03-31';
const fig = (r, key) => {
  const f = r.figures.find((x) => x.key === key);
  assert.ok(f, `figure ${key}`);
  assert.ok(f.definition.length > 40, `${key} carries its definition`);
  assert.ok(f.basis.length > 10, `${key} says what it is counted by`);
  return f;
};
const all = (r, key, period = 'current') => fig(r, key).values[period].all;
const group = (r, label) => r.groups.find((g) => g.label === label)?.key;

test('known answers: recoveries, youth, age, gender, arrests, detention', async () => {
  const res = await srv.as('analyst').get(Q1);
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const r = res.json;
  assert.deepEqual(r.period, { from: '2025-01-01', to: '2025-03-31', days: 90 });
  assert.deepEqual(r.previous_period, { from: '2024-10-03', to: '2024-12-31', days: 90 });
  assert.equal(r.release, 'internal');
  // G, identified at 20:00 Pacific on 31 March, belongs to the first quarter (county days)
  assert.deepEqual(all(r, 'recoveries'), { recoveries: 5, first_recoveries: 4, re_recoveries: 1 });
  assert.deepEqual(all(r, 'recoveries', 'previous'), { recoveries: 1, first_recoveries: 1, re_recoveries: 0 });
  assert.deepEqual(all(r, 'youth'), { youth: 4 });
  const age = all(r, 'age_at_first_recovery');
  assert.equal(age.mean, 15.0); // (14 + 16 + 13 + 17) / 4
  assert.equal(age.youngest, 13);
  assert.equal(age['13'] + age['14'] + age['16'] + age['17'], 4);
  assert.deepEqual(all(r, 'gender'), { female: 1, male: 1, '(not recorded)': 2 });
  // C: 13, arrested twice (once two days before her identification); the refused
  // attempts (A: "CPC 647(b)", C: "Pen. Code, § 653.22, subd. (a)") are not arrests
  assert.deepEqual(all(r, 'victim_arrests'), { prostitution_related: 0, other_offences: 2, of_minors: 2, of_18_or_older: 0, arrests: 2 });
  assert.deepEqual(all(r, 'refused_arrests'), { prostitution_of_minors: 2, repealed_offence: 0, refused: 2 });
  // B's detention, and C's "other: juvenile hall"
  assert.deepEqual(all(r, 'detention_placements'), { detention_placements: 2 });
  // by area and by identifying agency
  const rec = fig(r, 'recoveries').values.current;
  assert.equal(rec['area:compton'].recoveries, 3);
  assert.equal(rec['area:long_beach'].recoveries, 2);
  assert.equal(rec[group(r, 'Sheriff Station A')].recoveries, 3);
  assert.equal(rec[group(r, 'City Police B')].recoveries, 2);
  // the months are the county's: G is in March
  assert.match(r.recoveries_per_month.definition, /county time/);
  assert.deepEqual(r.recoveries_per_month.months.find((x) => x.month === '2025-03' && x.period === 'current'),
    { month: '2025-03', period: 'current', recoveries: 3 });
  // and the next quarter does not have it
  const q2 = (await srv.as('analyst').get('/api/v1/reports/board?from=2025-04-01&to=2025-06-30')).json;
  assert.deepEqual(all(q2, 'recoveries'), { recoveries: 0, first_recoveries: 0, re_recoveries: 0 });
  assert.equal(fig(r, 'youth').values.current['area:compton'].youth, 2); // A's youth counted once
});

test('known answers: step timeliness, medians, missing reports, stability, exploiters, court', async () => {
  const r = (await srv.as('analyst').get(Q1)).json;
  // advocate: 60 (on time), 120 (late), 30 (on time), E and G pending past due
  assert.deepEqual(all(r, 'step.advocate_on_scene'), {
    due: 5, on_time: { numerator: 2, denominator: 5, percent: 40.0 }, median: 3600, p90: 7200,
  });
  // hotline: 45 min (late), 10 min (on time), C, E and G never done; nearest-rank of 600, 2700
  assert.deepEqual(all(r, 'step.hotline_report'), {
    due: 5, on_time: { numerator: 1, denominator: 5, percent: 20.0 }, median: 600, p90: 2700,
  });
  assert.deepEqual(all(r, 'step.hotline_report', 'previous'), {
    due: 1, on_time: { numerator: 1, denominator: 1, percent: 100.0 }, median: 1200, p90: 1200,
  });
  // witness items are not protocol steps
  assert.ok(!r.figures.some((f) => f.key === 'step.witness_advocate'));
  assert.deepEqual(all(r, 'missing_episodes'), { episodes: 2, reports_on_time: { numerator: 1, denominator: 2, percent: 50.0 } });
  // day 30: A missing in the 30 days before its check; B stable and engaged, in foster care
  // after a detention; C stable and engaged, with a relative after juvenile hall
  assert.deepEqual(all(r, 'stability_30d'), { recoveries: 3, stable: { numerator: 2, denominator: 3, percent: 66.7 }, no_check: 0 });
  assert.match(r.stability_definition, /stable: true, engaged \(with the advocate\): true; the latest placement recorded by that check was not a detention setting; no missing-from-care episode overlapped the 30 days/);
  // currently stable, at the end of March: A's youth recovered again (E) after her check;
  // B missing since his; C stable; G no check
  assert.deepEqual(all(r, 'currently_stable'), { youth: 4, stable: { numerator: 1, denominator: 4, percent: 25.0 }, no_recent_check: 1 });
  assert.deepEqual(all(r, 'currently_stable', 'previous'), { youth: 1, stable: { numerator: 0, denominator: 1, percent: 0.0 }, no_recent_check: 1 });
  // people, not arrests: one exploiter arrested twice, one buyer
  assert.deepEqual(all(r, 'exploiter_arrests'), { exploiters: 1, buyers: 1, people: 2, arrests: 3 });
  assert.deepEqual(all(r, 'prosecutions_filed'), { filed: 1 });
  assert.deepEqual(all(r, 'convictions'), { convictions: 1 });
  assert.equal(fig(r, 'prosecutions_filed').values.current['area:compton'].filed, 1);
  // listed today: the witness figures count by listing date
  const t = (await srv.as('analyst').get(`/api/v1/reports/board?from=${day(-1)}&to=${day(0)}`)).json;
  assert.deepEqual(all(t, 'minor_witnesses'), {
    listed: 1, with_advocate: { numerator: 1, denominator: 1, percent: 100.0 },
    with_safety_plan: { numerator: 1, denominator: 1, percent: 100.0 }, cctv_filed: 1, cctv_granted: 0,
  });
});

test('one area; the same data gives the same bytes', async () => {
  const a = (await srv.as('analyst').get(`${Q1}&area=long_beach`)).json;
  assert.equal(a.area, 'long_beach');
  assert.deepEqual(all(a, 'recoveries'), { recoveries: 2, first_recoveries: 2, re_recoveries: 0 });
  assert.deepEqual(all(a, 'prosecutions_filed'), { filed: 0 });
  for (const f of ['json', 'csv', 'html']) {
    const x = await srv.as('analyst').get(`${Q1}&format=${f}`);
    const y = await srv.as('oversight').get(`${Q1}&format=${f}`);
    assert.equal(x.status, 200);
    assert.equal(x.text, y.text, `${f} is deterministic`);
  }
});

test('CSV and HTML', async () => {
  const c = await srv.as('analyst').get(`${Q1}&format=csv`);
  assert.equal(c.status, 200);
  assert.match(c.headers.get('content-type'), /^text\/csv/);
  assert.match(c.headers.get('content-disposition'), /attachment; filename="board-2025-01-01-2025-03-31.csv"/);
  const lines = c.text.trim().split('\r\n');
  assert.match(lines[0], /^section,figure,title,measure,label,breakdown,group,group_label,period,period_from,period_to,value,display/);
  assert.ok(lines.some((l) => l.startsWith('Youth and recoveries,recoveries,Recoveries and re-recoveries,recoveries,' +
    'Recoveries,all,all,All areas,current,2025-01-01,2025-03-31,5,5,,,Counted by the day')));
  assert.ok(lines.some((l) => l.includes(',step.advocate_on_scene,') && l.includes(',on_time,') && l.includes(',current,') && l.includes(',40.0,40.0%,2,5,')));
  const h = await srv.as('analyst').get(`${Q1}&format=html`);
  assert.equal(h.status, 200);
  assert.match(h.headers.get('content-type'), /^text\/html/);
  assert.match(h.headers.get('content-security-policy'), /default-src 'none'/);
  assert.match(h.text, /^<!DOCTYPE html>/);
  assert.equal((h.text.match(/<svg /g) ?? []).length, 3);
  assert.match(h.text, /<title id="chart-months-t">Recoveries per month<\/title>/);
  assert.ok(!/<script|<link |src="http|href="http/.test(h.text), 'self-contained');
  assert.ok(!h.text.includes('Knownanswer') && !h.text.includes('Synthetic Defendant'), 'no names');
  // the charts alone, for the web app: the page's own SVG, as one XHTML element, audited like the rest
  const ch = await srv.as('analyst').get(`${Q1}&format=charts`);
  assert.equal(ch.status, 200, ch.text);
  assert.match(ch.headers.get('content-type'), /^application\/xhtml\+xml/);
  assert.match(ch.text, /^<div xmlns="http:\/\/www.w3.org\/1999\/xhtml" class="charts"><figure><svg /);
  assert.equal((ch.text.match(/<svg /g) ?? []).length, 3);
  for (const svg of ch.text.match(/<svg [\s\S]*?<\/svg>/g)) assert.ok(h.text.includes(svg), 'the same chart as the page');
  assert.ok(!/&[a-z]+;/.test(ch.text.replace(/&(amp|lt|gt|quot);/g, '')), 'well-formed XML: no HTML entities');
  const audited = query(srv.db, "SELECT detail FROM audit WHERE action = 'report.board'");
  assert.match(audited, /^2025-01-01\.\.2025-03-31 charts internal$/m);
  assertProblem(await srv.as('analyst').get(`${Q1}&format=svg`), 422, 'format');
});

test('public release: 1-10, small areas folded, complementary suppression', async () => {
  const r = (await srv.as('analyst').get(`${Q1}&public=1`)).json;
  assert.equal(r.release, 'public');
  assert.equal(r.suppression.applied, true);
  const keys = r.groups.map((g) => g.key);
  assert.ok(!keys.includes('area:compton') && !keys.includes('area:long_beach'), keys.join());
  assert.ok(keys.includes('area:(other)'));
  assert.equal(all(r, 'recoveries').recoveries, '1-10');
  assert.equal(all(r, 'detention_placements').detention_placements, '1-10');
  assert.equal(all(r, 'victim_arrests').prostitution_related, 0);
  assert.equal(all(r, 'step.advocate_on_scene').median, 'suppressed');
  const h = await srv.as('analyst').get(`${Q1}&public=1&format=html`);
  assert.match(h.text, /Public release/);
  assert.match(h.text, />1-10</);
  assert.ok(!h.text.includes('>compton<'));
  // a small area asked for by name is not released publicly
  assertProblem(await srv.as('analyst').get(`${Q1}&public=1&area=compton`), 422, 'area');
});

test('who may see it: analysts, supervisors, oversight; audited', async () => {
  for (const u of ['analyst', 'le_sup', 'oversight']) assert.equal((await srv.as(u).get(Q1)).status, 200, u);
  for (const u of ['le', 'adv', 'admin']) assertProblem(await srv.as(u).get(Q1), 403);
  // small counts are for county-wide roles: an agency's supervisor gets the small-cell rule,
  // however narrowly it asks (an area, a day), so a count cannot point at another agency's case
  assert.equal((await srv.as('analyst').get(Q1)).json.release, 'internal');
  assert.equal((await srv.as('oversight').get(Q1)).json.release, 'internal');
  assert.equal((await srv.as('le_sup').get(Q1)).json.release, 'public');
  assertProblem(await srv.as('le_sup').get(`${Q1}&area=compton`), 422, 'area');
  const oneDay = (await srv.as('cw_sup').get('/api/v1/reports/board?from=2025-01-10&to=2025-01-10')).json;
  assert.equal(oneDay.release, 'public');
  assert.equal(all(oneDay, 'recoveries').recoveries, '1-10', 'the one recovery that day is not a count of one');
  assertProblem(await srv.as('analyst').get('/api/v1/reports/board?from=2025-01-01'), 422, 'to');
  assertProblem(await srv.as('analyst').get('/api/v1/reports/board?from=2025-02-30&to=2025-03-01'), 422, 'from');
  assertProblem(await srv.as('analyst').get('/api/v1/reports/board?from=2025-03-01&to=2025-01-01'), 422, 'to');
  assertProblem(await srv.as('analyst').get(`${Q1}&format=pdf`), 422, 'format');
  assertProblem(await srv.as('analyst').get(`${Q1}&area=Compton%20Station`), 422, 'area');
  assert.equal((await makeAnon().get(Q1)).status, 401);
  const rows = query(srv.db, "SELECT outcome || '|' || coalesce(detail, '') FROM audit WHERE action = 'report.board' ORDER BY seq").split('\n');
  assert.ok(rows.includes('ok|2025-01-01..2025-03-31 json internal'), rows.join('\n'));
  assert.ok(rows.includes('ok|2025-01-01..2025-03-31 json public'));
  assert.ok(rows.some((x) => x.startsWith('denied|')));
  assert.equal(cli(['audit', 'verify', '--db', srv.db]).status, 0);
});

function makeAnon() {
  return { get: (p) => fetch(srv.url + p) };
}

// the command line, with room for a large report
function run(args) {
  const r = spawnSync(BIN, withKeyFile(args), { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the demo data renders in every format from the command line', () => {
  const t = tempDb();
  try {
    assert.equal(cli(['init', '--db', t.db]).status, 0);
    const d = cli(['demo', '--db', t.db]);
    assert.equal(d.status, 0, d.stderr);
    const args = ['report', 'board', '--db', t.db, '--from', day(-300), '--to', day(0)];
    const j = run([...args, '--format', 'json']);
    assert.equal(j.status, 0, j.stderr);
    const r = JSON.parse(j.stdout);
    assert.ok(all(r, 'recoveries').recoveries >= 30, j.stdout.slice(0, 400));
    assert.ok(r.figures.length > 20);
    const c = run([...args, '--format', 'csv']);
    assert.equal(c.status, 0, c.stderr);
    const lines = c.stdout.trim().split('\r\n');
    assert.match(lines[0], /^section,figure,title,measure/);
    assert.ok(lines.length > 500);
    const h = run([...args, '--format', 'html', '--public']);
    assert.equal(h.status, 0, h.stderr);
    assert.equal((h.stdout.match(/<svg /g) ?? []).length, 3);
    assert.match(h.stdout, /1-10/);
    assert.equal(run([...args, '--format', 'json']).stdout, j.stdout, 'deterministic');
    assert.equal(cli(['report', 'board', '--db', t.db, '--from', day(0)]).status, 2);
    assert.equal(cli(['report', 'board', '--db', t.db, '--from', day(0), '--to', day(0), '--format', 'pdf']).status, 2);
    // the stability definition is a setting, printed with the figure
    const s = cli(['report', 'settings', '--db', t.db, 'report.stability.require=stable,engaged']);
    assert.equal(s.status, 0, s.stderr);
    assert.match(s.stdout, /report.stability.require = stable,engaged\n/);
    assert.match(run([...args]).stdout, /records stable: true, engaged \(with the advocate\): true/);
    assert.equal(cli(['report', 'settings', '--db', t.db, 'report.stability.require=happy']).status, 1);
    assert.equal(cli(['report', 'settings', '--db', t.db, 'report.nosuch=1']).status, 1);
  } finally {
    t.cleanup();
  }
});

// The stability figures read the checks, placements and missing episodes kept as they stand
// (schema 16, kept by triggers on the timeline): a correction replaces what it amends.
test('a corrected stability check or placement counts as corrected, at day 30 and currently', async () => {
  const s = await startCounty({ prepare: (db) => assert.equal(cli(['settings', '--db', db, 'events.late_entry_minutes=0']).status, 0) });
  try {
    const k = await identify(s.as('le'), { identified_at: A0, area: 'compton', youth_status: 'dependent', youth: { age_estimate: 15 } }, `report-amend-${process.pid}`);
    assert.equal(k.status, 201, k.text);
    const post = async (user, body) => {
      const r = await s.as(user).post(`/api/v1/cases/${k.json.id}/events`, body);
      assert.equal(r.status, 201, r.text);
      return r.json.event.id;
    };
    // [stable at day 30, currently stable at the end of March]
    const stable = async () => {
      const r = (await s.as('analyst').get(Q1)).json;
      return [all(r, 'stability_30d').stable.numerator, all(r, 'currently_stable').stable.numerator];
    };
    const check = await post('adv', { type: 'stability_check', stable: false, engaged: true, at: '2025-02-09T10:00:00Z' });
    assert.deepEqual(await stable(), [0, 0]);
    await post('adv', { type: 'stability_check', stable: true, engaged: true, at: '2025-02-09T10:00:00Z', amends: check });
    assert.deepEqual(await stable(), [1, 1]);
    const placed = await post('cw', { type: 'placement', setting: 'other', setting_detail: 'Juvenile hall (synthetic)', justification: 'Synthetic: no bed anywhere else that night', at: '2025-02-01T00:00:00Z' });
    assert.deepEqual(await stable(), [0, 0]);
    await post('cw', { type: 'placement', setting: 'relative', at: '2025-02-01T00:00:00Z', amends: placed });
    assert.deepEqual(await stable(), [1, 1]);
    const gone = await post('cw', { type: 'missing_start', at: '2025-01-25T00:00:00Z' });
    assert.deepEqual(await stable(), [0, 0]);
    // corrected to after the check, and over a month before the end of March
    await post('cw', { type: 'missing_start', at: '2025-02-20T00:00:00Z', amends: gone });
    await post('cw', { type: 'missing_end', at: '2025-02-21T00:00:00Z' });
    assert.deepEqual(await stable(), [1, 1]);
  } finally {
    assert.equal(await s.stop(), 0);
  }
});
