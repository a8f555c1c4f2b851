// Identification, the protocol clock, the timeline, guardrails, missing episodes,
// re-recoveries, closing, and "what does my agency owe now".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, identify, isoMinutesAgo, assertProblem, cli, atRest } from './harness.mjs';

let srv;
before(async () => { srv = await startCounty(); });
after(async () => { assert.equal(await srv.stop(), 0); });

const step = (c, key, episode = 0) => c.steps.find((s) => s.key === key && s.episode === episode);
const plus = (iso, seconds) => new Date(Date.parse(iso) + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const event = (client, id, body) => client.post(`/api/v1/cases/${id}/events`, body);

test('an identification starts the clock: advocate at T+90 min, medical exam at T+72 h', async () => {
  const t0 = isoMinutesAgo(10);
  const r = await identify(srv.as('le'), { identified_at: t0 });
  assert.equal(r.status, 201, r.text);
  const c = r.json;
  assert.match(c.id, /^SH-[0-9A-Z]{13}$/);
  assert.equal(c.identified_at, t0);
  assert.equal(step(c, 'advocate_on_scene').due_at, plus(t0, 90 * 60));
  assert.equal(step(c, 'medical_exam').due_at, plus(t0, 72 * 3600));
  assert.equal(step(c, 'advocate_on_scene').owner, 'advocacy');
  assert.equal(step(c, 'advocate_on_scene').state, 'pending');
  assert.equal(step(c, 'probation_on_scene').state, 'not_applicable'); // a dependent, not a ward
  const kinds = c.agencies.map((a) => a.kind).sort();
  assert.deepEqual(kinds, ['advocacy', 'child_welfare', 'law_enforcement', 'medical', 'mental_health']);
  assert.equal(c.youth.first_name, 'Testa');
  assert.equal(c.youth.age, 15);
});

test('names, birth dates, aliases, contacts and notes are not in the database in the clear', async () => {
  const tag = `Zq${Date.now().toString(36)}`;
  const youth = { birth_date: '2011-07-19', first_name: `Plain${tag}`, last_name: `Text${tag}`,
    aliases: [`Alias${tag}`], contact: `555-01${tag}` };
  const r = await identify(srv.as('le'), { youth });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.youth.first_name, youth.first_name, 'readable through the API');
  const note = `Synthetic note ${tag} about the youth`;
  assert.equal((await event(srv.as('le'), r.json.id, { type: 'note', section: 'core', at: isoMinutesAgo(0), text: note })).status, 201);
  const files = atRest(srv.db);
  for (const secret of [youth.first_name, youth.last_name, youth.aliases[0], youth.contact, note, '2011-07-19']) {
    for (const bytes of files) assert.ok(!bytes.includes(secret), `${secret} is in the clear in the database`);
  }
});

test('a probation ward routes probation; child welfare and advocacy still take part', async () => {
  const r = await identify(srv.as('le'), { youth_status: 'probation' });
  assert.equal(r.status, 201, r.text);
  assert.equal(step(r.json, 'probation_on_scene').state, 'pending');
  assert.ok(r.json.agencies.some((a) => a.kind === 'probation'));
  assert.equal(r.json.lead_agency_kind, 'probation');
});

test('Idempotency-Key: required; a retry returns the first case; another body is 422', async () => {
  const le = srv.as('le');
  const body = { identified_at: isoMinutesAgo(3), area: 'compton', youth_status: 'none', youth: { age_estimate: 16 } };
  assertProblem(await le.post('/api/v1/cases', body), 400);
  const h = { headers: { 'idempotency-key': 'retry-test-1' } };
  const a = await le.post('/api/v1/cases', body, h);
  assert.equal(a.status, 201, a.text);
  const b = await le.post('/api/v1/cases', body, h);
  assert.equal(b.status, 200);
  assert.equal(b.json.id, a.json.id);
  assertProblem(await le.post('/api/v1/cases', { ...body, area: 'long_beach' }, h), 422);
  // concurrent retries: exactly one case, the others 409 or 200 with the same id
  const h2 = { headers: { 'idempotency-key': 'retry-test-2' } };
  const rs = await Promise.all([1, 2, 3, 4].map(() => le.post('/api/v1/cases', body, h2)));
  const created = rs.filter((r) => r.status === 201);
  assert.equal(created.length, 1, rs.map((r) => r.status).join(','));
  for (const r of rs) {
    assert.ok([200, 201, 409].includes(r.status), r.text);
    if (r.status === 200) assert.equal(r.json.id, created[0].json.id);
  }
});

