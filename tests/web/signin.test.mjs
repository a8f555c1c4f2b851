// Sign-in with a second factor (issue 19): a supervisor sets up an authenticator app at the
// first sign-in (the QR code and the key on a phone screen, the recovery codes once), then
// gives its code after the password; a session that locks while a form is being filled in
// asks for the password and the code, and keeps what was typed; people change their own
// password; an admin resets a lost factor. Codes are computed by the test (node:crypto).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, nextCode, startCounty, totpAt, stepNow } from '../api/harness.mjs';
import { launch, open, PHONE, shot, signIn } from './browser.mjs';

let srv, browser;
before(async () => {
  srv = await startCounty({ args: ['--session-idle', '5'] });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
});

async function password(page, username, pw = PASSWORD) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(pw);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

test('a supervisor sets up an authenticator app on a phone at the first sign-in, then gives its code', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/');
  await password(page, 'cw_sup');
  await page.getByRole('heading', { name: 'Set up an authenticator app' }).waitFor();
  const qr = page.locator('svg.qr');
  assert.ok((await qr.boundingBox()).width >= 150, 'the QR code is large enough to scan');
  assert.equal(await page.getByRole('link', { name: 'What we owe now' }).count(), 0, 'nothing else is reachable');
  await shot(page, 'signin-1-enrol-phone');
  const secret = (await page.locator('.totp-secret').textContent()).replace(/\s/g, '');
  await page.getByLabel('Code from the app').fill(String((Number(totpAt(secret, stepNow())) + 1) % 1e6).padStart(6, '0'));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.locator('[data-field="code"] .msg.error').waitFor();
  const step = stepNow(); // the current step: accepted for 30 s at least (now - 1 may lapse mid-request)
  await page.getByLabel('Code from the app').fill(totpAt(secret, step));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
  assert.equal(await page.locator('ol.recovery-codes li').count(), 10);
  await shot(page, 'signin-2-recovery-codes');
  const { rememberSecret } = await import('../api/harness.mjs');
  rememberSecret(srv.url, 'cw_sup', secret, step);
  await page.getByRole('button', { name: 'I have kept them: continue' }).click();
  await page.getByRole('heading', { name: 'What we owe now' }).waitFor();
  await context.close();

  // the next time: the password, then the code
  const next = await open(browser, srv.url, { viewport: PHONE });
  await next.page.goto('/');
  await password(next.page, 'cw_sup');
  await next.page.getByRole('heading', { name: 'Enter your code' }).waitFor();
  await next.page.getByLabel('Code', { exact: true }).fill('000000');
  await next.page.getByRole('button', { name: 'Continue' }).click();
  await next.page.getByText('That code did not work.').waitFor();
  await shot(next.page, 'signin-3-code');
  // a reload in the middle keeps the step
  await next.page.reload();
  await next.page.getByRole('heading', { name: 'Enter your code' }).waitFor();
  await next.page.getByLabel('Code', { exact: true }).fill(await nextCode(srv.url, 'cw_sup'));
  await next.page.getByRole('button', { name: 'Continue' }).click();
  await next.page.getByRole('button', { name: 'Sign out' }).waitFor();
  assert.deepEqual([...problems, ...next.problems], []);
  await next.context.close();
});

test('a locked session asks for the password and the code, and keeps what was typed', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/');
  await signIn(page, 'le_sup', PASSWORD);
  await page.goto('/identify');
  await page.getByLabel('Age estimate').fill('15');
  await page.getByLabel('First name').fill('Lockeda');
  const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
  await dialog.waitFor({ timeout: 30000 });
  assert.equal(await page.getByLabel('First name').count(), 0, 'the form is off the screen');
  await dialog.getByLabel('Password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Sign in and continue' }).click();
  await dialog.getByLabel('Code', { exact: true }).waitFor();
  await shot(page, 'signin-4-lock-code');
  await dialog.getByLabel('Code', { exact: true }).fill(await nextCode(srv.url, 'le_sup'));
  await dialog.getByRole('button', { name: 'Sign in and continue' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.getByLabel('First name').inputValue(), 'Lockeda');
  assert.equal(await page.getByLabel('Age estimate').inputValue(), '15');
  await page.getByLabel('Probation ward', { exact: true }).check();
  await page.getByRole('button', { name: 'Save identification' }).click();
  await page.getByRole('heading', { name: '✓ Saved' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('people change their own password; an admin resets a lost authenticator app', async () => {
  const { context, page, problems } = await open(browser, srv.url);
  await page.goto('/');
  await signIn(page, 'med', PASSWORD);
  await page.getByRole('link', { name: /Synthetic med/ }).click();
  await page.getByRole('heading', { name: 'Your account' }).waitFor();
  await page.getByLabel('Current password').fill('not-my-password-1');
  await page.getByLabel('New password').fill('fresh-synthetic-pass-31');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.locator('[data-field="old_password"] .msg.error').waitFor();
  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('Password changed.').first().waitFor();
  await shot(page, 'signin-5-account');
  // setting up an authenticator app from a session signed in earlier asks for the password again
  await page.getByLabel('Your password').fill('not-my-password-1');
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await page.locator('.factor-setup [data-field="password"] .msg.error').waitFor();
  await page.getByLabel('Your password').fill('fresh-synthetic-pass-31');
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await page.getByRole('heading', { name: 'Set up an authenticator app' }).waitFor();
  const r = await fetch(`${srv.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'med', password: 'fresh-synthetic-pass-31' }) });
  assert.equal(r.status, 200, 'the new password works');
  await context.close();

  const admin = await open(browser, srv.url);
  await admin.page.goto('/');
  await signIn(admin.page, 'admin', PASSWORD);
  const row = admin.page.locator('tr[data-user="cw_sup"]');
  await row.getByRole('button', { name: /^Reset second factor/ }).click();
  await row.getByRole('button', { name: /^Reset second factor/ }).waitFor({ state: 'detached' });
  await admin.context.close();
  const sup = await open(browser, srv.url);
  await sup.page.goto('/');
  await password(sup.page, 'cw_sup');
  await sup.page.getByRole('heading', { name: 'Set up an authenticator app' }).waitFor();
  assert.deepEqual([...problems, ...admin.problems, ...sup.problems], []);
  await sup.context.close();
});
