// The case view is rendered from the steps each write kept (issue 21): a read shows exactly
// what deriving the case from its timeline would, at any instant. `safeharbor case
// check-steps` renders every case both ways, as each agency taking part sees it, at the
// instants given and a second either side of each deadline, and compares the bytes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, identify, invite, witnessWithHearing, isoMinutesAgo, cli, tempDb, countyDate } from './harness.mjs';

let srv;
before(async () => { srv = await startCounty(); });
after(async () => { const code = await srv.stop(); if (code !== 0) process.stderr.write(srv.log()); assert.equal(code, 0); });

const OWNER = { law_enforcement: 'le', child_welfare: 'cw', probation: 'prob', advocacy: 'adv',
  medical: 'med', mental_health: 'mh', prosecutor: 'pros' };
const AT = ['now', '+2d', '+100d', '-1d']; // and a second either side of every deadline

// deterministic variety (xorshift)
let seed = 0x5afe21;
function rnd(n) {
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed % n;
}

async function post(user, id, body) {
  const r = await srv.as(user).post(`/api/v1/cases/${id}/events`, body);
  assert.ok([201, 403, 404, 409, 422].includes(r.status), r.text); // a refused entry writes nothing
  return r;
}

function checkSteps(db, expectDerived = 0) {
  const r = cli(['case', 'check-steps', '--db', db, ...AT.flatMap((a) => ['--at', a])]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`; ${expectDerived} cases without kept steps`), r.stdout);
  return r.stdout;
}

test('cases with varied timelines: the view from kept steps is the derived one at every instant', async () => {
  const statuses = ['dependent', 'probation', 'both', 'none', 'unknown'];
  const ids = [];
  for (let i = 0; i < 14; i++) {
    const youth = i % 3 ? { birth_date: `201${i % 4}-0${1 + (i % 9)}-1${i % 10}`, first_name: 'Synthia', last_name: `Viewcase${i}` }
      : { age_estimate: 13 + (i % 5) };
    const r = await identify(srv.as(i % 2 ? 'le' : 'le2'), {
      identified_at: isoMinutesAgo(30 + 97 * i), youth_status: statuses[i % statuses.length], youth,
      area: i % 2 ? 'compton' : 'long_beach',
    });
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.id);
  }
  for (const [i, id] of ids.entries()) {
    const kinds = ['steps', 'status', 'assault', 'birth', 'missing', 'placement', 'close', 'witness'];
    for (let k = 0; k < 6; k++) {
      const what = k === 0 && i % 4 === 0 ? 'witness' : kinds[rnd(kinds.length)];
      const c = (await srv.as('cw').get(`/api/v1/cases/${id}`));
      const view = c.status === 200 ? c.json : (await srv.as('le').get(`/api/v1/cases/${id}`)).json;
      const pending = view.steps.filter((s) => s.state === 'pending' && OWNER[s.owner]);
      if (what === 'steps' && pending.length) {
        const s = pending[rnd(pending.length)];
        const body = { type: rnd(4) ? 'step_done' : 'step_waived', step: s.key, at: isoMinutesAgo(rnd(20)) };
        if (s.episode) body.episode = s.episode;
        if (body.type === 'step_waived') body.reason = 'Synthetic: the youth declined';
        await post(OWNER[s.owner], id, body);
      } else if (what === 'status') {
        await post('cw', id, { type: 'status_determined', at: isoMinutesAgo(rnd(10)), status: statuses[rnd(4)] });
      } else if (what === 'assault') {
        const a = await post('med', id, { type: 'assault_disclosed', at: isoMinutesAgo(5), last_assault_at: isoMinutesAgo(2000 + rnd(5000)) });
        if (a.status === 201 && rnd(2)) // a correction of it
          await post('med', id, { type: 'assault_disclosed', at: isoMinutesAgo(4), last_assault_at: isoMinutesAgo(9000), amends: a.json.event.id });
      } else if (what === 'birth') {
        await post('le', id, { type: 'birth_date_verified', at: isoMinutesAgo(1), birth_date: `2010-0${1 + rnd(9)}-2${rnd(9)}`, document: 'synthetic ID card' });
      } else if (what === 'missing') {
        await post('cw', id, { type: 'missing_start', at: isoMinutesAgo(300 + rnd(200)) });
        if (rnd(2)) await post('cw', id, { type: 'missing_end', at: isoMinutesAgo(rnd(100)) });
      } else if (what === 'placement') {
        await post('cw', id, { type: 'placement', at: isoMinutesAgo(1), setting: rnd(2) ? 'foster' : 'group_home' });
      } else if (what === 'close') {
        const lead = OWNER[view.lead_agency_kind] ?? 'cw';
        await post(lead, id, { type: 'close', at: isoMinutesAgo(0), reason: 'moved_out_of_county' });
        if (rnd(2)) await post(lead, id, { type: 'reopen', at: isoMinutesAgo(0) });
      } else if (what === 'witness' && !view.steps.some((s) => s.key === 'witness_advocate')) {
        if (!view.agencies.some((a) => a.kind === 'prosecutor')) await invite(srv, 'cw', id, 'pros');
        await witnessWithHearing(srv, id, { number: `SYN-CR-21-${i}`, court: 'Synthetic Superior Court', defendant: `Synthetic Defendant ${i}` });
      }
    }
  }
  // every case is read through the API from its kept steps
  for (const id of ids) assert.equal((await srv.as('le').get(`/api/v1/cases/${id}`)).status === 200 ||
    (await srv.as('cw').get(`/api/v1/cases/${id}`)).status === 200, true);
  const out = checkSteps(srv.db);
  assert.match(out, /^1[4-9] cases|^\d{2,} cases/);
});

test('steps kept for other records are not used: a sealed youth\'s case derives again', async () => {
  const c = await identify(srv.as('le'), { youth_status: 'none' });
  assert.equal(c.status, 201, c.text);
  const before = (await srv.as('le').get(`/api/v1/cases/${c.json.id}`)).json;
  const day = countyDate(Date.now());
  const r = cli(['seal', '--db', srv.db, '--case', c.json.id, '--order', 'SYN-JUV-21-0001', '--order-date', day]);
  assert.equal(r.status, 0, r.stderr);
  checkSteps(srv.db, 1); // its kept steps no longer match its records: not shown
  const after = await srv.as('le').get(`/api/v1/cases/${c.json.id}`);
  assert.equal(after.status, 200, after.text);
  assert.deepEqual(after.json.steps.map((s) => [s.key, s.state]), before.steps.map((s) => [s.key, s.state]));
});

test('the demo data: the view from kept steps is the derived one at every instant', () => {
  const t = tempDb();
  try {
    assert.equal(cli(['init', '--db', t.db]).status, 0);
    const d = cli(['demo', '--db', t.db]);
    assert.equal(d.status, 0, d.stderr);
    checkSteps(t.db);
  } finally { t.cleanup(); }
});