test('every field is validated, each rejection names its field, and nothing is written', async () => {
  const le = srv.as('le');
  const before = (await le.get('/api/v1/cases?limit=200')).json.items.length;
  const bad = [
    [{ identified_at: plus(new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), 3600) }, 'identified_at'],
    [{ identified_at: 'last night' }, 'identified_at'],
    [{ youth_status: 'runaway' }, 'youth_status'],
    [{ area: 'Compton Station' }, 'area'],
    [{ youth: {} }, 'youth.birth_date'],
    [{ youth: { birth_date: '2011-02-30' } }, 'youth.birth_date'],
    [{ youth: { birth_date: '1990-01-01' } }, 'youth.birth_date'],
    [{ youth: { age_estimate: 16, nickname: 'x' } }, 'youth.nickname'],
    [{ color: 'red' }, 'color'],
    [{ youth: { age_estimate: 16, first_name: 'a\u0001b' } }, 'youth.first_name'],
    // null is not "unknown": an unknown birth date is left out and the age estimated
    [{ youth: { birth_date: null, age_estimate: 16 } }, 'youth.birth_date'],
    [{ youth: { birth_date: '2011-04-02', first_name: null } }, 'youth.first_name'],
    [{ indicators: null }, 'indicators'],
  ];
  for (const [override, field] of bad) assertProblem(await identify(le, override), 422, field);
  assert.equal((await le.get('/api/v1/cases?limit=200')).json.items.length, before);
  assertProblem(await identify(srv.as('adv')), 403); // advocates do not record identifications
});

test('steps are done by their owner only, once; the state comes from the timeline', async () => {
  const c = (await identify(srv.as('le'))).json;
  const adv = srv.as('adv');
  assertProblem(await event(srv.as('le'), c.id, { type: 'step_done', at: isoMinutesAgo(1), step: 'advocate_on_scene' }), 403);
  const done = await event(adv, c.id, { type: 'step_done', at: isoMinutesAgo(1), step: 'advocate_on_scene' });
  assert.equal(done.status, 201, done.text);
  assert.equal(done.json.steps.find((s) => s.key === 'advocate_on_scene').state, 'done');
  assertProblem(await event(adv, c.id, { type: 'step_done', at: isoMinutesAgo(1), step: 'advocate_on_scene' }), 409);
  // a correction amends the earlier event
  const fix = await event(adv, c.id, { type: 'step_done', at: isoMinutesAgo(2), step: 'advocate_on_scene', amends: done.json.event.id });
  assert.equal(fix.status, 201, fix.text);
  const tl = await adv.get(`/api/v1/cases/${c.id}/events`);
  assert.equal(tl.json.items.find((e) => e.id === done.json.event.id).amended_by, fix.json.event.id);
  assertProblem(await event(adv, c.id, { type: 'step_done', at: isoMinutesAgo(1), step: 'no_such_step' }), 422, 'step');
  assertProblem(await event(adv, c.id, { type: 'teleport', at: isoMinutesAgo(1) }), 422, 'type');
});

test('SB 1322: a prostitution arrest of a minor is refused, naming the law and what to do', async () => {
  const c = (await identify(srv.as('le'))).json;
  for (const offense of ['PC 647(b)', '647b', 'PC 653.22(a)']) {
    const r = await event(srv.as('le'), c.id, { type: 'arrest', at: isoMinutesAgo(1), offense, justification: 'x'.repeat(30) });
    assertProblem(r, 422, 'offense');
    assert.match(r.json.errors[0].message, /SB 1322/);
    assert.match(r.json.errors[0].message, /child abuse hotline/);
  }
  const tl = await srv.as('le').get(`/api/v1/cases/${c.id}/events`);
  assert.ok(!tl.json.items.some((e) => e.type === 'arrest'), 'a refused arrest writes nothing');
});

