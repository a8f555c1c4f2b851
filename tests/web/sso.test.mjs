// Signing in with the county account in a browser, through a real OpenID Connect provider on
// the loopback (tests/api/oidc-provider.mjs): the button on the sign-in screen, a refusal
// said in plain words, and a session that locks while a form is being filled in comes back
// through the provider in a window of its own, with what was typed kept.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cli, startCounty, signInApi } from '../api/harness.mjs';
import { startProvider, freePort, CLIENT_ID, CLIENT_SECRET } from '../api/oidc-provider.mjs';
import { launch, open, PHONE, shot } from './browser.mjs';

let srv, idp, browser;
before(async () => {
  const port = await freePort();
  idp = await startProvider({
    accounts: {
      'acct-cw': { email: 'cw@county.example', email_verified: true },
      'acct-stranger': { email: 'stranger@county.example', email_verified: true },
    },
    shPort: port,
  });
  srv = await startCounty({
    args: ['--listen', `127.0.0.1:${port}`, '--session-idle', '5'],
    env: { SAFEHARBOR_OIDC_CLIENT_SECRET: CLIENT_SECRET },
    prepare: (db) => assert.equal(cli(['settings', '--db', db, `oidc.issuer=${idp.issuer}`, `oidc.client_id=${CLIENT_ID}`]).status, 0),
  });
  const admin = await signInApi(srv.url, 'admin');
  const id = (await admin.get('/api/v1/users')).json.items.find((u) => u.username === 'cw').id;
  assert.equal((await admin.request('PATCH', `/api/v1/users/${id}`, { body: { sso_id: 'cw@county.example' } })).status, 200);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
  await idp?.stop();
});

test('"Sign in with the county account" signs a provisioned person in; a stranger is told why not', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/');
  idp.next = 'acct-stranger';
  await page.getByRole('link', { name: 'Sign in with the county account' }).click();
  await page.getByText('Your county account is not linked to a safeharbor account.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
  await shot(page, 'sso-1-not-provisioned');
  await context.clearCookies(); // the provider would remember the stranger
  idp.next = 'acct-cw';
  await page.getByRole('link', { name: 'Sign in with the county account' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.getByRole('heading', { name: 'What we owe now' }).waitFor();
  assert.ok(!page.url().includes('signin_error'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a locked session signs in again through the provider in its own window, keeping the form', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/');
  idp.next = 'acct-cw';
  await page.getByRole('link', { name: 'Sign in with the county account' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.goto('/identify');
  await page.getByLabel('Age estimate').fill('16');
  await page.getByLabel('First name').fill('Windowa');
  const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
  await dialog.waitFor({ timeout: 30000 });
  assert.equal(await page.getByLabel('First name').count(), 0, 'the form is off the screen');
  const popup = page.waitForEvent('popup');
  await dialog.getByRole('button', { name: 'Sign in with the county account' }).click();
  const win = await popup;
  await dialog.waitFor({ state: 'detached' });
  if (!win.isClosed()) await win.close();
  assert.equal(await page.getByLabel('First name').inputValue(), 'Windowa');
  await page.getByLabel('Probation ward', { exact: true }).check();
  await page.getByRole('button', { name: 'Save identification' }).click();
  await page.getByRole('heading', { name: '✓ Saved' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});
