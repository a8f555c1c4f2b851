// A session that ends while the page is open: what was on the screen leaves it (and the
// tab's storage) at once, a dialog asks for the password, and once signed in again the
// page comes back as it was and the identification is sent. Signing out leaves no draft.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, identify, startCounty } from '../api/harness.mjs';
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

const stored = (page) => page.evaluate(() => sessionStorage.length + localStorage.length);
const shown = (page) => page.evaluate(() => document.body.innerText);

test('an ended session takes the form off the screen and gives it back after signing in again', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/');
  await signIn(page, 'le', PASSWORD);
  await page.getByLabel('Age estimate').fill('14');
  await page.getByLabel('First name').fill('Sessiona');
  await page.getByLabel('Probation ward', { exact: true }).check();
  assert.ok(await stored(page) > 0, 'the draft is kept while signed in');

  // nothing is sent: the page notices the session's time has run out by itself
  const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
  await dialog.waitFor({ timeout: 30000 });
  assert.equal(await page.getByLabel('First name').count(), 0, 'the form is off the screen');
  assert.ok(!(await shown(page)).includes('Sessiona'));
  assert.equal(await stored(page), 0, 'and out of the tab\'s storage');
  await shot(page, 'session-1-dialog');

  await dialog.getByLabel('Password').fill('wrong-password');
  await dialog.getByRole('button', { name: 'Sign in and continue' }).click();
  await dialog.getByText('That password did not work.').waitFor();
  await dialog.getByLabel('Password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Sign in and continue' }).click();
  await dialog.waitFor({ state: 'detached' });
  // everything typed is back
  assert.equal(await page.getByLabel('Age estimate').inputValue(), '14');
  assert.equal(await page.getByLabel('First name').inputValue(), 'Sessiona');
  assert.ok(await page.getByLabel('Probation ward', { exact: true }).isChecked());
  await page.getByRole('button', { name: 'Save identification' }).click();
  await page.getByRole('heading', { name: '✓ Saved' }).waitFor();
  await shot(page, 'session-2-saved');

  const list = await srv.as('le').get('/api/v1/cases');
  assert.equal(list.json.items.length, 1, 'one case');
  assert.deepEqual(problems, []);
  await context.close();
});

test('case data leaves the screen when the session ends; signing out instead keeps nothing', async () => {
  const kase = (await identify(srv.as('le'), { youth: { birth_date: '2011-04-02', first_name: 'Visiblea', last_name: 'Screenson' } })).json;
  const { context, page } = await open(browser, srv.url);
  await page.goto('/');
  await signIn(page, 'le', PASSWORD);
  await page.goto(`/cases/${kase.id}`);
  await page.getByText('Visiblea', { exact: false }).first().waitFor();
  const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
  await dialog.waitFor({ timeout: 30000 });
  assert.ok(!(await shown(page)).includes('Visiblea'), 'the youth\'s name is off the screen');
  assert.ok(!(await page.title()).includes(kase.id));
  await dialog.getByRole('button', { name: 'Sign out instead' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  assert.ok(!(await shown(page)).includes('Visiblea'));
  assert.equal(await stored(page), 0);
  await context.close();
});

test('no draft outlives a sign-out: the next person on the tab starts empty', async () => {
  const { context, page } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/');
  await signIn(page, 'le', PASSWORD);
  await page.getByLabel('First name').fill('Draftee');
  await page.getByLabel('Age estimate').fill('15');
  assert.ok(await stored(page) > 0);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  assert.equal(await stored(page), 0);
  await signIn(page, 'le2', PASSWORD);
  assert.equal(await page.getByLabel('First name').inputValue(), '');
  await context.close();
});
