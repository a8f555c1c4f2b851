// A session that ends while the officer is typing: the form stays as it is, a dialog
// asks for the password, and the identification is sent once signed in again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, startCounty } from '../api/harness.mjs';
import { launch, open, PHONE, shot, signIn } from './browser.mjs';

const IDLE = 3; // seconds of inactivity that end a session on this server
let srv, browser;
before(async () => {
  srv = await startCounty({ args: ['--session-idle', String(IDLE)] });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
});

test('an expired session keeps the form and retries after signing in again', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/');
  await signIn(page, 'le', PASSWORD);
  await page.getByLabel('Age estimate').fill('14');
  await page.getByLabel('First name').fill('Sessiona');
  await page.getByLabel('Probation ward', { exact: true }).check();
  await page.waitForTimeout((IDLE + 1.5) * 1000);
  await page.getByRole('button', { name: 'Save identification' }).click();

  const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
  await dialog.waitFor();
  // everything typed is still there, under the dialog
  assert.equal(await page.getByLabel('Age estimate').inputValue(), '14');
  assert.equal(await page.getByLabel('First name').inputValue(), 'Sessiona');
  assert.ok(await page.getByLabel('Probation ward', { exact: true }).isChecked());
  await shot(page, 'session-1-dialog');

  await dialog.getByLabel('Password').fill('wrong-password');
  await dialog.getByRole('button', { name: 'Sign in and continue' }).click();
  await dialog.getByText('That password did not work.').waitFor();
  await dialog.getByLabel('Password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Sign in and continue' }).click();
  await page.getByRole('heading', { name: '✓ Saved' }).waitFor();
  assert.equal(await dialog.count(), 0);
  await shot(page, 'session-2-saved');

  const list = await srv.as('le').get('/api/v1/cases');
  assert.equal(list.json.items.length, 1, 'one case');
  assert.deepEqual(problems, []);
  await context.close();
});
