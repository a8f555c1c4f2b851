// Summoning and escalation (docs/notifications.md): on-call rosters, the summons of
// every agency at identification, acknowledgement, repeat -> fallback -> supervisor,
// the 75% and overdue alerts, retries with backoff, restarts, signatures, and no
// personal data of the youth in any message. Local receivers on loopback stand in
// for a county's paging gateway (webhook) and mail server (SMTP).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, seedCounty, serve, makeClient, cli, identify, isoMinutesAgo, assertProblem, PASSWORD, query } from './harness.mjs';
import { startWebhookReceiver, startSmtpReceiver, verifySignature, waitFor } from './receivers.mjs';

const PUBLIC = 'https://safeharbor.county.example';
const secretOf = (user) => `synthetic-secret-${user}-0123456789`;
const EXTRA_USERS = [
  ['adv2', 'Advocates United', 'member'],
  ['cw2', 'Child Welfare', 'member'],
  ['med_sup', 'Medical Hub', 'supervisor'],
  ['mh_sup', 'Mental Health', 'supervisor'],
];
const WEBHOOK_USERS = ['le', 'adv', 'adv2', 'cw', 'cw2', 'mh'];
const EMAIL_USERS = ['le_sup', 'adv_sup', 'cw_sup', 'med', 'med_sup', 'mh_sup'];
const ROSTERS = [ // agency, on call, fallback, supervisor
  ['Sheriff Station A', 'le', null, 'le_sup'],
  ['Advocates United', 'adv', 'adv2', 'adv_sup'],
  ['Child Welfare', 'cw', 'cw2', 'cw_sup'],
  ['Medical Hub', 'med', null, 'med_sup'],
  ['Mental Health', 'mh', null, 'mh_sup'],
];
// seconds-long intervals so escalation happens while the test watches
const FAST = {
  'notify.summons_interval': 2, 'notify.summons_repeats': 1, 'notify.scan_interval': 1,
  'notify.poll_ms': 100, 'notify.retry_base': 1, 'notify.retry_max': 2, 'notify.timeout': 2,
  'notify.lease': 5, 'notify.mail_from': 'safeharbor@county.example',
};

// The youth of these tests: none of this may appear in any message.
const FIRST = 'Zorblatt';
const LAST = 'Quixley';
const BIRTH = '2010-07-19';
let youthCounter = 0;
const youth = () => ({ birth_date: BIRTH, first_name: FIRST, last_name: `${LAST}${++youthCounter}`, aliases: ['Zee'] });

