// The state's CSEC indicators and the federal counts (docs/report.md): a hand-built synthetic
// quarter whose indicator export and federal CSV are written out here in full, with a
// recovery at 20:00 Pacific on the quarter's last day (1 October in UTC); who may read them;
// the audit; the CLI gives the same bytes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, identify, assertProblem, cli, query } from './harness.mjs';

let srv;
const ids = {};

async function ev(user, id, body) {
  const r = await srv.as(user).post(`/api/v1/cases/${id}/events`, body);
  assert.equal(r.status, 201, `${body.type}: ${r.text}`);
  return r.json.event;
}

async function kase(key, body, user = 'le') {
  const r = await identify(srv.as(user), body, `state-${key}-${process.pid}`);
  assert.equal(r.status, 201, r.text);
  ids[key] = r.json.id;
}

const youthX = { birth_date: '2009-02-02', first_name: 'Statea', last_name: 'Knownanswer' };
const confirm = (b, i, w, r) => ({ type: 'csec_indicators', before_care: b, in_care: i, while_missing: w, at_risk: r });

before(async () => {
  // past records loaded now: no late-entry rule while they are
  srv = await startCounty({ prepare: (db) => assert.equal(cli(['settings', '--db', db, 'events.late_entry_minutes=0']).status, 0) });
  // R (June, the quarter before): youth X, a dependent, goes missing from care and stays missing
  await kase('R', { identified_at: '2025-06-01T17:00:00Z', area: 'compton', youth_status: 'dependent', youth: youthX });
  await ev('cw', ids.R, { type: 'missing_start', at: '2025-06-20T00:00:00Z' });
  // P: a dependent, 15; child welfare confirms: exploited in care, not at risk
  await kase('P', { identified_at: '2025-07-10T17:00:00Z', area: 'compton', youth_status: 'dependent', youth: { birth_date: '2010-03-01', first_name: 'Stateb', last_name: 'Knownanswer' } });
  await ev('adv', ids.P, { type: 'step_done', step: 'advocate_on_scene', at: '2025-07-10T18:00:00Z' });
  await ev('cw', ids.P, { at: '2025-07-20T16:00:00Z', ...confirm('no', 'yes', 'no', 'no') });
  await ev('le', ids.P, { type: 'exploiter_arrest', role: 'exploiter', person: 'Synthetic Exploiter Q3, 1991-01-01', at: '2025-07-25T00:00:00Z' });
  // V: a probation ward, about 16: the case decides nothing; advocate late
  await kase('V', { identified_at: '2025-07-15T20:00:00Z', area: 'compton', youth_status: 'probation', youth: { age_estimate: 16 } });
  await ev('adv', ids.V, { type: 'step_done', step: 'advocate_on_scene', at: '2025-07-15T22:00:00Z' });
  // Q: status unknown at the scene, then the hotline finds no open case; about 11
  await kase('Q', { identified_at: '2025-08-05T18:00:00Z', area: 'long_beach', youth_status: 'unknown', youth: { age_estimate: 11 } }, 'le2');
  await ev('cw', ids.Q, { type: 'status_determined', status: 'none', at: '2025-08-05T20:00:00Z' });
  await ev('le2', ids.Q, { type: 'exploiter_arrest', role: 'exploiter', person: 'synthetic exploiter q3 1991-01-01', at: '2025-08-10T00:00:00Z' });
  // W: an adult (about 19), in no one's care
  await kase('W', { identified_at: '2025-08-20T19:00:00Z', area: 'compton', youth_status: 'none', youth: { age_estimate: 19 } });
  // S: youth X recovered again while still missing from R's placement; child welfare
  // confirms, then corrects its confirmation (the correction is what counts)
  await kase('S', { identified_at: '2025-09-01T16:00:00Z', area: 'compton', youth_status: 'dependent', youth: youthX });
  const first = await ev('cw', ids.S, { at: '2025-09-02T18:00:00Z', ...confirm('unknown', 'yes', 'yes', 'unknown') });
  await ev('cw', ids.S, { at: '2025-09-03T18:00:00Z', amends: first.id, ...confirm('no', 'yes', 'yes', 'yes') });
  await ev('le', ids.S, { type: 'exploiter_arrest', role: 'buyer', at: '2025-09-05T00:00:00Z' });
  // T: 20:00 Pacific on 30 September (1 October in UTC): the third quarter's; about 17;
  // goes missing the next day
  await kase('T', { identified_at: '2025-10-01T03:00:00Z', area: 'long_beach', youth_status: 'dependent', youth: { age_estimate: 17 } }, 'le2');
  await ev('cw', ids.T, { type: 'missing_start', at: '2025-10-02T03:00:00Z' });
  // U: 01:00 Pacific on 1 October: the fourth quarter's
  await kase('U', { identified_at: '2025-10-01T08:00:00Z', area: 'compton', youth_status: 'dependent', youth: { age_estimate: 14 } });
  // a prosecution filed in the quarter (no recovery linked), convicted in the next one
  const p = await srv.as('pros').post('/api/v1/prosecutions', {
    court_case_number: `BA-STATE-${process.pid}`, court: 'Superior Court (synthetic)', charges: ['PC 236.1(c)'],
    filed_at: '2025-08-15T00:00:00Z', defendants: [{ role: 'exploiter', name: 'Synthetic Defendant State' }],
  });
  assert.equal(p.status, 201, p.text);
  const o = await srv.as('pros').post(`/api/v1/prosecutions/${p.json.id}/outcome`, { outcome: 'convicted', at: '2025-11-01T00:00:00Z' });
  assert.equal(o.status, 200, o.text);
});
after(async () => { assert.equal(await srv.stop(), 0); });

