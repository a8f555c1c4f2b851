// Admin: add a user, disable and enable them, reset their password.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, startCounty } from '../api/harness.mjs';
import { launch, open, shot, signIn } from './browser.mjs';

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
