// The Agenda screen and the calendar link, at 360 px and on a desktop: a deputy sees the
// station's deadlines, the hearing of its case's witness and its on-call shift day by day in
// county time (the device is in Tokyo), never another station's case; "only mine" narrows
// it; times a year ahead carry the year; child welfare sees both stations' cases and the
// MDT meetings; the calendar link is made, read by a calendar app and ended on "Your account".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { countyDate, countyDayEnd, identify, invite, isoDaysAhead as inDays, isoMinutesAgo, PASSWORD, startCounty } from '../api/harness.mjs';
import { fitsWidth, launch, open, PHONE, shot, signIn } from './browser.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let srv, browser;
const ids = {};

before(async () => {
  srv = await startCounty();
  browser = await launch();
  ids.A = (await identify(srv.as('le'), { youth: { birth_date: '2011-04-02', first_name: 'Quillon', last_name: 'Marrowbey' } })).json.id;
  ids.B = (await identify(srv.as('le2'), { area: 'long_beach' })).json.id;
  await invite(srv, 'le', ids.A, 'pros');
  const p = await srv.as('pros').post('/api/v1/prosecutions', { court_case_number: 'SYN-AGENDA-1', court: 'Synthetic Court, Dept. 3',
    charges: ['PC 236.1'], filed_at: isoMinutesAgo(60) });
  assert.equal(p.status, 201, p.text);
  assert.equal((await srv.as('pros').post(`/api/v1/prosecutions/${p.json.id}/witnesses`, { case_id: ids.A })).status, 201);
  for (const days of [3, 400]) {
    const h = await srv.as('pros').post(`/api/v1/prosecutions/${p.json.id}/hearings`, { kind: 'preliminary', at: inDays(days) });
    assert.equal(h.status, 201, h.text);
  }
  // the deputy is on call tonight, from an hour from now but before the county's midnight:
  // late in the evening the deadlines all fall tomorrow, and the shift is what today shows
  const me = (await srv.as('le').get('/api/v1/me')).json.user;
  const sup = (await srv.as('le_sup').get('/api/v1/me')).json.user;
  const start = Math.min(Date.now() + 3600e3, Date.parse(countyDayEnd(Date.now())) - 60e3);
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const r = await srv.as('le_sup').post(`/api/v1/agencies/${me.agency.id}/roster`, { user_id: me.id, supervisor_id: sup.id,
    starts_at: iso(start), ends_at: iso(start + 8 * 3600e3) });
  assert.equal(r.status, 201, r.text);
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
});

