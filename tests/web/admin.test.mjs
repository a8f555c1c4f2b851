// Admin: add a user, disable and enable them, reset their password.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, startCounty } from '../api/harness.mjs';
import { fitsWidth, launch, open, PHONE, shot, signIn } from './browser.mjs';

let srv, browser;
before(async () => {
  srv = await startCounty();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
});

test('an admin adds, disables, enables and resets a user', async () => {
  const { context, page, problems } = await open(browser, srv.url);
  await page.goto('/');
  await signIn(page, 'admin', PASSWORD);
  await page.getByRole('heading', { name: 'Admin' }).waitFor();
  await page.getByText('Add a user').click();
  const form = page.locator('form', { has: page.getByRole('button', { name: 'Add user' }) });
  await form.getByLabel('Agency').selectOption({ label: 'Advocates United' });
  await form.getByLabel('Username').fill('new.advocate');
  await form.getByLabel('Display name').fill('Synthetic New Advocate');
  await form.getByLabel('Initial password').fill('short');
  await form.getByRole('button', { name: 'Add user' }).click();
  await form.locator('[data-field="password"] .msg.error').waitFor(); // too short: said next to the field
  await form.getByLabel('Initial password').fill('synthetic-pass-456');
  await form.getByRole('button', { name: 'Add user' }).click();
  const row = page.locator('tr[data-user="new.advocate"]');
  await row.waitFor();

  await row.getByRole('button', { name: /^Disable/ }).click();
  await row.getByText('Disabled').waitFor();
  await row.getByRole('button', { name: /^Enable/ }).click();
  await row.getByText('Active').waitFor();
  await row.getByRole('button', { name: /^Reset password/ }).click();
  await row.getByLabel('New password for new.advocate').fill('synthetic-pass-789');
  await row.getByRole('button', { name: 'Set password' }).click();
  await row.getByRole('button', { name: /^Reset password/ }).waitFor();
  await shot(page, 'admin');

  const r = await fetch(`${srv.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'new.advocate', password: 'synthetic-pass-789' }) });
  assert.equal(r.status, 200, 'the new password works');
  assert.deepEqual(problems, []);
  await context.close();
});

test('disabling an agency asks first, at 360 px: cancel keeps it; confirming stops its people signing in', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/admin');
  await signIn(page, 'admin', PASSWORD);
  const row = page.locator('tr', { has: page.getByRole('rowheader', { name: 'Emergency Shelter' }) });
  await row.getByRole('button', { name: 'Disable Emergency Shelter' }).click();
  const ask = row.getByRole('group', { name: 'Disable Emergency Shelter?' });
  await ask.waitFor();
  assert.match(await ask.textContent(), /Its 1 person can no longer sign in/);
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await row.getByText('Active').waitFor();
  assert.equal((await srv.as('shelter').get('/api/v1/me')).status, 200, 'nothing happened');
  await row.getByRole('button', { name: 'Disable Emergency Shelter' }).click();
  assert.ok(await fitsWidth(page));
  await shot(page, 'admin-confirm-phone');
  await ask.getByRole('button', { name: 'Disable Emergency Shelter' }).click();
  await row.getByText('Disabled').waitFor();
  assert.equal((await srv.as('shelter').get('/api/v1/me')).status, 401);
  await row.getByRole('button', { name: 'Enable Emergency Shelter' }).click(); // no question to enable
  await row.getByText('Active').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test("an admin changes a user's name, contact, role and agency, and an agency's areas from the county's areas", async () => {
  const { context, page, problems } = await open(browser, srv.url);
  await page.goto('/admin');
  await signIn(page, 'admin', PASSWORD);
  // a user: name and contact, then another agency and role (a refusal first, by its field)
  const row = page.locator('tr[data-user="prob"]');
  await row.getByRole('button', { name: 'Change prob' }).click();
  const form = page.getByRole('form', { name: 'Change prob' });
  await form.getByLabel('Display name').fill('Synthetic Probation Officer');
  await form.getByLabel('Contact').fill('555-0100');
  await form.getByLabel('Role').selectOption('supervisor');
  await form.getByLabel('Agency').selectOption({ label: 'Child Welfare' });
  await form.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('tr[data-user="prob"]', { hasText: 'Synthetic Probation Officer' }).waitFor();
  const u = (await srv.as('admin').get('/api/v1/users')).json.items.find((x) => x.username === 'prob');
  assert.deepEqual([u.display_name, u.contact, u.role, u.agency.name], ['Synthetic Probation Officer', '555-0100', 'supervisor', 'Child Welfare']);
  // an agency: its areas ticked from the county's areas, a bad new one refused beside the field
  const ag = page.locator('tr', { has: page.getByRole('rowheader', { name: 'City Police B' }) });
  await ag.getByRole('button', { name: 'Change City Police B' }).click();
  const af = page.getByRole('form', { name: 'Change City Police B' });
  assert.equal(await af.getByLabel('long beach').isChecked(), true, 'what it serves now is ticked');
  await af.getByLabel('compton').check();
  await af.getByLabel('Other areas').fill('Not An Area');
  await af.getByRole('button', { name: 'Save changes' }).click();
  await af.locator('[data-field="areas"] .msg.error').first().waitFor();
  await af.getByLabel('Other areas').fill('signal_hill');
  await af.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('tr', { has: page.getByRole('rowheader', { name: 'City Police B' }) }).filter({ hasText: 'signal_hill' }).waitFor();
  const b = (await srv.as('admin').get('/api/v1/agencies')).json.items.find((x) => x.name === 'City Police B');
  assert.deepEqual([...b.areas].sort(), ['compton', 'long_beach', 'signal_hill']);
  await shot(page, 'admin-change');
  assert.deepEqual(problems, []);
  await context.close();
});

test("a supervisor's shift is for an area chosen from the agency's areas, not typed", async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/oncall');
  await signIn(page, 'le_sup', PASSWORD);
  await page.getByText('Add a shift').click();
  const area = page.locator('form', { has: page.getByRole('button', { name: 'Add shift' }) }).getByLabel('Area');
  assert.equal(await area.evaluate((el) => el.tagName), 'SELECT');
  assert.deepEqual(await area.locator('option').allTextContents(), ['All areas', 'compton']);
  assert.deepEqual(problems, []);
  await context.close();
});
