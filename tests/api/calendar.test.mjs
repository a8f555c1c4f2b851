// The agenda (GET /api/v1/agenda) and the calendar feeds (/api/v1/me/calendar,
// GET /calendar/{token}.ics): one agency's deadlines, MDT meetings, its witnesses' hearings
// and its on-call shifts, only from the cases it may see, with no youth names; the feed is
// RFC 5545 iCalendar, audited at every fetch, and dies when replaced or ended.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import {
  startCounty, identify, invite, isoMinutesAgo, isoDaysAhead as inDays, assertProblem, signInApi, countyDate, makeClient,
} from './harness.mjs';

let srv;
const ids = {};
const NAMES = ['Quillon', 'Marrowbey', 'Orsolya', 'Thistlewood', '2011-04-02', '2010-09-09'];
const COURT_B = 'Superior Court, Dept. 5; synthetic';

async function hearingFor(caseId, identifier, court, days) {
  await invite(srv, identifier, caseId, 'pros');
  const p = await srv.as('pros').post('/api/v1/prosecutions', {
    court_case_number: `BA${Math.floor(Math.random() * 1e6)}`, court, charges: ['PC 236.1(c)'],
    filed_at: isoMinutesAgo(60 * 24),
  });
  assert.equal(p.status, 201, p.text);
  assert.equal((await srv.as('pros').post(`/api/v1/prosecutions/${p.json.id}/witnesses`, { case_id: caseId })).status, 201);
  const h = await srv.as('pros').post(`/api/v1/prosecutions/${p.json.id}/hearings`, { kind: 'preliminary', at: inDays(days) });
  assert.equal(h.status, 201, h.text);
  return h.json.id;
}

before(async () => {
  srv = await startCounty();
  // case A: Sheriff Station A's (compton); case B: City Police B's (long_beach): child welfare
  // and the advocates take part in both, each station only in its own
  ids.A = (await identify(srv.as('le'), { youth: { birth_date: '2011-04-02', first_name: 'Quillon', last_name: 'Marrowbey' } })).json.id;
  ids.B = (await identify(srv.as('le2'), { area: 'long_beach', youth: { birth_date: '2010-09-09', first_name: 'Orsolya', last_name: 'Thistlewood' } })).json.id;
  ids.hearingA = await hearingFor(ids.A, 'le', 'Superior Court (synthetic)', 5);
  ids.hearingB = await hearingFor(ids.B, 'le2', COURT_B, 4);
  // the advocate is on call for the next eight hours
  const advAgency = (await srv.as('adv').get('/api/v1/me')).json.user.agency.id;
  const people = (await srv.as('adv_sup').get('/api/v1/users')).json.items;
  const r = await srv.as('adv_sup').post(`/api/v1/agencies/${advAgency}/roster`, {
    user_id: people.find((u) => u.username === 'adv').id, supervisor_id: people.find((u) => u.username === 'adv_sup').id,
    starts_at: inDays(1 / 24), ends_at: inDays(9 / 24),
  });
  assert.equal(r.status, 201, r.text);
  ids.shift = r.json.id;
});
after(async () => { assert.equal(await srv.stop(), 0); });

