// Acting on a case (issue 17): one entry, one effect (a placement decides the placement, the
// step names the entry); each agency names its worker, who gets the agency's summonses and
// alerts first; a summons that could reach nobody is shown as such and taken with "I'm on
// it"; supervisors see caseloads.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem, cli, identify, invite, isoMinutesAgo, PASSWORD, startCounty, query } from './harness.mjs';

let srv, ids;
const sql = (q) => query(srv.db, q);
const run = (args, input) => {
  const r = cli(args, { input });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const event = (user, id, body) => srv.as(user).post(`/api/v1/cases/${id}/events`, { at: isoMinutesAgo(1), ...body });
const step = (c, key) => c.steps.find((s) => s.key === key && s.episode === 0);

before(async () => {
  srv = await startCounty({
    prepare: (db) => {
      run(['user', 'add', '--db', db, '--agency', 'Advocates United', '--username', 'adv2', '--role', 'member',
        '--display-name', 'Synthetic adv2'], PASSWORD + '\n');
      // seconds-long escalation, so a repeat happens while the test watches; ten repeats (the
      // most), so some are still owed once the worker is named on a loaded machine (with three,
      // they were all spent before it, and none went to the worker)
      run(['notify', 'config', '--db', db, '--set', 'notify.summons_interval=1', '--set', 'notify.scan_interval=1',
        '--set', 'notify.summons_repeats=10']);
    },
  });
  const t = cli(['token', 'create', '--db', srv.db, '--username', 'adv2']);
  srv.tokens.adv2 = t.stdout.trim();
  ids = Object.fromEntries((await srv.as('admin').get('/api/v1/users')).json.items.map((u) => [u.username, u.id]));
});
after(async () => { assert.equal(await srv?.stop(), 0); });

test('a placement completes "Placement decided", and the step names the entry', async () => {
  const c = (await identify(srv.as('le'))).json;
  assert.equal(step(c, 'placement_decided').state, 'pending');
  const r = await event('cw', c.id, { type: 'placement', setting: 'shelter' });
  assert.equal(r.status, 201, r.text);
  const s = step(r.json, 'placement_decided');
  assert.equal(s.state, 'done', 'no second entry needed');
  assert.deepEqual(s.settled_by, { event_id: r.json.event.id, type: 'placement' });
  // a later move does not change when the placement was decided
  const moved = await event('cw', c.id, { type: 'placement', setting: 'foster' });
  assert.equal(step(moved.json, 'placement_decided').settled_by.event_id, r.json.event.id);
  // a step done by hand names its entry too
  const done = await event('le', c.id, { type: 'step_done', step: 'hotline_report' });
  assert.deepEqual(step(done.json, 'hotline_report').settled_by, { event_id: done.json.event.id, type: 'step_done' });
  // the prosecutor does not read placements: the step is done, the entry not named
  await invite(srv, 'le', c.id, 'pros');
  const pros = (await srv.as('pros').get(`/api/v1/cases/${c.id}`)).json;
  assert.equal(step(pros, 'placement_decided').state, 'done');
  assert.equal(step(pros, 'placement_decided').settled_by, undefined);
  assert.deepEqual(step(pros, 'hotline_report').settled_by, { event_id: done.json.event.id, type: 'step_done' });
});

test("mental health's screening does its screening step; another agency's does not", async () => {
  const c = (await identify(srv.as('le'))).json;
  let r = await event('cw', c.id, { type: 'screening', tool: 'CSE-IT', level: 'clear concern' });
  assert.equal(r.status, 201, r.text);
  assert.equal(step(r.json, 'mental_health_screening').state, 'pending');
  r = await event('mh', c.id, { type: 'screening', tool: 'CSE-IT', level: 'clear concern' });
  assert.equal(step(r.json, 'mental_health_screening').state, 'done');
  assert.equal(step(r.json, 'mental_health_screening').settled_by.type, 'screening');
});

test('a placement entered late needs a reason and counts when it was recorded', async () => {
  const c = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(300) })).json;
  const late = { type: 'placement', setting: 'shelter', at: isoMinutesAgo(240) };
  assertProblem(await event('cw', c.id, late), 422, 'late_entry_reason');
  const r = await event('cw', c.id, { ...late, late_entry_reason: 'Synthetic: the worker was on scene without a signal' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.event.late_entry, true);
  const s = step(r.json, 'placement_decided');
  assert.equal(s.state, 'done');
  assert.ok(Date.parse(s.done_at) > Date.now() - 60000, 'counts when recorded');
  // once decided, another late placement is a move, not a late decision
  const again = await event('cw', c.id, { type: 'placement', setting: 'foster', at: isoMinutesAgo(200) });
  assert.equal(again.status, 201, again.text);
});