async function axeSerious(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.length}`));
}

test('a deputy at 360 px: the station\'s deadlines, its witness\'s hearing and its shift, day by day in county time', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/');
  await signIn(page, 'le', PASSWORD);
  await page.getByRole('link', { name: 'Agenda' }).click();
  await page.getByRole('heading', { name: 'Agenda', level: 1 }).waitFor();
  const today = page.locator('section.agenda-day').first();
  assert.match(await today.getByRole('heading').textContent(), /^Today, /);
  const hotline = page.locator('.agenda-item', { hasText: 'Report to the child-abuse hotline' });
  await hotline.waitFor();
  assert.match(await hotline.textContent(), new RegExp(ids.A));
  assert.match(await hotline.locator('.agenda-time').textContent(), /P[SD]T/, 'the county\'s zone, named, in Tokyo');
  await hotline.locator('.clock').waitFor();
  const hearing = page.locator('.agenda-item[data-kind="hearing"]');
  assert.equal(await hearing.count(), 1, 'the hearing in three days; the one next year is outside two weeks');
  assert.match(await hearing.textContent(), /Preliminary hearing.*Synthetic Court, Dept\. 3/s);
  const hearingDay = await hearing.evaluate((li) => li.closest('section').querySelector('h2').id);
  assert.equal(hearingDay, `day-${countyDate(Date.now(), 3)}`);
  const shift = page.locator('.agenda-item[data-kind="shift"]');
  assert.match(await shift.textContent(), /on call: Synthetic le/);
  await page.locator('.agenda-item[data-kind="mdt"]', { hasText: ids.A }).waitFor();
  assert.equal(await page.locator('.agenda-item', { hasText: ids.B }).count(), 0, "another station's case is not there");
  assert.equal(await page.getByText('Quillon').count(), 0, 'no youth name');
  assert.ok(await fitsWidth(page), 'no sideways scrolling at 360 px');
  await shot(page, 'agenda-phone');
  // only mine: the deputy is nobody's named worker yet, but is on the shift
  await page.getByLabel('Only my cases and my shifts').check();
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/mine=1/);
  await page.locator('.lead', { hasText: 'my cases and shifts' }).waitFor();
  await page.locator('.agenda-item[data-kind="shift"]').waitFor();
  assert.equal(await page.locator('.agenda-item[data-kind="step"]').count(), 0);
  // a year ahead: the day and the time carry the year
  const next = countyDate(Date.now(), 397);
  await page.goto(`/agenda?from=${next}&days=7`);
  const far = page.locator('.agenda-item[data-kind="hearing"]');
  await far.waitFor();
  const year = next.slice(0, 4);
  assert.match(await far.locator('.agenda-more').textContent(), new RegExp(`${year}.*P[SD]T`), 'the year when it is not this year, and the zone');
  assert.match(await page.locator('section.agenda-day h2').first().textContent(), new RegExp(year));
  assert.deepEqual(problems, []);
  await context.close();
});

test('child welfare on a desktop: both stations\' cases and their MDT meetings', async () => {
  const { context, page, problems } = await open(browser, srv.url);
  await page.goto('/agenda');
  await signIn(page, 'cw', PASSWORD);
  await page.getByRole('heading', { name: 'Agenda', level: 1 }).waitFor();
  await page.locator('.agenda-item[data-kind="mdt"]', { hasText: ids.A }).waitFor();
  await page.locator('.agenda-item[data-kind="mdt"]', { hasText: ids.B }).waitFor();
  assert.match(await page.locator('.agenda-item[data-kind="mdt"]').first().textContent(), /owed by Child welfare/);
  assert.equal(await page.locator('.agenda-item[data-kind="shift"]').count(), 0, "the station's shifts are its own");
  assert.deepEqual(await axeSerious(page), []);
  assert.ok(await fitsWidth(page));
  await shot(page, 'agenda-desktop');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the calendar link: made on "Your account", read by a calendar app, ended', async () => {
  for (const viewport of [PHONE, { width: 1024, height: 800 }]) {
    const { context, page, problems } = await open(browser, srv.url, { viewport });
    await page.goto('/account#calendar');
    await signIn(page, 'le', PASSWORD);
    await page.getByRole('heading', { name: 'Calendar' }).waitFor();
    await page.getByText('You have no calendar link.').waitFor();
    await page.getByRole('button', { name: 'Make a calendar link' }).click();
    const link = page.getByLabel('Your calendar link');
    await link.waitFor();
    const url = await link.inputValue();
    assert.match(url, /\/calendar\/[0-9a-f]{64}\.ics$/);
    await page.getByText(/A calendar link is in use/).waitFor();
    const feed = await fetch(url);
    assert.equal(feed.status, 200);
    const text = await feed.text();
    assert.ok(text.startsWith('BEGIN:VCALENDAR\r\n') && text.includes(ids.A) && !text.includes(ids.B) && !text.includes('Quillon'));
    assert.deepEqual(await axeSerious(page), []);
    assert.ok(await fitsWidth(page));
    await shot(page, `account-calendar-${viewport.width}`);
    await page.getByRole('button', { name: 'End the link' }).click();
    await page.getByText('You have no calendar link.').waitFor();
    assert.equal((await fetch(url)).status, 404);
    assert.deepEqual(problems, []);
    await context.close();
  }
});