test('another arrest or a detention placement is a deviation that needs a justification and a review', async () => {
  const c = (await identify(srv.as('le'))).json;
  assertProblem(await event(srv.as('le'), c.id, { type: 'arrest', at: isoMinutesAgo(1), offense: 'PC 459' }), 422, 'justification');
  const a = await event(srv.as('le'), c.id, { type: 'arrest', at: isoMinutesAgo(1), offense: 'PC 459', justification: 'Synthetic: burglary in progress, unrelated to exploitation.' });
  assert.equal(a.status, 201, a.text);
  assertProblem(await event(srv.as('cw'), c.id, { type: 'placement', at: isoMinutesAgo(1), setting: 'detention' }), 422, 'justification');
  const p = await event(srv.as('cw'), c.id, { type: 'placement', at: isoMinutesAgo(1), setting: 'detention', justification: 'Synthetic: no shelter bed available tonight anywhere.' });
  assert.equal(p.status, 201, p.text);
  let view = (await srv.as('le').get(`/api/v1/cases/${c.id}`)).json;
  assert.equal(view.deviations.length, 2);
  assert.ok(view.deviations.every((d) => !d.reviewed));
  assertProblem(await event(srv.as('le'), c.id, { type: 'deviation_review', at: isoMinutesAgo(0), event_id: a.json.event.id, note: 'ok' }), 403);
  const rv = await event(srv.as('le_sup'), c.id, { type: 'deviation_review', at: isoMinutesAgo(0), event_id: a.json.event.id, note: 'Reviewed with the deputy.' });
  assert.equal(rv.status, 201, rv.text);
  view = (await srv.as('le').get(`/api/v1/cases/${c.id}`)).json;
  assert.equal(view.deviations.find((d) => d.event_id === a.json.event.id).reviewed, true);
});

test('derogatory wording is kept but answered with a warning', async () => {
  const c = (await identify(srv.as('le'))).json;
  const r = await event(srv.as('cw'), c.id, { type: 'note', section: 'placement', at: isoMinutesAgo(1), text: 'Referral called her a Teen Prostitute.' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.warnings[0].field, 'text');
  assert.match(r.json.warnings[0].message, /no such thing as a child prostitute/);
  assert.equal(r.json.event.text, 'Referral called her a Teen Prostitute.');
});

test('a missing episode opens the 24-hour reports; the return opens the debrief', async () => {
  const c = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(600) })).json;
  const start = isoMinutesAgo(120);
  const m = await event(srv.as('cw'), c.id, { type: 'missing_start', at: start });
  assert.equal(m.status, 201, m.text);
  for (const k of ['missing_report_le', 'missing_report_ncmec', 'missing_attorney_notice']) {
    const s = m.json.steps.find((x) => x.key === k && x.episode === 1);
    assert.ok(s, k);
    assert.equal(s.state, 'pending');
    assert.equal(s.due_at, plus(start, 24 * 3600));
  }
  assertProblem(await event(srv.as('cw'), c.id, { type: 'missing_start', at: isoMinutesAgo(60) }), 409);
  const back = await event(srv.as('cw'), c.id, { type: 'missing_end', at: isoMinutesAgo(30) });
  assert.equal(back.status, 201, back.text);
  assert.ok(back.json.steps.some((x) => x.key === 'return_debrief' && x.episode === 1 && x.state === 'pending'));
  assertProblem(await event(srv.as('cw'), c.id, { type: 'missing_end', at: isoMinutesAgo(10) }), 409);
});

test('a second identification of the same youth is a re-recovery linked to the first', async () => {
  const youth = { birth_date: '2010-09-09', first_name: 'Rena', last_name: 'Recovery' };
  const a = (await identify(srv.as('le'), { youth })).json;
  const b = await identify(srv.as('le'), { youth: { ...youth, first_name: ' rena ' } });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.json.recovery_number, 2);
  assert.equal(b.json.re_recovery, true);
  assert.deepEqual(b.json.other_recoveries.map((x) => x.id), [a.id]);
  // another law-enforcement agency that was not on the earlier recoveries does not learn
  // of them, not even from the number; child welfare, on all three, sees the third
  const c = (await identify(srv.as('le2'), { youth, area: 'long_beach' })).json;
  assert.equal(c.recovery_number, 1);
  assert.equal(c.re_recovery, false);
  assert.deepEqual(c.other_recoveries, []);
  const cw = (await srv.as('cw').get(`/api/v1/cases/${c.id}`)).json;
  assert.equal(cw.recovery_number, 3);
  assert.deepEqual(cw.other_recoveries.map((x) => [x.id, x.recovery_number]), [[a.id, 1], [b.json.id, 2]]);
});

