// Several protocols on one server (docs/protocols.md): each area's new cases run under its
// own protocol (protocol_areas), the others under the default; a case keeps its protocol
// when the mapping changes; the files are checked at start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCounty, serve, makeClient, identify, cli, countyDate, invite } from './harness.mjs';

const SF = 'protocols/sf-csec-mdt.protocol';
const plus = (iso, s) => new Date(Date.parse(iso) + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const step = (c, key) => c.steps.find((s) => s.key === key);
const WA = 'protocols/wa-missing-from-care.protocol';
const TX = 'protocols/tx-dfps-care-coordination.protocol';
const hoursAgo = (h) => new Date(Date.now() - h * 3600e3).toISOString().replace(/\.\d{3}Z$/, 'Z');

// A county whose area long_beach runs under `file` (compton under the default, LA's).
async function withLongBeach(file, check) {
  const srv = await startCounty({ args: ['--protocol-areas', `long_beach=${file}`] });
  try {
    await check(srv);
  } finally {
    assert.equal(await srv.stop(), 0);
  }
}

test('an area runs under its own protocol, the others under the default; GET /api/v1/protocols lists both', async () => {
  await withLongBeach(SF, async (srv) => {
    // identified at 01:10 Pacific on a Saturday in March, the night before the clocks go forward
    const at = '2026-03-07T09:10:00Z';
    const lb = await identify(srv.as('le2'), { area: 'long_beach', identified_at: at });
    assert.equal(lb.status, 201, lb.text);
    assert.equal(lb.json.protocol.name, 'sf-csec-mdt');
    assert.equal(step(lb.json, 'triage_call').due_at, plus(at, 2 * 3600));
    assert.equal(step(lb.json, 'triage_call').owner, 'child_welfare');
    assert.equal(step(lb.json, 'ongoing_mdt').due_at, plus(at, 14 * 86400));
    assert.equal(step(lb.json, 'hotline_report'), undefined);

    const cp = await identify(srv.as('le'), { area: 'compton', identified_at: at });
    assert.equal(cp.status, 201, cp.text);
    assert.equal(cp.json.protocol.name, 'la-county-frp');
    assert.equal(step(cp.json, 'hotline_report').due_at, plus(at, 30 * 60));
    assert.equal(step(cp.json, 'triage_call'), undefined);

    // read back: the case view names the protocol it is pinned to
    const again = await srv.as('le2').get(`/api/v1/cases/${lb.json.id}`);
    assert.equal(again.json.protocol.name, 'sf-csec-mdt');

    const list = await srv.as('cw').get('/api/v1/protocols');
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json.default, 'la-county-frp');
    const byName = Object.fromEntries(list.json.items.map((p) => [p.name, p]));
    assert.deepEqual(byName['sf-csec-mdt'].areas, ['long_beach']);
    assert.equal(byName['sf-csec-mdt'].default, false);
    assert.equal(byName['sf-csec-mdt'].version, '2026.1');
    assert.deepEqual(byName['la-county-frp'].areas, []);
    assert.equal(byName['la-county-frp'].default, true);
  });
});

test('a case keeps its protocol when the mapping changes; new cases follow the new mapping', async () => {
  const srv = await startCounty({ args: ['--protocol-areas', `long_beach=${SF}`] });
  const first = await identify(srv.as('le2'), { area: 'long_beach' });
  assert.equal(first.status, 201, first.text);
  const triage = step(first.json, 'triage_call').due_at;
  assert.equal(await srv.stop({ keep: true }), 0);
  const again = await serve(srv.db); // no mapping any more: every area runs the default
  try {
    const le2 = makeClient(again.url).useToken(srv.tokens.le2);
    const old = await le2.get(`/api/v1/cases/${first.json.id}`);
    assert.equal(old.json.protocol.name, 'sf-csec-mdt');
    assert.equal(step(old.json, 'triage_call').due_at, triage);
    const next = await identify(le2, { area: 'long_beach' });
    assert.equal(next.json.protocol.name, 'la-county-frp');
    const list = await le2.get('/api/v1/protocols');
    assert.deepEqual(list.json.items.map((p) => p.name), ['la-county-frp']);
  } finally {
    assert.equal(await again.stop(), 0);
    srv.cleanup();
  }
});