const agenda = async (user, q = '') => {
  const r = await srv.as(user).get(`/api/v1/agenda${q}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};

test("an agency's agenda: its deadlines, each case's MDT meeting, its witnesses' hearings and its shifts, only of cases it sees", async () => {
  const le = await agenda('le');
  assert.equal(le.from, countyDate(Date.now()), 'from today, in county days');
  assert.equal(le.to, countyDate(Date.now(), 13), 'two weeks by default');
  assert.equal(le.timezone, 'America/Los_Angeles');
  const mine = le.items.filter((i) => i.case_id === ids.A);
  assert.ok(mine.some((i) => i.kind === 'step' && i.step.key === 'hotline_report' && i.step.owner === 'law_enforcement'), JSON.stringify(le.items));
  assert.ok(mine.some((i) => i.kind === 'mdt' && i.step.owner === 'child_welfare'), 'the MDT meeting, whoever convenes it');
  const hearing = mine.find((i) => i.kind === 'hearing');
  assert.equal(hearing.hearing.id, ids.hearingA);
  assert.equal(hearing.title, 'Preliminary hearing');
  assert.ok(!le.items.some((i) => i.case_id === ids.B), "another station's case, and its hearing, are absent");
  assert.ok(!le.items.some((i) => i.hearing?.id === ids.hearingB));
  assert.ok(!le.items.some((i) => i.kind === 'shift'), "the advocates' shifts are theirs");
  // every step is one the agency owes, or an MDT meeting
  assert.ok(le.items.filter((i) => i.kind === 'step').every((i) => i.step.owner === 'law_enforcement' || i.step.also_owner === 'law_enforcement'));
  // in time order, each with a stable uid and its county day
  const times = le.items.map((i) => Date.parse(i.at));
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
  assert.equal(new Set(le.items.map((i) => i.uid)).size, le.items.length);
  assert.equal(hearing.day, countyDate(Date.parse(hearing.at)));
  for (const n of NAMES) assert.ok(!JSON.stringify(le).includes(n), `no youth names or birth dates (${n})`);

  const le2 = await agenda('le2');
  assert.ok(le2.items.some((i) => i.hearing?.id === ids.hearingB));
  assert.ok(!le2.items.some((i) => i.case_id === ids.A));
  // child welfare takes part in both
  const cw = await agenda('cw');
  assert.ok(cw.items.some((i) => i.case_id === ids.A) && cw.items.some((i) => i.case_id === ids.B));
  // the advocates: their shift, with the people on it
  const adv = await agenda('adv');
  const shift = adv.items.find((i) => i.kind === 'shift');
  assert.equal(shift.shift.id, ids.shift);
  assert.equal(shift.shift.on_call.name, 'Synthetic adv');
  assert.equal(shift.case_id, null);
  // medical does not read court matters: no hearings at all
  const med = await agenda('med');
  assert.ok(med.items.some((i) => i.case_id === ids.A), 'its own deadlines');
  assert.ok(!med.items.some((i) => i.kind === 'hearing'));
});

test('the window is in county days and bounded; analysts and admins have none', async () => {
  const from = countyDate(Date.now(), 4), to = countyDate(Date.now(), 6);
  const r = await agenda('le', `?from=${from}&to=${to}`);
  assert.equal(r.from, from);
  assert.ok(r.items.some((i) => i.hearing?.id === ids.hearingA), 'the hearing in five days');
  assert.ok(!r.items.some((i) => i.step?.key === 'hotline_report'), 'not today');
  assertProblem(await srv.as('le').get('/api/v1/agenda?from=2026-02-30'), 422, 'from');
  assertProblem(await srv.as('le').get(`/api/v1/agenda?from=${to}&to=${from}`), 422, 'to');
  assertProblem(await srv.as('le').get(`/api/v1/agenda?from=${from}&to=${countyDate(Date.now(), 200)}`), 422, 'to');
  assertProblem(await srv.as('le').get('/api/v1/agenda?mine=maybe'), 422, 'mine');
  assertProblem(await srv.as('analyst').get('/api/v1/agenda'), 403);
  assertProblem(await srv.as('admin').get('/api/v1/agenda'), 403);
});

test('"mine": the cases one is the named worker on, and one\'s own shifts', async () => {
  const other = (await identify(srv.as('le'))).json.id;
  const me = (await srv.as('le').get('/api/v1/me')).json.user;
  const w = await srv.as('le').post(`/api/v1/cases/${ids.A}/events`, { type: 'worker_assigned', at: isoMinutesAgo(0), user_id: me.id });
  assert.equal(w.status, 201, w.text);
  const all = await agenda('le');
  assert.ok(all.items.some((i) => i.case_id === other));
  const r = await agenda('le', '?mine=1');
  assert.equal(r.mine, true);
  assert.ok(r.items.some((i) => i.case_id === ids.A));
  assert.ok(r.items.filter((i) => i.case_id === ids.A && i.kind === 'step').every((i) => i.worker.id === me.id));
  assert.ok(!r.items.some((i) => i.case_id === other));
  assert.ok((await agenda('adv', '?mine=1')).items.some((i) => i.kind === 'shift'), "the advocate's own shift");
  assert.ok(!(await agenda('adv_sup', '?mine=1')).items.some((i) => i.kind === 'step'));
});

test('reading the agenda is audited for each case on it', async () => {
  await agenda('le');
  const a = await srv.as('le_sup').get(`/api/v1/cases/${ids.A}/audit?limit=500`);
  assert.equal(a.status, 200, a.text);
  assert.ok(a.json.items.some((x) => x.action === 'agenda.read' && x.user === 'Synthetic le'), JSON.stringify(a.json.items.slice(0, 5)));
});

// Checks what RFC 5545 asks of the text itself, then parses it with ical.js.
function parseFeed(text) {
  assert.ok(text.endsWith('\r\n'));
  for (const line of text.split('\r\n').slice(0, -1)) {
    assert.ok(Buffer.byteLength(line) <= 75, `a line of at most 75 octets: ${JSON.stringify(line)}`);
    assert.ok(!line.includes('\n') && !line.includes('\r'), 'CRLF only');
  }
  const unfolded = text.replace(/\r\n[ \t]/g, '');
  const cal = new ICAL.Component(ICAL.parse(text));
  assert.equal(cal.name, 'vcalendar');
  assert.equal(cal.getFirstPropertyValue('version'), '2.0');
  assert.ok(cal.getFirstPropertyValue('prodid'));
  const events = cal.getAllSubcomponents('vevent');
  for (const e of events) {
    for (const p of ['uid', 'dtstamp', 'dtstart', 'summary']) assert.equal(e.getAllProperties(p).length, 1, `one ${p}`);
    for (const p of ['dtstamp', 'dtstart', 'dtend']) {
      const v = e.getFirstProperty(p);
      if (v) assert.equal(v.getFirstValue().zone, ICAL.Timezone.utcTimezone, `${p} in UTC`);
    }
  }
  for (const m of unfolded.matchAll(/^(DTSTAMP|DTSTART|DTEND):(.*)$/gm)) assert.match(m[2], /^\d{8}T\d{6}Z$/);
  return { cal, events, unfolded };
}

const fetchFeed = (url) => fetch(url);

test('a calendar feed: iCalendar at a secret link, no youth names, only what the agency sees, every fetch audited', async () => {
  const le = await signInApi(srv.url, 'le');
  assertProblem(await srv.as('le').post('/api/v1/me/calendar', {}), 403); // not with a bearer token
  assertProblem(await signInApi(srv.url, 'admin').then((c) => c.post('/api/v1/me/calendar', {})), 403);
  assert.equal((await le.get('/api/v1/me/calendar')).json.active, false);
  const made = await le.post('/api/v1/me/calendar', {});
  assert.equal(made.status, 201, made.text);
  assert.match(made.json.path, /^\/calendar\/[0-9a-f]{64}\.ics$/);
  assert.equal(made.json.url, `${srv.url}${made.json.path}`);
  const r = await fetchFeed(made.json.url);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/calendar; charset=utf-8/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const text = await r.text();
  const { events, unfolded } = parseFeed(text);
  const summaries = events.map((e) => e.getFirstPropertyValue('summary'));
  assert.ok(summaries.some((s) => s.includes(ids.A) && s.includes('Report to the child-abuse hotline')), summaries.join('\n'));
  assert.ok(summaries.some((s) => s.includes(ids.A) && /hearing/i.test(s)));
  assert.ok(events.some((e) => e.getFirstPropertyValue('url') === `${srv.url}/cases/${ids.A}`));
  assert.ok(!text.includes(ids.B) && !unfolded.includes(ids.B), "another station's case is not in it");
  for (const n of NAMES) assert.ok(!unfolded.includes(n), `no youth names or birth dates (${n})`);
  // the same items keep their UIDs from one fetch to the next
  const again = parseFeed(await (await fetchFeed(made.json.url)).text());
  assert.deepEqual(again.events.map((e) => e.getFirstPropertyValue('uid')).sort(), events.map((e) => e.getFirstPropertyValue('uid')).sort());
  // every fetch is audited, under the feed's owner, in the case's "who viewed"
  const a = await srv.as('le_sup').get(`/api/v1/cases/${ids.A}/audit?limit=500`);
  assert.ok(a.json.items.filter((x) => x.action === 'calendar.feed' && x.user === 'Synthetic le').length >= 2);
  const shown = (await le.get('/api/v1/me/calendar')).json;
  assert.equal(shown.active, true);
  assert.ok(shown.used_at, 'when it was last fetched');
});

test('text is escaped: a court named with a comma and a semicolon', async () => {
  const le2 = await signInApi(srv.url, 'le2');
  const made = (await le2.post('/api/v1/me/calendar', {})).json;
  const text = await (await fetchFeed(made.url)).text();
  const { events, unfolded } = parseFeed(text);
  assert.ok(unfolded.includes('LOCATION:Superior Court\\, Dept. 5\\; synthetic'), unfolded);
  assert.ok(events.some((e) => e.getFirstPropertyValue('location') === COURT_B));
});

test('a replaced or ended link is a 404, as one that never was; so is one whose owner is disabled', async () => {
  const cw = await signInApi(srv.url, 'cw');
  const first = (await cw.post('/api/v1/me/calendar', {})).json;
  assert.equal((await fetchFeed(first.url)).status, 200);
  const second = (await cw.post('/api/v1/me/calendar', { mine: true })).json;
  assert.notEqual(second.path, first.path);
  assert.equal(second.mine, true);
  assert.equal((await fetchFeed(first.url)).status, 404, 'the old link is dead');
  assert.equal((await fetchFeed(second.url)).status, 200);
  assert.equal((await cw.request('DELETE', '/api/v1/me/calendar')).status, 204);
  const gone = await fetchFeed(second.url);
  assert.equal(gone.status, 404);
  assert.equal((await cw.get('/api/v1/me/calendar')).json.active, false);
  const guess = await fetchFeed(`${srv.url}/calendar/${'0'.repeat(64)}.ics`);
  assert.equal(guess.status, 404);
  assert.deepEqual(await gone.json().then((j) => j.detail), await guess.json().then((j) => j.detail));
  assert.equal((await fetchFeed(`${srv.url}/calendar/not-a-token.ics`)).status, 404);
  // a disabled account's link stops at once, and enabling it does not bring it back
  const prob = await signInApi(srv.url, 'prob');
  const link = (await prob.post('/api/v1/me/calendar', {})).json.url;
  assert.equal((await fetchFeed(link)).status, 200);
  const pid = (await srv.as('prob').get('/api/v1/me')).json.user.id;
  const admin = makeClient(srv.url).useToken(srv.tokens.admin);
  assert.equal((await admin.post(`/api/v1/users/${pid}/disable`, {})).status, 200);
  assert.equal((await fetchFeed(link)).status, 404);
  assert.equal((await admin.post(`/api/v1/users/${pid}/enable`, {})).status, 200);
  assert.equal((await fetchFeed(link)).status, 404);
  // moved to another agency: the link made for the old one stops too
  const again = (await (await signInApi(srv.url, 'prob')).post('/api/v1/me/calendar', {})).json.url;
  assert.equal((await fetchFeed(again)).status, 200);
  const cwAgency = (await srv.as('cw').get('/api/v1/me')).json.user.agency.id;
  const moved = await admin.request('PATCH', `/api/v1/users/${pid}`, { body: { agency_id: cwAgency } });
  assert.equal(moved.status, 200, moved.text);
  assert.equal((await fetchFeed(again)).status, 404);
});