test('each agency names its worker: supervisors anyone of theirs, members themselves', async () => {
  const c = (await identify(srv.as('le'))).json;
  // a member names only themselves
  assertProblem(await event('adv', c.id, { type: 'worker_assigned', user_id: ids.adv2 }), 403);
  let r = await event('adv', c.id, { type: 'worker_assigned', user_id: ids.adv });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.event.user_name, 'Synthetic adv');
  // the supervisor hands it to another advocate; not to someone of another agency
  assertProblem(await event('adv_sup', c.id, { type: 'worker_assigned', user_id: ids.cw }), 422, 'user_id');
  assertProblem(await event('adv_sup', c.id, { type: 'worker_assigned', user_id: ids.adv }), 409);
  r = await event('adv_sup', c.id, { type: 'worker_assigned', user_id: ids.adv2 });
  assert.equal(r.status, 201, r.text);
  const view = (await srv.as('cw').get(`/api/v1/cases/${c.id}`)).json;
  const adv = view.agencies.find((a) => a.kind === 'advocacy');
  assert.deepEqual([adv.worker.id, adv.worker.name], [ids.adv2, 'Synthetic adv2']);
  assert.equal(view.agencies.find((a) => a.kind === 'child_welfare').worker, null);
  // on the timeline for every agency on the case, and audited
  const timeline = (await srv.as('cw').get(`/api/v1/cases/${c.id}/events`)).json.items;
  assert.equal(timeline.filter((e) => e.type === 'worker_assigned').length, 2);
  assert.match(sql(`SELECT count(*) FROM audit WHERE case_id = '${c.id}' AND action = 'event.create' AND detail = 'worker_assigned'`), /^2$/);
  // "mine": the worker's list and search
  const mine = (await srv.as('adv2').get('/api/v1/cases?open=1&worker=me')).json.items.map((x) => x.id);
  assert.deepEqual(mine, [c.id]);
  assert.deepEqual((await srv.as('adv').get('/api/v1/cases?open=1&worker=me')).json.items, []);
  const found = (await srv.as('adv2').post('/api/v1/search', { mine: true })).json.items.map((x) => x.id);
  assert.deepEqual(found, [c.id]);
  // the worker steps down; a member cannot unname someone else
  assertProblem(await event('adv', c.id, { type: 'worker_assigned', user_id: null }), 403);
  r = await event('adv2', c.id, { type: 'worker_assigned', user_id: null });
  assert.equal(r.status, 201, r.text);
  assert.equal((await srv.as('adv').get(`/api/v1/cases/${c.id}`)).json.agencies.find((a) => a.kind === 'advocacy').worker, null);
});

test('supervisors see the caseload of each worker', async () => {
  const a = (await identify(srv.as('le'))).json;
  const b = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(120) })).json; // the advocate is late
  await event('adv_sup', a.id, { type: 'worker_assigned', user_id: ids.adv });
  await event('adv_sup', b.id, { type: 'worker_assigned', user_id: ids.adv });
  const agency = (await srv.as('adv_sup').get('/api/v1/me')).json.user.agency.id;
  const r = await srv.as('adv_sup').get(`/api/v1/agencies/${agency}/caseloads`);
  assert.equal(r.status, 200, r.text);
  const adv = r.json.items.find((x) => x.user.username === 'adv');
  assert.ok(adv.open_cases >= 2);
  assert.ok(adv.overdue_steps >= 1);
  assert.ok(r.json.unassigned.open_cases >= 1);
  assert.ok(r.json.items.every((x) => x.user.username !== 'cw'), 'only the agency’s own people');
  assertProblem(await srv.as('adv').get(`/api/v1/agencies/${agency}/caseloads`), 403);
  assertProblem(await srv.as('cw_sup').get(`/api/v1/agencies/${agency}/caseloads`), 403);
});