test('serve refuses a mapping whose file does not parse (FILE:LINE) or that is malformed, and starts nothing', async () => {
  const srv = await startCounty();
  assert.equal(await srv.stop({ keep: true }), 0);
  const dir = mkdtempSync(join(tmpdir(), 'sh-zone-'));
  const zoned = { zone: join(dir, 'zone.protocol'), days: join(dir, 'days.protocol') };
  const header = (zone, days) => `protocol zoned\nversion 1\neffective 2026-01-01\ntimezone ${zone}\nholidays ${days}\n` +
    'step a\n  title A\n  owner law_enforcement\n  due identified + 1bd\n  source synthetic\n';
  writeFileSync(join(dir, 'ok.holidays'), '2026-11-26 Thanksgiving Day\n');
  writeFileSync(zoned.zone, header('America/Springfield', 'ok.holidays'));
  writeFileSync(zoned.days, header('America/Chicago', 'none.holidays'));
  try {
    const bad = 'tests/protocols/bad/age-contradiction.protocol';
    const cases = [
      [`long_beach=${bad}`, `${bad}:11: the condition can never hold`],
      ['long_beach', "protocol_areas: 'long_beach' is not AREA[,AREA...]=FILE"],
      [`Long Beach=${SF}`, "protocol_areas: 'Long Beach' is not an area code"],
      [`long_beach=${SF};long_beach,compton=${SF}`, 'protocol_areas: area long_beach is given twice'],
      ['long_beach=/nonexistent/x.protocol', '/nonexistent/x.protocol'],
      [`long_beach=${zoned.zone}`, `${zoned.zone}:4: unknown time zone 'America/Springfield'`],
      [`long_beach=${zoned.days}`, `${zoned.days}:5: the holiday file: `],
    ];
    for (const [areas, message] of cases) {
      const r = cli(['serve', '--db', srv.db, '--listen', '127.0.0.1:0', '--protocol-areas', areas]);
      assert.equal(r.status, 1, `${areas}: ${r.stderr}`);
      assert.ok(r.stderr.includes(message), `${areas}: ${r.stderr}`);
      assert.doesNotMatch(r.stdout, /listening/);
    }
  } finally {
    srv.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("each case's deadlines count in its protocol's own zone and holidays: Texas (Central, its holidays) beside LA (the county's)", async () => {
  await withLongBeach(TX, async (srv) => {
    // 07:00 UTC on Wednesday 2026-11-25: 01:00 that Wednesday in Chicago, still 23:00 on
    // Tuesday the 24th in Los Angeles (the county's zone); Thursday 26 and Friday 27 are
    // Texas state holidays (protocols/holidays/texas-state-2026.holidays), and the county
    // has no holiday file
    const at = '2026-11-25T07:00:00Z';
    const le2 = srv.as('le2');
    const tx = await identify(le2, { area: 'long_beach', identified_at: plus(at, -3600) });
    assert.equal(tx.status, 201, tx.text);
    assert.equal(tx.json.protocol.name, 'tx-dfps-care-coordination');
    for (const body of [{ type: 'missing_start', at: plus(at, -1800) }, { type: 'missing_end', at }]) {
      const r = await le2.post(`/api/v1/cases/${tx.json.id}/events`, body);
      assert.equal(r.status, 201, r.text);
    }
    const c = (await le2.get(`/api/v1/cases/${tx.json.id}`)).json;
    // "by 7 pm the next calendar day": Thursday 26 at 19:00 CST (in the county's zone it
    // would be Wednesday 25 at 19:00 PST, 2026-11-26T03:00:00Z)
    assert.equal(step(c, 'placement_status_updated').due_at, '2026-11-27T01:00:00Z');
    // "on the first business day": after Wednesday, skipping the two holidays and the
    // weekend, the end of Monday 30 in Chicago (the county's calendar: the end of Wednesday
    // 25 in Los Angeles, 2026-11-26T07:59:59Z)
    assert.equal(step(c, 'on_call_tasks_confirmed').due_at, '2026-12-01T05:59:59Z');
    // within two business days: the end of Tuesday, December 1st, Central time
    assert.equal(step(c, 'first_business_days_tasks').due_at, '2026-12-02T05:59:59Z');

    // the default area in the same server: LA's protocol, in the county's zone
    const la = await identify(srv.as('le'), { area: 'compton', identified_at: at });
    assert.equal(la.status, 201, la.text);
    assert.equal(la.json.protocol.name, 'la-county-frp');
    assert.equal(step(la.json, 'hotline_report').due_at, plus(at, 30 * 60));
  });
});

test('the Board report gives every figure per protocol as well as the total when several are in use', async () => {
  await withLongBeach(SF, async (srv) => {
    for (const [user, area] of [['le', 'compton'], ['le', 'compton'], ['le2', 'long_beach']]) {
      const r = await identify(srv.as(user), { area });
      assert.equal(r.status, 201, r.text);
    }
    const day = countyDate(Date.now());
    const q = `/api/v1/reports/board?from=${countyDate(Date.now(), -6)}&to=${day}`;
    const r = (await srv.as('analyst').get(q)).json;
    const rec = r.figures.find((f) => f.key === 'recoveries').values.current;
    assert.equal(rec.all.recoveries, 3);
    assert.equal(rec['protocol:la-county-frp'].recoveries, 2);
    assert.equal(rec['protocol:sf-csec-mdt'].recoveries, 1);
    assert.deepEqual(r.groups.filter((g) => g.breakdown === 'protocol').map((g) => g.key),
      ['protocol:la-county-frp', 'protocol:sf-csec-mdt']);
    // a step of one protocol is due only under that protocol
    const triage = r.figures.find((f) => f.key === 'step.triage_call').values.current;
    assert.equal(triage['protocol:la-county-frp'].due, 0);
    const csv = await srv.as('analyst').get(`${q}&format=csv`);
    assert.match(csv.text, /,recoveries,.*,protocol,protocol:sf-csec-mdt,sf-csec-mdt,current,/);
    const html = await srv.as('analyst').get(`${q}&format=html`);
    assert.match(html.text, /By protocol/);
  });
});

const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

test("a step's co-owner may record it, as its owner may, and nobody else; the case view names the co-owner", async () => {
  await withLongBeach(SF, async (srv) => {
    const c = (await identify(srv.as('le2'), { area: 'long_beach' })).json;
    // San Francisco's triage call: FCS (child welfare) owns it, CBHS (mental health) co-owns it
    assert.equal(step(c, 'triage_call').owner, 'child_welfare');
    assert.equal(step(c, 'triage_call').also_owner, 'mental_health');
    assert.equal(step(c, 'triage_call').notify, undefined);
    const done = { type: 'step_done', step: 'triage_call', at: nowIso() };
    // law enforcement takes part in the case (it identified the youth) but owns no part of the step
    const le = await srv.as('le2').post(`/api/v1/cases/${c.id}/events`, done);
    assert.equal(le.status, 403, le.text);
    assert.match(le.json.detail, /child_welfare's to do/);
    const mh = await srv.as('mh').post(`/api/v1/cases/${c.id}/events`, done);
    assert.equal(mh.status, 201, mh.text);
    const after = (await srv.as('cw').get(`/api/v1/cases/${c.id}`)).json;
    assert.equal(step(after, 'triage_call').state, 'done');
  });
});

test("a step's notify list (the parties outside the agencies it tells) is on the step in the case view", async () => {
  await withLongBeach(WA, async (srv) => {
    const c = (await identify(srv.as('le2'), { area: 'long_beach' })).json;
    assert.equal(c.protocol.name, 'wa-missing-from-care');
    const r = await srv.as('le2').post(`/api/v1/cases/${c.id}/events`, { type: 'missing_start', at: nowIso() });
    assert.equal(r.status, 201, r.text);
    const v = (await srv.as('le2').get(`/api/v1/cases/${c.id}`)).json;
    assert.deepEqual(step(v, 'mfc_parties_notified').notify,
      ['parents', 'attorney', 'guardian_ad_litem', 'casa', 'court', 'tribe']);
    assert.deepEqual(step(v, 'mfc_reported_le_ncmec').notify, ['law_enforcement', 'ncmec']);
    assert.equal(step(v, 'mfc_supervisor_staffing').notify, undefined);
  });
});

test("found_at on the return is the protocol's 'found' anchor; the return itself when not given", async () => {
  await withLongBeach(WA, async (srv) => {
    const le2 = srv.as('le2');
    // the return's time is taken once: read again after the request, a second may have passed
    const returned = hoursAgo(1);
    const episode = async (found) => {
      const c = (await identify(le2, { area: 'long_beach', identified_at: hoursAgo(12) })).json;
      const ev = (body) => le2.post(`/api/v1/cases/${c.id}/events`, body);
      assert.equal((await ev({ type: 'missing_start', at: hoursAgo(10) })).status, 201);
      const back = { type: 'missing_end', at: returned, ...(found ? { found_at: found } : {}) };
      const r = await ev(back);
      assert.equal(r.status, 201, r.text);
      return (await le2.get(`/api/v1/cases/${c.id}`)).json;
    };
    const found = hoursAgo(5);
    // Washington's screening after the youth is found: found + 72 hours
    assert.equal(step(await episode(found), 'return_csec_screening').due_at, plus(found, 72 * 3600));
    assert.equal(step(await episode(null), 'return_csec_screening').due_at, plus(returned, 72 * 3600));

    // found after the return, or before the youth went missing: refused, naming found_at
    const c = (await identify(le2, { area: 'long_beach', identified_at: hoursAgo(12) })).json;
    assert.equal((await le2.post(`/api/v1/cases/${c.id}/events`, { type: 'missing_start', at: hoursAgo(10) })).status, 201);
    for (const bad of [hoursAgo(0.5), hoursAgo(11)]) {
      const r = await le2.post(`/api/v1/cases/${c.id}/events`, { type: 'missing_end', at: hoursAgo(1), found_at: bad });
      assert.equal(r.status, 422, r.text);
      assert.ok(r.json.errors.some((e) => e.field === 'found_at'), r.text);
    }
  });
});

test("the latest screening's level decides a 'screening in' branch (Washington: indicated exploitation reported to law enforcement)", async () => {
  await withLongBeach(WA, async (srv) => {
    const le2 = srv.as('le2');
    const run = async (level) => {
      const c = (await identify(le2, { area: 'long_beach', identified_at: hoursAgo(12) })).json;
      await invite(srv, 'le2', c.id, 'cw');
      const ev = async (user, body) => {
        const r = await srv.as(user).post(`/api/v1/cases/${c.id}/events`, body);
        assert.equal(r.status, 201, r.text);
      };
      await ev('le2', { type: 'missing_start', at: hoursAgo(10) });
      await ev('le2', { type: 'missing_end', at: hoursAgo(6) });
      await ev('cw', { type: 'screening', tool: 'CSE-IT', level: level, at: hoursAgo(0.75) });
      await ev('cw', { type: 'step_done', step: 'return_csec_screening', at: screened });
      return c.id;
    };
    const view = async (user, id) => (await srv.as(user).get(`/api/v1/cases/${id}`)).json;
    const screened = hoursAgo(0.5);
    const id = await run('indicated');
    const indicated = step(await view('cw', id), 'csec_reported_le');
    assert.equal(indicated.state, 'pending');
    assert.equal(indicated.due_at, plus(screened, 24 * 3600));
    assert.deepEqual(indicated.notify, ['law_enforcement']);
    // law enforcement does not read screening results: a step the level decides is not
    // shown to it (its presence would tell the level)
    const le = await view('le2', id);
    assert.equal(step(le, 'csec_reported_le'), undefined);
    assert.ok(step(le, 'return_csec_screening'));
    const none = step(await view('cw', await run('no_concern')), 'csec_reported_le');
    assert.ok(!none || none.state === 'not_applicable', JSON.stringify(none));
  });
});

test("the youth's missing episodes on earlier recoveries count for 'missing_count' (Texas's high-risk branch)", async () => {
  await withLongBeach(TX, async (srv) => {
    const le2 = srv.as('le2');
    const ev = async (id, body) => {
      const r = await le2.post(`/api/v1/cases/${id}/events`, body);
      assert.equal(r.status, 201, r.text);
    };
    const recovery = async (youth) => {
      const c = (await identify(le2, { area: 'long_beach', identified_at: hoursAgo(3), ...(youth ? { youth } : {}) })).json;
      await ev(c.id, { type: 'missing_start', at: hoursAgo(2) });
      await ev(c.id, { type: 'missing_end', at: hoursAgo(1) });
      return (await le2.get(`/api/v1/cases/${c.id}`)).json;
    };
    const branch = (c) => ['high_risk_staffing', 'care_coordination_staffing']
      .filter((k) => step(c, k) && step(c, k).state === 'pending');
    // a youth missing five times on an earlier recovery this year: high risk now
    const youth = { birth_date: '2011-04-02', first_name: 'Testa', last_name: 'SyntheticRepeat' };
    const first = await identify(le2, { area: 'long_beach', identified_at: hoursAgo(40 * 24), youth });
    assert.equal(first.status, 201, first.text);
    for (let k = 0; k < 5; k++) {
      await ev(first.json.id, { type: 'missing_start', at: hoursAgo((39 - k) * 24) });
      await ev(first.json.id, { type: 'missing_end', at: hoursAgo((39 - k) * 24 - 1) });
    }
    const again = await recovery(youth);
    assert.equal(again.re_recovery, true);
    assert.deepEqual(branch(again), ['high_risk_staffing']);
    // a youth never missing before, aged 15: the ordinary staffing
    assert.deepEqual(branch(await recovery(null)), ['care_coordination_staffing']);
  });
});

test("the on-call roster's shift ends a 'due shift_end' step; without a shift, the cap applies (Texas)", async () => {
  await withLongBeach(TX, async (srv) => {
    const at = (h) => hoursAgo(-h);
    const le2 = srv.as('le2');
    const recovered = async () => {
      const c = (await identify(le2, { area: 'long_beach', identified_at: at(-3) })).json;
      for (const body of [{ type: 'missing_start', at: at(-2) }, { type: 'missing_end', at: at(-1) }]) {
        const r = await le2.post(`/api/v1/cases/${c.id}/events`, body);
        assert.equal(r.status, 201, r.text);
      }
      return (await le2.get(`/api/v1/cases/${c.id}`)).json;
    };
    const found = step(await recovered(), 'recovery_reported_le_ncmec');
    assert.equal(found.owner, 'child_welfare');
    // no shift on the roster: 12 hours after the youth was found (the file's cap)
    assert.equal(found.due_at, plus(found.opened_at, 12 * 3600));

    const me = (await srv.as('cw').get('/api/v1/me')).json.user;
    const sup = (await srv.as('cw_sup').get('/api/v1/me')).json.user;
    const ends = at(3);
    const shift = await srv.as('cw_sup').post(`/api/v1/agencies/${me.agency.id}/roster`,
      { user_id: me.id, supervisor_id: sup.id, starts_at: at(-5), ends_at: ends });
    assert.equal(shift.status, 201, shift.text);
    // child welfare's on-call shift covers the recovery: the step is due when it ends
    const next = step(await recovered(), 'recovery_reported_le_ncmec');
    assert.equal(next.due_at, ends);
  });
});