function run(args, input) {
  const r = cli(args, { input });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// Seeds the county, then contact channels, one shift per agency, and the settings.
function prepareNotify(db, hook, settings) {
  const tokens = seedCounty(db);
  for (const [username, agency, role] of EXTRA_USERS) {
    run(['user', 'add', '--db', db, '--agency', agency, '--username', username, '--role', role,
      '--display-name', `Synthetic ${username}`], PASSWORD + '\n');
    tokens[username] = run(['token', 'create', '--db', db, '--username', username]).trim();
  }
  // the receivers are on loopback, which webhooks may reach only when the operator allows it
  run(['notify', 'config', '--db', db, '--set', 'notify.webhook_allow=127.0.0.1']);
  for (const u of WEBHOOK_USERS) {
    run(['roster', 'contact', '--db', db, '--username', u, '--webhook', `${hook.url}/hook/${u}`], secretOf(u) + '\n');
  }
  for (const u of EMAIL_USERS) run(['roster', 'contact', '--db', db, '--username', u, '--email', `${u}@county.example`]);
  for (const [agency, user, fallback, supervisor] of ROSTERS) {
    const args = ['roster', 'add', '--db', db, '--agency', agency, '--user', user, '--supervisor', supervisor,
      '--from', isoMinutesAgo(1), '--hours', '12'];
    if (fallback) args.push('--fallback', fallback);
    run(args);
  }
  const sets = Object.entries(settings).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
  run(['notify', 'config', '--db', db, ...sets]);
  return tokens;
}

// /metrics on the main port, to watch the worker: scans finished, messages pending
const METRICS = { SAFEHARBOR_METRICS_TOKEN: 'synthetic-metrics-token-0123456789' };

async function startNotifyCounty(hook, settings) {
  let tokens;
  const srv = await startServer({
    args: ['--public-url', PUBLIC], env: METRICS,
    prepare: (db) => { tokens = prepareNotify(db, hook, settings); },
  });
  return { ...srv, tokens, as: (user) => makeClient(srv.url).useToken(tokens[user]) };
}

async function metric(server, name) {
  const r = await fetch(new URL("/metrics", server.url), { headers: { authorization: `Bearer ${METRICS.SAFEHARBOR_METRICS_TOKEN}` } });
  assert.equal(r.status, 200);
  const m = (await r.text()).match(new RegExp(`^${name} (\\S+)$`, 'm'));
  assert.ok(m, name);
  return Number(m[1]);
}

// "Nothing more happens": the worker finished two more escalation scans after this point
// and has nothing left to send, so whatever those scans queued has been delivered.
async function settled({ server = srv, emptyOutbox = true } = {}) {
  const from = await metric(server, 'safeharbor_escalation_scans_total');
  await waitFor(async () => (await metric(server, 'safeharbor_escalation_scans_total')) >= from + 2 &&
    (!emptyOutbox || (await metric(server, 'safeharbor_outbox_pending')) === 0), 20000,
  'two more escalation scans and an empty outbox');
}

let hook;
let smtp;
let srv;

before(async () => {
  hook = await startWebhookReceiver();
  smtp = await startSmtpReceiver();
  srv = await startNotifyCounty(hook, { ...FAST, 'notify.smtp_url': smtp.url });
});

after(async () => {
  const code = await srv.stop();
  await hook.close();
  await smtp.close();
  assert.equal(code, 0, 'the server stops cleanly (no leak) with the worker running');
});

// Everything delivered (or attempted) about one case, from both receivers. The waits for them
// below are bounds for a loaded machine (30 s), not timings: a wait ends when its delivery comes.
function deliveries(caseId, receivers = { hook, smtp }) {
  const out = [];
  for (const r of receivers.hook.received) {
    if (r.json?.case_id !== caseId) continue;
    out.push({ user: r.path.split('/').pop(), channel: 'webhook', type: r.json.type, stage: r.json.stage,
      role: r.json.role, step: r.json.step.key, id: r.json.id, ok: r.status === 200, at: r.at, r });
  }
  for (const m of receivers.smtp.messages) {
    if (m.headers['x-safeharbor-case'] !== caseId) continue;
    out.push({ user: m.to[0].split('@')[0], channel: 'email', type: m.headers['x-safeharbor-type'],
      id: Number(m.headers['x-safeharbor-delivery']), ok: true, at: m.at, m });
  }
  return out;
}
const put = (client, p, body) => client.request('PUT', p, { body });
const sql = (db, q) => query(db, q);

async function newCase(overrides = {}) {
  const r = await identify(srv.as('le'), { youth: youth(), ...overrides });
  assert.equal(r.status, 201, r.text);
  return { c: r.json };
}

test('an identification summons the on-call person of every agency taking part, at once', async () => {
  const { c } = await newCase();
  const kinds = c.agencies.map((a) => a.kind).sort();
  assert.deepEqual(kinds, ['advocacy', 'child_welfare', 'law_enforcement', 'medical', 'mental_health']);
  // at once: the identification itself queued the five (not a later scan), for the outbox's
  // next poll; how soon they arrive is a timing (bench/), not asserted here
  assert.equal(sql(srv.db, `SELECT count(DISTINCT user_id) FROM outbox WHERE case_id = '${c.id}' AND kind = 'summons'`), '5');
  const expect = { le: 'hotline_report', adv: 'advocate_on_scene', cw: 'child_welfare_on_scene', med: 'medical_exam', mh: 'mental_health_screening' };
  const got = await waitFor(() => {
    const d = deliveries(c.id).filter((x) => x.type === 'summons' && x.ok);
    return Object.keys(expect).every((u) => d.some((x) => x.user === u)) && d;
  }, 30000, 'five summonses'); // a bound for a loaded machine
  for (const [user, step] of Object.entries(expect)) {
    const d = got.find((x) => x.user === user);
    if (d.channel === 'webhook') {
      const body = d.r.json;
      assert.equal(body.step.key, step);
      assert.equal(body.area, 'compton');
      assert.equal(body.case_url, `${PUBLIC}/cases/${c.id}`);
      assert.equal(body.ack_url, `${PUBLIC}/api/v1/notifications/${body.id}/ack`);
      assert.equal(body.step.due_at, c.steps.find((s) => s.key === step).due_at);
      assert.equal(body.role, 'on_call');
      assert.equal(body.recipient.username, user);
      assert.ok(verifySignature(secretOf(user), d.r.headers, d.r.body), `signature of ${user}'s message`);
      assert.ok(!verifySignature('another-secret-0123456789', d.r.headers, d.r.body));
      assert.equal(d.r.headers['x-safeharbor-delivery'], String(body.id));
    } else {
      assert.equal(d.m.from, 'safeharbor@county.example');
      assert.deepEqual(d.m.to, [`${user}@county.example`]);
      assert.match(d.m.headers.subject, /^\[safeharbor\] Summons: Medical exam/);
      assert.ok(d.m.body.includes(`${PUBLIC}/cases/${c.id}`));
      assert.ok(d.m.body.includes('Area:    compton'));
    }
  }
  // a tampered body does not verify
  const w = got.find((x) => x.channel === 'webhook');
  assert.ok(!verifySignature(secretOf(w.user), w.r.headers, w.r.body.replace('compton', 'long_beach')));
});

test('a recipient who reads Spanish is summoned in Spanish (the protocol\'s Spanish step title), by webhook and e-mail', async () => {
  for (const u of ['adv', 'med']) assert.equal((await put(srv.as(u), '/api/v1/me/preferences/language', { language: 'es' })).status, 200);
  try {
    const { c } = await newCase();
    const got = await waitFor(() => {
      const d = deliveries(c.id).filter((x) => x.type === 'summons' && x.ok);
      return ['adv', 'med', 'cw'].every((u) => d.some((x) => x.user === u)) && d;
    }, 5000, 'three summonses');
    const adv = got.find((x) => x.user === 'adv').r.json;
    assert.equal(adv.language, 'es');
    assert.equal(adv.step.title, 'Defensor en el lugar');
    assert.match(adv.text, /^safeharbor Convocatoria: Defensor en el lugar, vence .*, zona compton\. Caso SH-/);
    const med = got.find((x) => x.user === 'med').m;
    assert.match(med.headers.subject, /^\[safeharbor\] Convocatoria: Examen médico \/ autorización médica vence /);
    assert.ok(med.body.includes('Zona:    compton'), med.body);
    // the others read English, as before
    const cw = got.find((x) => x.user === 'cw');
    assert.equal(cw.channel === 'webhook' ? cw.r.json.language : 'en', 'en');
  } finally {
    for (const u of ['adv', 'med']) await put(srv.as(u), '/api/v1/me/preferences/language', {});
  }
});

test('an acknowledgement, or doing the step, stops the summons; others keep escalating', async () => {
  const { c } = await newCase();
  // child welfare answers by doing its step, at once: its repeat is due 2 s after the
  // identification (a loaded machine may take that long over the requests below)
  const done = await srv.as('cw').post(`/api/v1/cases/${c.id}/events`, { type: 'step_done', at: isoMinutesAgo(0), step: 'child_welfare_on_scene' });
  assert.equal(done.status, 201, done.text);
  const first = await waitFor(() => deliveries(c.id).find((x) => x.user === 'adv' && x.type === 'summons'), 30000, 'adv summons');
  const ack = await srv.as('adv').post(`/api/v1/notifications/${first.id}/ack`);
  assert.equal(ack.status, 200, ack.text);
  // another agency may not acknowledge it (nor know it exists)
  assertProblem(await srv.as('cw').post(`/api/v1/notifications/${first.id}/ack`), 404);
  assert.equal(ack.json.first, true);
  assert.equal(ack.json.summons.acknowledged_how, 'ack');
  assert.equal(ack.json.summons.acknowledged_by.name, 'Synthetic adv');
  const again = await srv.as('adv').post(`/api/v1/notifications/${first.id}/ack`, {});
  assert.equal(again.status, 200);
  assert.equal(again.json.first, false);
  assertProblem(await srv.as('adv').post(`/api/v1/notifications/${first.id}/ack`, { note: 'x' }), 422, 'note');
  // medical does not answer: its repeat proves the escalation ran meanwhile
  await waitFor(() => deliveries(c.id).find((x) => x.user === 'med' && x.type === 'summons_repeat'), 30000, 'the repeat to medical');
  await settled();
  const d = deliveries(c.id);
  assert.deepEqual(d.filter((x) => ['adv', 'adv2', 'adv_sup'].includes(x.user) && x.type.startsWith('summons') && x.type !== 'summons'), [],
    'no repeat, fallback or supervisor message after the acknowledgement');
  assert.deepEqual(d.filter((x) => ['cw', 'cw2', 'cw_sup'].includes(x.user) && x.type !== 'summons'), [],
    'no repeat after the step was done');
  const view = await srv.as('cw').get(`/api/v1/cases/${c.id}/notifications`);
  assert.equal(view.status, 200, view.text);
  const cwSummons = view.json.summons.find((s) => s.agency.kind === 'child_welfare');
  assert.equal(cwSummons.acknowledged_how, 'step_done');
  assert.equal(cwSummons.acknowledged_by.name, 'Synthetic cw');
  assert.equal(cwSummons.step, 'child_welfare_on_scene');
});

test('an unanswered summons repeats, then goes to the fallback, then to the supervisor', async () => {
  const { c } = await newCase();
  const chain = await waitFor(() => {
    const d = deliveries(c.id).filter((x) => x.ok && ['adv', 'adv2', 'adv_sup'].includes(x.user));
    return d.some((x) => x.user === 'adv_sup' && x.type === 'summons_supervisor') && d;
  }, 20000, 'the supervisor stage');
  const at = (user, type) => {
    const x = chain.find((y) => y.user === user && y.type === type);
    assert.ok(x, `${type} to ${user}`);
    return x;
  };
  const s0 = at('adv', 'summons');
  const s1 = at('adv', 'summons_repeat');
  const s2 = at('adv2', 'summons_fallback');
  const s3 = at('adv_sup', 'summons_supervisor');
  assert.equal(s1.stage, 1);
  assert.equal(s2.stage, 2);
  assert.equal(s2.role, 'fallback');
  // when the server decided each stage (its own record, not when a loaded receiver got it)
  const made = (await srv.as('adv_sup').get(`/api/v1/cases/${c.id}/notifications`)).json.notifications;
  const decided = [s0, s1, s2, s3].map((x) => Date.parse(made.find((n) => n.id === x.id).created_at));
  assert.ok(decided.every((t, i) => i === 0 || t - decided[i - 1] >= 2000),
    `stages at least the 2 s interval apart: ${decided.map((t) => t - decided[0]).join(', ')} ms`);
  assert.match(s3.m.headers.subject, /Summons unanswered \(supervisor\): Advocate on scene/);
  // mental health has no fallback: straight from the repeat to its supervisor
  await waitFor(() => deliveries(c.id).some((x) => x.user === 'mh_sup' && x.type === 'summons_supervisor'), 30000, 'mh supervisor');
  // the supervisor stage is the last: nothing more after it
  await settled();
  const adv = deliveries(c.id).filter((x) => ['adv', 'adv2', 'adv_sup'].includes(x.user) && x.type.startsWith('summons'));
  assert.equal(adv.length, 4, adv.map((x) => `${x.user}:${x.type}`).join(' '));
  const view = await srv.as('adv_sup').get(`/api/v1/cases/${c.id}/notifications`);
  const sm = view.json.summons.find((s) => s.agency.kind === 'advocacy');
  assert.equal(sm.stage, 3);
  assert.equal(sm.role, 'supervisor');
  assert.equal(sm.acknowledged_at, null);
});

test('a step at 75% of its time alerts its owner; a step past its deadline alerts the supervisor', async () => {
  // identified 70 minutes ago: the advocate (90 min) is at 78%, the hotline report (30 min) overdue
  const { c } = await newCase({ identified_at: isoMinutesAgo(70) });
  const soon = await waitFor(() => deliveries(c.id).find((x) => x.user === 'adv' && x.type === 'due_soon'), 30000, 'due_soon to adv');
  assert.equal(soon.step, 'advocate_on_scene');
  assert.equal(soon.role, 'on_call');
  assert.match(soon.r.json.text, /Due soon: Advocate on scene, due /);
  const over = await waitFor(() => deliveries(c.id).find((x) => x.user === 'le_sup' && x.type === 'overdue'), 30000, 'overdue to le_sup');
  assert.match(over.m.headers.subject, /Overdue: Report to the child-abuse hotline was due/);
  // identified 100 minutes ago: the advocate is overdue, so only its supervisor hears (due_soon is moot)
  const late = (await newCase({ identified_at: isoMinutesAgo(100) })).c;
  await waitFor(() => deliveries(late.id).find((x) => x.user === 'adv_sup' && x.type === 'overdue'), 30000, 'overdue to adv_sup');
  await settled(); // more scans: each alert is decided once
  assert.equal(deliveries(c.id).filter((x) => x.user === 'adv' && x.type === 'due_soon').length, 1);
  assert.equal(deliveries(late.id).filter((x) => x.type === 'due_soon' && x.user === 'adv').length, 0);
  assert.equal(deliveries(late.id).filter((x) => x.type === 'overdue' && x.user === 'adv_sup').length, 1);
  assert.equal(sql(srv.db, `SELECT outcome FROM step_alerts WHERE case_id = '${late.id}' AND step = 'advocate_on_scene' AND kind = 'due_soon'`), 'skipped');
});

test('a receiver that fails is retried with backoff until it recovers; each cause is delivered once', async () => {
  hook.fail('/hook/mh');
  const { c } = await newCase();
  const firstId = await waitFor(() => {
    const tries = deliveries(c.id).filter((x) => x.user === 'mh' && x.type === 'summons');
    return tries.length >= 3 && tries[0].id;
  }, 10000, 'three failed attempts');
  const tries = deliveries(c.id).filter((x) => x.id === firstId);
  assert.ok(tries.every((x) => !x.ok));
  // backoff 1 s, then 2 s (notify.retry_base 1, notify.retry_max 2), in whole seconds
  assert.ok(tries[2].at - tries[1].at >= 1000, `the second retry waits: ${tries.map((x) => x.at - tries[0].at)}`);
  assert.ok(tries[2].at - tries[0].at >= 2000, 'the retries are spread out');
  // the worker writes the attempt down just after the receiver has answered it
  await waitFor(() => sql(srv.db, `SELECT status || ' ' || CAST(attempts >= 3 AS INTEGER) || ' ' || CAST(last_error LIKE '%HTTP 500%' AS INTEGER) FROM outbox WHERE id = ${firstId}`) === 'pending 1 1',
    30000, 'three failed attempts written down, still pending');
  hook.recover('/hook/mh');
  await waitFor(() => deliveries(c.id).some((x) => x.id === firstId && x.ok), 30000, 'the delivery after recovery');
  await settled();
  const all = deliveries(c.id);
  const okPerId = new Map();
  for (const x of all.filter((y) => y.ok)) okPerId.set(x.id, (okPerId.get(x.id) ?? 0) + 1);
  for (const [id, n] of okPerId) assert.equal(n, 1, `notification ${id} delivered ${n} times`);
  assert.equal(sql(srv.db, `SELECT status FROM outbox WHERE id = ${firstId}`), 'sent');
  // one outbox row per cause, and every row sent is one delivery
  assert.equal(sql(srv.db, `SELECT count(*) FROM (SELECT 1 FROM outbox WHERE case_id = '${c.id}' GROUP BY step, episode, kind, stage, user_id, channel HAVING count(*) > 1) AS d`), '0');
  assert.equal(Number(sql(srv.db, `SELECT count(*) FROM outbox WHERE case_id = '${c.id}' AND status = 'sent'`)), okPerId.size);
});

test('the case shows who was summoned, when, how and the acknowledgement, only to agencies taking part', async () => {
  const { c } = await newCase();
  const s = await waitFor(() => deliveries(c.id).find((x) => x.user === 'med' && x.type === 'summons'), 30000, 'med summons');
  await srv.as('med').post(`/api/v1/notifications/${s.id}/ack`);
  const r = await srv.as('med').get(`/api/v1/cases/${c.id}/notifications`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.summons.length, 5);
  const med = r.json.summons.find((x) => x.agency.kind === 'medical');
  assert.equal(med.step, 'medical_exam');
  assert.equal(med.acknowledged_how, 'ack');
  assert.ok(Date.parse(med.acknowledged_at) >= Date.parse(med.created_at));
  const n = r.json.notifications.find((x) => x.id === s.id);
  assert.equal(n.channel, 'email');
  assert.equal(n.status, 'sent');
  assert.equal(n.recipient.name, 'Synthetic med');
  assert.ok(n.sent_at && n.acknowledged_at);
  assert.ok(!r.text.includes('@county.example') && !r.text.includes('/hook/'), 'no contact addresses in the case view');
  assertProblem(await srv.as('pros').get(`/api/v1/cases/${c.id}/notifications`), 404);
  assertProblem(await srv.as('analyst').get(`/api/v1/cases/${c.id}/notifications`), 403);
  const audit = await srv.as('adv_sup').get(`/api/v1/cases/${c.id}/audit`);
  assert.ok(audit.json.items.some((a) => a.action === 'notification.ack'));
  assert.ok(audit.json.items.some((a) => a.action === 'notifications.read'));
});

test('rosters are kept by their agency\'s supervisors over the API, and validated', async () => {
  const admin = srv.as('admin');
  const agencies = (await admin.get('/api/v1/agencies')).json.items;
  const users = (await admin.get('/api/v1/users')).json.items;
  const ag = (name) => agencies.find((a) => a.name === name).id;
  const uid = (name) => users.find((u) => u.username === name).id;
  const adv = ag('Advocates United');
  const path = `/api/v1/agencies/${adv}/roster`;
  const list = await srv.as('adv').get(path);
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.items.some((e) => e.in_force && e.on_call.name === 'Synthetic adv' && e.fallback.name === 'Synthetic adv2'));
  assertProblem(await srv.as('cw').get(path), 403);
  const start = new Date(Date.now() + 86400000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const end = new Date(Date.now() + 86400000 + 8 * 3600000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const entry = { user_id: uid('adv2'), fallback_id: uid('adv'), supervisor_id: uid('adv_sup'), starts_at: start, ends_at: end, area: 'long_beach' };
  assertProblem(await srv.as('adv').post(path, entry), 403);
  assertProblem(await srv.as('cw_sup').post(path, entry), 403);
  const made = await srv.as('adv_sup').post(path, entry);
  assert.equal(made.status, 201, made.text);
  assert.equal(made.json.area, 'long_beach');
  assert.equal(made.json.in_force, false);
  // refusals say what is wrong in words: the shift overlapped names its person and times
  // on the county's clock; an end before the start says so, without field names
  const clash = await srv.as('adv_sup').post(path, entry);
  assertProblem(clash, 409, 'starts_at');
  assert.match(clash.json.errors[0].message, /overlaps the shift of Synthetic adv2 from \d{4}-\d\d-\d\d \d\d:\d\d P[SD]T to .* \(long_beach\)/);
  const backwards = await srv.as('adv_sup').post(path, { ...entry, ends_at: start, area: 'compton' });
  assertProblem(backwards, 422, 'ends_at');
  assert.equal(backwards.json.errors[0].message, 'the shift must end after it starts: choose a later end');
  assertProblem(await srv.as('adv_sup').post(path, { ...entry, user_id: uid('cw'), area: 'compton' }), 422, 'user_id');
  assertProblem(await srv.as('adv_sup').post(path, { ...entry, supervisor_id: uid('adv'), area: 'compton' }), 422, 'supervisor_id');
  assertProblem(await srv.as('adv_sup').post(path, { ...entry, fallback_id: uid('adv2'), area: 'compton' }), 422, 'fallback_id');
  assertProblem(await srv.as('adv_sup').post(path, { ...entry, area: 'Long Beach' }), 422, 'area');
  assertProblem(await srv.as('adv_sup').post(path, { ...entry, area: 'compton', shift: 'night' }), 422, 'shift');
  assertProblem(await srv.as('adv_sup').post('/api/v1/agencies/99999/roster', entry), 404);
  // someone without a contact channel is accepted, with a warning naming the field
  const fresh = await admin.post('/api/v1/users', { agency_id: adv, username: 'adv3', display_name: 'Synthetic adv3', role: 'member', password: PASSWORD });
  assert.equal(fresh.status, 201, fresh.text);
  const nc = await srv.as('adv_sup').post(path, { ...entry, area: 'compton', user_id: fresh.json.id, fallback_id: null });
  assert.equal(nc.status, 201, nc.text);
  assert.deepEqual(nc.json.warnings.map((w) => w.field), ['user_id']);
  assert.match(nc.json.warnings[0].message, /no contact channel/);
  assert.equal(nc.json.fallback, null);
  assertProblem(await srv.as('adv_sup').del(`${path}/${made.json.id}`.replace(`/${adv}/`, `/${ag('Child Welfare')}/`)), 403);
  const del = await srv.as('adv_sup').del(`${path}/${made.json.id}`);
  assert.equal(del.status, 200, del.text);
  assertProblem(await srv.as('adv_sup').del(`${path}/${made.json.id}`), 404);
  assert.equal((await srv.as('adv_sup').del(`${path}/${nc.json.id}`)).status, 200);
  // the CLI lists the same roster
  const out = cli(['roster', 'list', '--db', srv.db, '--agency', 'Advocates United']);
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /on call: Synthetic adv\tfallback: Synthetic adv2\tsupervisor: Synthetic adv_sup\tin force/);
});

test('contact channels: the user, a supervisor of the agency or an admin sets them; they are validated', async () => {
  const users = (await srv.as('admin').get('/api/v1/users')).json.items;
  const uid = (name) => users.find((u) => u.username === name).id;
  const path = `/api/v1/users/${uid('adv2')}/channels`;
  const mine = await srv.as('adv2').get(path);
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.webhook_secret_set, true);
  assert.ok(!mine.text.includes(secretOf('adv2')), 'the secret is never shown');
  assertProblem(await srv.as('cw').get(path), 403);
  assertProblem(await put(srv.as('cw_sup'), path, { email: 'x@county.example' }), 403);
  assertProblem(await put(srv.as('adv2'), path, { email: 'not an address' }), 422, 'email');
  assertProblem(await put(srv.as('adv2'), path, { webhook_url: 'http://pager.example/x' }), 422, 'webhook_url');
  assertProblem(await put(srv.as('adv2'), path, { webhook_url: 'https://user:pw@pager.example/x' }), 422, 'webhook_url');
  assertProblem(await put(srv.as('adv2'), path, { webhook_secret: 'short' }), 422, 'webhook_secret');
  assertProblem(await put(srv.as('adv_sup'), `/api/v1/users/${uid('med_sup')}/channels`, { email: 'a@b.example' }), 403);
  assertProblem(await put(srv.as('admin'), `/api/v1/users/${uid('med_sup')}/channels`, { webhook_url: 'https://pager.county.example/p' }), 422, 'webhook_secret');
  assertProblem(await put(srv.as('admin'), `/api/v1/users/${uid('med_sup')}/channels`, { webhook_secret: secretOf('med_sup') }), 422, 'webhook_url');
  const set = await put(srv.as('adv_sup'), path, { email: 'adv2@county.example' });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.email, 'adv2@county.example');
  assert.equal(set.json.webhook_url, `${hook.url}/hook/adv2`);
  const unset = await put(srv.as('adv2'), path, { email: null });
  assert.equal(unset.json.email, null);
  assert.equal(unset.json.webhook_secret_set, true);
});