test('the lead agency closes and reopens a case; closing deletes nothing', async () => {
  const c = (await identify(srv.as('le'))).json;
  assertProblem(await event(srv.as('le'), c.id, { type: 'close', at: isoMinutesAgo(0), reason: 'aged_out' }), 403);
  assertProblem(await event(srv.as('cw'), c.id, { type: 'close', at: isoMinutesAgo(0), reason: 'other' }), 422, 'text');
  assert.equal((await event(srv.as('cw'), c.id, { type: 'close', at: isoMinutesAgo(0), reason: 'moved_out_of_county' })).status, 201);
  let v = (await srv.as('cw').get(`/api/v1/cases/${c.id}`)).json;
  assert.equal(v.open, false);
  assert.equal(v.close_reason, 'moved_out_of_county');
  assert.equal((await event(srv.as('cw'), c.id, { type: 'reopen', at: isoMinutesAgo(0) })).status, 201);
  v = (await srv.as('cw').get(`/api/v1/cases/${c.id}`)).json;
  assert.equal(v.open, true);
  const tl = (await srv.as('cw').get(`/api/v1/cases/${c.id}/events`)).json.items.map((e) => e.type);
  assert.deepEqual(tl.slice(-2), ['close', 'reopen']);
});

test('closing ends the steps not yet due; those already late stay late; reopening restores them', async () => {
  const c = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(300) })).json;
  const state = async (key) => (await srv.as('cw').get(`/api/v1/cases/${c.id}`)).json.steps.find((s) => s.key === key).state;
  assert.equal((await event(srv.as('cw'), c.id, { type: 'close', at: isoMinutesAgo(0), reason: 'moved_out_of_county' })).status, 201);
  assert.equal(await state('hotline_report'), 'pending', 'due 30 minutes after identification: late before closing');
  assert.equal(await state('medical_exam'), 'not_applicable', 'due at 72 hours: not owed once closed');
  const owed = (await srv.as('med').get('/api/v1/cases?limit=200')).json.items.find((i) => i.id === c.id);
  assert.equal(owed?.next_due_at ?? null, null, 'the medical hub owes nothing on it');
  assert.equal((await event(srv.as('cw'), c.id, { type: 'reopen', at: isoMinutesAgo(0) })).status, 201);
  assert.equal(await state('medical_exam'), 'pending');
});

test('"what does my agency owe now": overdue steps first, by due time', async () => {
  const late = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(300) })).json;
  const later = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(200) })).json;
  const fresh = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(1) })).json;
  const r = await srv.as('adv').get('/api/v1/cases?open=1&overdue=1&limit=200');
  assert.equal(r.status, 200, r.text);
  const ids = r.json.items.map((i) => i.id);
  assert.ok(ids.includes(late.id) && ids.includes(later.id));
  assert.ok(!ids.includes(fresh.id));
  assert.ok(ids.indexOf(late.id) < ids.indexOf(later.id));
  const dues = r.json.items.map((i) => i.next_due_at);
  assert.deepEqual([...dues].sort(), dues);
  const owed = r.json.items.find((i) => i.id === late.id).owed;
  assert.ok(owed.some((s) => s.key === 'advocate_on_scene' && s.overdue && s.title));
  // paging with the cursor walks the same list
  const p1 = await srv.as('adv').get('/api/v1/cases?limit=2');
  const p2 = await srv.as('adv').get(`/api/v1/cases?limit=2&cursor=${encodeURIComponent(p1.json.next)}`);
  assert.equal(p2.status, 200);
  assert.ok(!p2.json.items.some((i) => p1.json.items.some((j) => j.id === i.id)));
});