const Q3 = 'from=2025-07-01&to=2025-09-30';
const csv = (lines) => lines.map((l) => `${l}\r\n`).join('');

test('the indicator export: every recovery identified in the quarter, county days', async () => {
  const r = await srv.as('cw_sup').get(`/api/v1/reports/csec?${Q3}`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.match(r.headers.get('content-disposition'), /filename="csec-2025-07-01-2025-09-30\.csv"/);
  assert.equal(r.text, csv([
    'case_id,identified_on,youth_status,before_care,in_care,while_missing,at_risk,confirmed,confirmed_on,'
      + 'proposed_before_care,proposed_in_care,proposed_while_missing,proposed_at_risk,missing_at_identification,missing_episodes',
    `${ids.P},2025-07-10,dependent,no,yes,no,no,yes,2025-07-20,unknown,yes,no,unknown,no,0`,
    `${ids.V},2025-07-15,probation,unknown,unknown,unknown,unknown,no,,unknown,unknown,unknown,unknown,no,0`,
    `${ids.Q},2025-08-05,none,yes,no,no,unknown,no,,yes,no,no,unknown,no,0`,
    `${ids.W},2025-08-20,none,yes,no,no,unknown,no,,yes,no,no,unknown,no,0`,
    `${ids.S},2025-09-01,dependent,no,yes,yes,yes,yes,2025-09-03,unknown,yes,yes,yes,yes,0`,
    `${ids.T},2025-09-30,dependent,unknown,yes,unknown,yes,no,,unknown,yes,unknown,yes,no,1`,
  ]));
  // no names, no birth dates
  assert.doesNotMatch(r.text, /Knownanswer|Statea|2009-02-02|2010-03-01/);
  // the fourth quarter starts with U (01:00 Pacific on 1 October), not T
  const q4 = await srv.as('analyst').get('/api/v1/reports/csec?from=2025-10-01&to=2025-12-31');
  assert.equal(q4.status, 200, q4.text);
  assert.deepEqual(q4.text.trim().split('\r\n').slice(1).map((l) => l.split(',').slice(0, 2).join(',')), [`${ids.U},2025-10-01`]);
  // the command line gives the same bytes
  const c = cli(['report', 'csec', '--db', srv.db, '--from', '2025-07-01', '--to', '2025-09-30', '--format', 'csv']);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(c.stdout, r.text);
});

test('one case: the proposal beside child welfare\'s confirmation; the agencies that do not read the state section are refused', async () => {
  const r = await srv.as('cw').get(`/api/v1/cases/${ids.S}/csec`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.proposed, { before_care: 'unknown', in_care: 'yes', while_missing: 'yes', at_risk: 'yes' });
  const { event_id: eventId, at, ...values } = r.json.confirmed;
  assert.deepEqual(values, { before_care: 'no', in_care: 'yes', while_missing: 'yes', at_risk: 'yes' });
  assert.equal(at, '2025-09-03T18:00:00Z');
  assert.ok(eventId > 0);
  assert.deepEqual(r.json.facts, { youth_status: 'dependent', missing_at_identification: true, missing_episodes: 0 });
  const t = await srv.as('cw').get(`/api/v1/cases/${ids.T}/csec`);
  assert.equal(t.json.confirmed, null);
  // the advocate, law enforcement and probation take part but do not read the state section
  for (const user of ['adv', 'le', 'prob']) {
    const x = await srv.as(user).get(`/api/v1/cases/${ids.V}/csec`);
    assert.equal(x.status, 403, `${user}: ${x.text}`);
  }
  // nor the confirmation in the timeline
  const tl = await srv.as('le').get(`/api/v1/cases/${ids.P}/events`);
  assert.ok(!tl.json.items.some((e) => e.type === 'csec_indicators'));
  const cwTl = await srv.as('cw').get(`/api/v1/cases/${ids.P}/events`);
  assert.ok(cwTl.json.items.some((e) => e.type === 'csec_indicators' && e.section === 'state'));
});

test('only child welfare confirms; every value is yes, no or unknown; a refusal writes nothing', async () => {
  assertProblem(await srv.as('le').post(`/api/v1/cases/${ids.U}/events`, { at: '2025-10-02T00:00:00Z', ...confirm('no', 'yes', 'no', 'no') }), 403);
  assertProblem(await srv.as('cw').post(`/api/v1/cases/${ids.U}/events`, { at: '2025-10-02T00:00:00Z', ...confirm('no', 'maybe', 'no', 'no') }), 422, 'in_care');
  const partial = confirm('no', 'yes', 'no', 'no');
  delete partial.at_risk;
  assertProblem(await srv.as('cw').post(`/api/v1/cases/${ids.U}/events`, { at: '2025-10-02T00:00:00Z', ...partial }), 422, 'at_risk');
  const u = await srv.as('cw').get(`/api/v1/cases/${ids.U}/csec`);
  assert.equal(u.json.confirmed, null);
  // the confirmation does child welfare's protocol step
  const ok = await srv.as('cw').post(`/api/v1/cases/${ids.U}/events`, { at: '2025-10-02T00:00:00Z', ...confirm('no', 'yes', 'no', 'no') });
  assert.equal(ok.status, 201, ok.text);
  const step = ok.json.steps.find((s) => s.key === 'csec_indicators_documented');
  assert.equal(step?.state, 'done', JSON.stringify(ok.json.steps.map((s) => s.key)));
});

test('the federal counts: the Board\'s figures for the quarter, county total', async () => {
  const r = await srv.as('analyst').get(`/api/v1/reports/federal?${Q3}`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  const lines = r.text.split('\r\n');
  const p = '2025-07-01,2025-09-30';
  assert.deepEqual(lines.slice(0, 15), [
    'period_from,period_to,item,category,label,value,board_figure,board_measure,asked_by,definition',
    `${p},victims,recoveries,Recoveries (a youth recovered twice counts twice),6,recoveries,recoveries,TIMS HTRS,youth identified as suspected victims of commercial sexual exploitation in the period`,
    `${p},victims,new_victims,First recoveries (new victims),5,recoveries,first_recoveries,TIMS HTRS,recoveries that were the youth's first`,
    `${p},victims,re_recoveries,Re-recoveries,1,recoveries,re_recoveries,TIMS,recoveries of a youth recovered before`,
    `${p},victims,unique_youth,Youth identified (each once),6,youth,youth,TIMS HTRS,distinct youth recovered in the period`,
    `${p},victims_by_age,under_12,New victims under 12,1,age_at_first_recovery,under_12,TIMS HTRS,first recoveries by age at identification`,
    `${p},victims_by_age,12_to_17,New victims 12 to 17,3,age_at_first_recovery,12..17,TIMS HTRS,first recoveries by age at identification`,
    `${p},victims_by_age,18_or_older,New victims 18 or older,1,age_at_first_recovery,18_or_older,TIMS HTRS,first recoveries by age at identification`,
    `${p},victims_by_type,sex_trafficking_minor,"Sex trafficking, minor (new victims)",4,age_at_first_recovery,under_12..17,TIMS HTRS,every recovery is commercial sexual exploitation: sex trafficking of a minor under 18 at identification`,
    `${p},victims_by_type,sex_trafficking_adult,"Sex trafficking, adult (new victims)",1,age_at_first_recovery,18_or_older,TIMS HTRS,"a youth 18 or older at identification (an estimate, or a birth date verified later)"`,
    `${p},arrests,exploiter_arrests,Arrests of exploiters and buyers,3,exploiter_arrests,arrests,HTRS,exploiter_arrest events in the period`,
    `${p},arrests,exploiters_arrested,Exploiters arrested (people),1,exploiter_arrests,exploiters,HTRS,"each person once, by a keyed hash"`,
    `${p},arrests,buyers_arrested,Buyers arrested (people),1,exploiter_arrests,buyers,HTRS,"each person once, by a keyed hash"`,
    `${p},prosecutions,filed,Prosecutions filed,1,prosecutions_filed,prosecutions_filed,HTRS,prosecutions by filing date`,
    `${p},prosecutions,convictions,Convictions (convicted or a guilty plea),0,convictions,convictions,HTRS,prosecutions by the date of their outcome`,
  ]);
  // services: the advocate on scene for all six (P on time; V late; the rest never recorded)
  const adv = lines.filter((l) => l.includes(',services,advocate_on_scene,'));
  assert.deepEqual(adv.map((l) => l.split(',').slice(5, 8).join(',')), ['6,step.advocate_on_scene,due', '1,step.advocate_on_scene,on_time', '5,step.advocate_on_scene,late']);
  // the same figures as the Board report's
  const board = (await srv.as('analyst').get(`/api/v1/reports/board?${Q3}`)).json;
  const rec = board.figures.find((f) => f.key === 'recoveries');
  assert.equal(rec.values.current.all.recoveries, 6);
  const c = cli(['report', 'federal', '--db', srv.db, '--from', '2025-07-01', '--to', '2025-09-30']);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(c.stdout, r.text);
  assert.equal(cli(['report', 'federal', '--db', srv.db, '--from', '2025-07-01', '--to', '2025-09-30', '--public']).status, 2);
});

test('who may export: analysts and child welfare\'s supervisors (indicators), analysts and oversight (federal); audited', async () => {
  for (const [user, status] of [['cw', 403], ['oversight', 403], ['le_sup', 403], ['admin', 403], ['analyst', 200], ['cw_sup', 200]]) {
    const r = await srv.as(user).get(`/api/v1/reports/csec?${Q3}`);
    assert.equal(r.status, status, `csec ${user}: ${r.text}`);
  }
  for (const [user, status] of [['cw_sup', 403], ['le', 403], ['oversight', 200], ['analyst', 200]]) {
    const r = await srv.as(user).get(`/api/v1/reports/federal?${Q3}`);
    assert.equal(r.status, status, `federal ${user}: ${r.text}`);
  }
  assertProblem(await srv.as('analyst').get(`/api/v1/reports/csec?${Q3}&format=json`), 422, 'format');
  assertProblem(await srv.as('analyst').get('/api/v1/reports/csec?from=2025-07-01'), 422, 'to');
  assertProblem(await srv.as('analyst').get('/api/v1/reports/federal?from=2025-09-30&to=2025-07-01'), 422, 'to');
  const rows = query(srv.db, "SELECT action || '|' || outcome || '|' || coalesce(detail, '') FROM audit WHERE action IN ('report.csec', 'report.federal', 'csec.read') ORDER BY seq").split('\n');
  assert.ok(rows.includes('report.csec|ok|2025-07-01..2025-09-30 csv'));
  assert.ok(rows.includes('report.csec|denied|'));
  assert.ok(rows.includes('report.federal|ok|2025-07-01..2025-09-30 csv'));
  assert.ok(rows.includes('report.federal|denied|'));
  assert.ok(rows.some((x) => x.startsWith('csec.read|ok')));
  assert.equal(cli(['audit', 'verify', '--db', srv.db]).status, 0);
});