test('undelivered notifications survive a restart and are then delivered exactly once', async () => {
  // every receiver fails and the mail server is unreachable; escalation pauses so only
  // the summonses of the new case count (the server re-reads settings every second)
  for (const u of WEBHOOK_USERS) hook.fail(`/hook/${u}`);
  run(['notify', 'config', '--db', srv.db, '--set', 'notify.smtp_url=smtp://127.0.0.1:1', '--set', 'notify.summons_interval=600']);
  await settled({ emptyOutbox: false }); // the worker re-read the settings (every second, before a scan)
  const { c } = await newCase();
  await waitFor(() => deliveries(c.id).filter((x) => !x.ok).length >= 4, 30000, 'failed attempts');
  const { db, tokens, cleanup } = srv;
  assert.equal(await srv.stop({ keep: true }), 0);
  const pending = Number(sql(db, `SELECT count(*) FROM outbox WHERE case_id = '${c.id}' AND status = 'pending' AND claimed_by IS NULL`));
  assert.equal(pending, 5, 'every summons is still pending, none held by the stopped server');
  for (const u of WEBHOOK_USERS) hook.recover(`/hook/${u}`);
  run(['notify', 'config', '--db', db, '--set', `notify.smtp_url=${smtp.url}`]);
  const again = await serve(db, ['--public-url', PUBLIC], METRICS);
  srv = { ...again, db, tokens, cleanup, as: (u) => makeClient(again.url).useToken(tokens[u]),
    stop: async () => { const code = await again.stop(); cleanup(); return code; } };
  await waitFor(() => sql(db, `SELECT count(*) FROM outbox WHERE case_id = '${c.id}' AND status = 'sent'`) === '5', 30000, 'delivery after the restart');
  await settled();
  const ok = deliveries(c.id).filter((x) => x.ok);
  assert.equal(ok.length, 5, ok.map((x) => `${x.user}:${x.id}`).join(' '));
  assert.equal(new Set(ok.map((x) => x.id)).size, 5, 'each notification delivered once');
  assert.deepEqual(ok.map((x) => x.user).sort(), ['adv', 'cw', 'le', 'med', 'mh']);
  run(['notify', 'config', '--db', db, '--set', 'notify.summons_interval=2']);
});

