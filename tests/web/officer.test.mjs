// An officer on a phone (360x740) identifies a youth over a connection that drops the
// first answer: the app retries with the same Idempotency-Key, says "Saved" only once
// the server has it, shows the clocks, and the youth is recorded once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, startCounty } from '../api/harness.mjs';
import { countyWall, launch, minutesApart, open, PHONE, shot, signIn } from './browser.mjs';

let srv, browser;
before(async () => {
  srv = await startCounty();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0, 'the server exits cleanly (no leak under ASan)');
});

test('an officer identifies a youth on a phone, through a dropped answer', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  const keys = [];
  let dropped = false;
  await page.route('**/api/v1/cases', async (route) => {
    const req = route.request();
    if (req.method() !== 'POST') return route.continue();
    keys.push(req.headers()['idempotency-key']);
    if (!dropped) {
      dropped = true;
      await route.fetch();                 // the server gets it and saves the case...
      return route.abort('connectionreset'); // ...but the answer never arrives
    }
    return route.continue();
  });

  await page.goto('/');
  await signIn(page, 'le', PASSWORD);
  await page.getByRole('heading', { name: 'Identify a youth' }).waitFor();
  assert.equal(await page.evaluate(() => location.pathname), '/identify');
  // time of identification defaults to now; the area comes from the agency
  const when = await page.getByLabel('Time of identification').inputValue();
  assert.ok(minutesApart(when, countyWall(Date.now())) < 3, `default time ${when} is now, on the county's clock`);
  await page.locator('summary', { hasText: 'Area:' }).filter({ hasText: 'compton' }).waitFor();

  await page.getByLabel('Child welfare dependent').check();
  await page.getByLabel('Age estimate').fill('15');
  await page.getByLabel('First name').fill('Testa');
  await shot(page, 'officer-1-form');
  await page.getByRole('button', { name: 'Save identification' }).click();

  await page.getByText('Not saved yet: no connection').waitFor();
  assert.equal(await page.getByText('✓ Saved').count(), 0, 'no "saved" before the server answered');
  await page.getByRole('heading', { name: '✓ Saved' }).waitFor({ timeout: 15000 });
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'the retry carries the same Idempotency-Key');

  // the clocks: live countdowns, the hotline report due in 30 minutes
  const hotline = page.locator('.step[data-step="hotline_report"] .clock');
  const first = await hotline.textContent();
  assert.match(first, /^\d+:\d\d left$/);
  // it ticks without a reload (waited for, not slept: a loaded machine delays timers)
  await page.waitForFunction(
    ([sel, before]) => document.querySelector(sel)?.textContent !== before,
    ['.step[data-step="hotline_report"] .clock', first], { timeout: 10000 });
  assert.notEqual(await hotline.textContent(), first, 'the countdown ticks');
  assert.ok(await page.locator('.step[data-step="advocate_on_scene"] .clock-ok').count());
  await shot(page, 'officer-2-saved');

  const id = (await page.locator('.saved .case-id').textContent()).trim();
  const list = await srv.as('le').get('/api/v1/cases');
  assert.deepEqual(list.json.items.map((c) => c.id), [id], 'recorded once');
  // the device is in Tokyo; the case shows the county's time, its zone named
  await page.goto(`/cases/${id}`);
  const identified = page.locator('dt', { hasText: 'Identified' }).locator('xpath=following-sibling::dd[1]');
  const shown = await identified.textContent();
  assert.match(shown, /P[SD]T/, shown);
  const t0 = Date.parse((await srv.as('le').get(`/api/v1/cases/${id}`)).json.identified_at);
  const hm = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', hour: '2-digit', minute: '2-digit' }).format(t0);
  assert.ok(shown.includes(hm), `${shown} shows ${hm}, county time`);

  // no personal data left in the tab's storage after sign-out
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Username').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length + localStorage.length), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a refused identification shows the reason next to the field', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/identify');
  await signIn(page, 'le', PASSWORD);
  await page.getByLabel('Birth date').fill('1990-01-01'); // too old for the protocol
  await page.getByRole('button', { name: 'Save identification' }).click();
  const msg = page.locator('[data-field="youth.birth_date"] .msg.error');
  await msg.waitFor();
  assert.match(await msg.textContent(), /protocol serves ages/);
  assert.equal(await page.getByLabel('Birth date').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(problems, []);
  await context.close();
});