test('a summons that could reach nobody says so, and anyone of the agency takes it', async () => {
  // nobody of the advocates is on call
  const c = (await identify(srv.as('le'))).json;
  const n = (await srv.as('adv').get(`/api/v1/cases/${c.id}/notifications`)).json;
  const s = n.summons.find((x) => x.agency.kind === 'advocacy');
  assert.equal(s.reached, false);
  assert.equal(s.no_one_on_call, true);
  // on "what we owe now" of the agency (its supervisors and members)
  const list = (await srv.as('adv_sup').get('/api/v1/summons')).json.items;
  assert.ok(list.some((x) => x.id === s.id && !x.reached && x.case_id === c.id));
  assert.ok(!(await srv.as('cw_sup').get('/api/v1/summons')).json.items.some((x) => x.id === s.id));
  // another agency may not take it, nor know it exists
  assertProblem(await srv.as('cw').post(`/api/v1/summons/${s.id}/ack`, {}), 404);
  assertProblem(await srv.as('analyst').get('/api/v1/summons'), 403);
  const r = await srv.as('adv2').post(`/api/v1/summons/${s.id}/ack`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.first, true);
  assert.equal(r.json.acknowledged_by.name, 'Synthetic adv2');
  assert.equal(r.json.acknowledged_how, 'ack');
  assert.equal((await srv.as('adv2').post(`/api/v1/summons/${s.id}/ack`, {})).json.first, false);
  assert.ok(!(await srv.as('adv_sup').get('/api/v1/summons')).json.items.some((x) => x.id === s.id));
  assert.match(sql(`SELECT action || ' ' || outcome FROM audit WHERE case_id = '${c.id}' AND action = 'summons.ack'`), /^summons\.ack ok$/);
});

test('the On call roster says who cannot be paged; the worker gets the summons first', async () => {
  const sup = srv.as('adv_sup');
  const agency = (await sup.get('/api/v1/me')).json.user.agency.id;
  // adv2 is on call but has no way to be paged
  let r = await sup.post(`/api/v1/agencies/${agency}/roster`, {
    user_id: ids.adv2, supervisor_id: ids.adv_sup, starts_at: isoMinutesAgo(5), ends_at: isoMinutesAgo(-600) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.on_call.pageable, false);
  assert.ok(r.json.warnings.some((w) => w.field === 'user_id'));
  const shift = (await sup.get(`/api/v1/agencies/${agency}/roster`)).json.items[0];
  assert.equal(shift.on_call.pageable, false);
  assert.equal(shift.supervisor.pageable, false);
  const c = (await identify(srv.as('le'))).json;
  let s = (await srv.as('adv').get(`/api/v1/cases/${c.id}/notifications`)).json.summons.find((x) => x.agency.kind === 'advocacy');
  assert.equal(s.no_one_on_call, false);
  assert.equal(s.reached, false, 'someone is on call, but nobody could be paged');
  // the advocate takes the case as its worker, with an e-mail address: the repeats go to them
  run(['roster', 'contact', '--db', srv.db, '--username', 'adv', '--email', 'adv.synthetic@county.example']);
  assert.equal((await event('adv', c.id, { type: 'worker_assigned', user_id: ids.adv })).status, 201);
  const deadline = Date.now() + 15000;
  let rows = '';
  while (Date.now() < deadline) {
    rows = sql(`SELECT u.username || ' ' || o.role FROM outbox o JOIN users u ON u.id = o.user_id
      WHERE o.case_id = '${c.id}' AND o.kind = 'summons' AND o.summons_id = ${s.id}`);
    if (rows.includes('adv worker')) break;
    await new Promise((res) => setTimeout(res, 250));
  }
  assert.match(rows, /adv worker/, 'a repeat of the summons went to the named worker');
  s = (await srv.as('adv').get(`/api/v1/cases/${c.id}/notifications`)).json.summons.find((x) => x.agency.kind === 'advocacy');
  assert.equal(s.reached, true);
  assert.equal((await sup.get(`/api/v1/agencies/${agency}/roster`)).json.items[0].on_call.pageable, false);
  await sup.del(`/api/v1/agencies/${agency}/roster/${shift.id}`);
});