test('no delivered message carries the youth\'s name, aliases or birth date, and every webhook is signed', async () => {
  assert.ok(hook.received.length > 20 && smtp.messages.length > 5, `${hook.received.length} webhooks, ${smtp.messages.length} mails`);
  for (const r of hook.received) {
    for (const bad of [FIRST, LAST, BIRTH, '"Zee"', 'birth', 'first_name']) assert.ok(!r.body.includes(bad), `webhook body contains ${bad}: ${r.body}`);
    const user = r.path.split('/').pop();
    assert.ok(verifySignature(secretOf(user), r.headers, r.body), `signature of ${r.path}`);
    assert.ok(r.json.case_url.startsWith(`${PUBLIC}/cases/SH-`));
  }
  for (const m of smtp.messages) {
    for (const bad of [FIRST, LAST, BIRTH, 'Zee']) assert.ok(!m.data.includes(bad), `mail contains ${bad}`);
  }
  // nor the server log
  assert.ok(!srv.log().includes(FIRST) && !srv.log().includes(BIRTH));
});

test('the demo data has people on call: a new identification summons them', async () => {
  let token;
  const srv = await startServer({
    prepare: (db) => {
      assert.equal(cli(['demo', '--db', db]).status, 0);
      token = cli(['token', 'create', '--db', db, '--username', 'deputy.compton']).stdout.trim();
    },
  });
  try {
    const le = makeClient(srv.url).useToken(token);
    const c = await identify(le, { area: 'compton' });
    assert.equal(c.status, 201, c.text);
    const n = (await le.get(`/api/v1/cases/${c.json.id}/notifications`)).json;
    const advocates = n.summons.find((s) => s.agency.kind === 'advocacy');
    assert.equal(advocates.no_one_on_call, false, 'the demo advocate is on call');
    assert.equal(n.summons.find((s) => s.agency.kind === 'medical').no_one_on_call, true,
      'agencies without a supervisor in the demo have no shifts');
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});