test('paging with the cursor walks the whole list once, in order, nothing-due cases last', async () => {
  for (const m of [400, 90, 20, 2]) await identify(srv.as('le'), { identified_at: isoMinutesAgo(m) });
  // law enforcement's own steps done: the case stays on its list with nothing due
  const quiet = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(60) })).json;
  assert.equal((await event(srv.as('le'), quiet.id, { type: 'step_done', at: isoMinutesAgo(1), step: 'hotline_report' })).status, 201);
  assert.equal((await event(srv.as('le'), quiet.id, { type: 'step_done', at: isoMinutesAgo(1), step: 'written_abuse_report' })).status, 201);
  for (const q of ['open=1', 'open=1&overdue=1', '']) {
    const all = (await srv.as('le').get(`/api/v1/cases?${q}&limit=200`)).json;
    assert.equal(all.next, null);
    const dues = all.items.map((i) => i.next_due_at ?? '~');
    assert.deepEqual([...dues].sort(), dues, `${q}: sorted by next due, nothing due last`);
    const mine = all.items.find((i) => i.id === quiet.id);
    if (q.includes('overdue')) {
      assert.ok(all.items.length > 0 && all.items.every((i) => i.owed.some((s) => s.overdue)));
      assert.equal(mine, undefined);
    } else {
      assert.equal(mine.next_due_at, null);
    }
    const paged = [];
    let next = null;
    do {
      const r = await srv.as('le').get(`/api/v1/cases?${q}&limit=2${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
      assert.equal(r.status, 200, r.text);
      paged.push(...r.json.items.map((i) => i.id));
      next = r.json.next;
    } while (next);
    assert.deepEqual(paged, all.items.map((i) => i.id), `${q}: pages = the whole list`);
  }
});

test('agencies that do not take part get 404 for the case', async () => {
  const c = (await identify(srv.as('le'))).json;
  assertProblem(await srv.as('le2').get(`/api/v1/cases/${c.id}`), 404);
  assertProblem(await srv.as('pros').get(`/api/v1/cases/${c.id}/events`), 404);
  assertProblem(await event(srv.as('shelter'), c.id, { type: 'missing_start', at: isoMinutesAgo(0) }), 404);
  assertProblem(await srv.as('le').get('/api/v1/cases/SH-NOSUCHCASE'), 404);
});

test('the identification takes the encounter: last assault, where, language, indicators, call-back number', async () => {
  const t0 = isoMinutesAgo(20), assault = isoMinutesAgo(600);
  const r = await identify(srv.as('le'), {
    identified_at: t0, last_assault_at: assault, location: 'Synthetic motel, room 12, Main St',
    language: 'Spanish', interpreter: true, indicators: ['Hotel keys, several phones or cash', 'Older boyfriend'],
    callback_number: '+1 (562) 555-0100 x12',
  });
  assert.equal(r.status, 201, r.text);
  const c = r.json;
  // the 96-hour exam clock starts from the web's identification now
  assert.equal(step(c, 'sart_exam').state, 'pending');
  assert.equal(step(c, 'sart_exam').due_at, plus(assault, 96 * 3600));
  assert.deepEqual(c.indicators, ['Hotel keys, several phones or cash', 'Older boyfriend']);
  assert.deepEqual(c.encounter, { callback_number: '+1 (562) 555-0100 x12', interpreter: true, language: 'Spanish',
    location: 'Synthetic motel, room 12, Main St' });
  // the responders read where and the number; the prosecutor, brought in, reads the language only
  const adv = (await srv.as('adv').get(`/api/v1/cases/${c.id}`)).json;
  assert.equal(adv.encounter.location, 'Synthetic motel, room 12, Main St');
  await srv.as('le').post(`/api/v1/cases/${c.id}/events`, {
    type: 'agency_invited', at: isoMinutesAgo(1), agency_id: (await srv.as('pros').get('/api/v1/me')).json.user.agency.id,
    reason: 'Synthetic: witness' });
  const pros = await srv.as('pros').get(`/api/v1/cases/${c.id}`);
  assert.deepEqual(pros.json.encounter, { interpreter: true, language: 'Spanish' });
  const timeline = await srv.as('pros').get(`/api/v1/cases/${c.id}/events`);
  assert.ok(!/Synthetic motel|555-0100/.test(pros.text + timeline.text));
  // sealed at rest: neither the place nor the number is in the database in the clear
  for (const bytes of atRest(srv.db)) {
    assert.equal(bytes.indexOf('Synthetic motel'), -1);
    assert.equal(bytes.indexOf('555-0100'), -1);
  }
  // all optional: the minimum stays the minimum
  const bare = await identify(srv.as('le'));
  assert.equal(bare.status, 201);
  assert.deepEqual(bare.json.encounter, { interpreter: false, language: null });
  // and checked, naming the field
  assertProblem(await identify(srv.as('le'), { callback_number: 'call me' }), 422, 'callback_number');
  assertProblem(await identify(srv.as('le'), { language: 'x'.repeat(41) }), 422, 'language');
  assertProblem(await identify(srv.as('le'), { interpreter: 'yes' }), 422, 'interpreter');
  assertProblem(await identify(srv.as('le'), { last_assault_at: new Date(Date.now() + 3600e3).toISOString() }), 422, 'last_assault_at');
});
