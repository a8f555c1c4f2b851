// The first screen is light: at most 100 KB over the wire, cold cache, for the
// sign-in screen and for a signed-in officer's first screen. Also: the page runs
// under its strict Content-Security-Policy without a single violation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PASSWORD, startCounty } from '../api/harness.mjs';
import { ARTIFACTS, launch, open, PHONE, signIn } from './browser.mjs';

const LIMIT = 100 * 1024;
let srv, browser;
const sizes = {};
before(async () => {
  srv = await startCounty();
  browser = await launch();
});
after(async () => {
  writeFileSync(join(ARTIFACTS, 'first-screen.json'), JSON.stringify(sizes, null, 2));
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
});

// Loads path with the cache off and returns the bytes received (headers + bodies).
async function measure(page, context, path, ready) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  let bytes = 0;
  const files = [];
  const urls = new Map();
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; files.push(urls.get(e.requestId)); });
  await page.goto(path);
  await ready();
  await page.waitForLoadState('networkidle');
  await cdp.detach();
  return { bytes, files: files.filter(Boolean).map((u) => new URL(u).pathname) };
}

test('the sign-in screen transfers under 100 KB', async (t) => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  const res = await page.request.get('/');
  assert.match(res.headers()['content-security-policy'], /script-src 'self'/);
  const m = await measure(page, context, '/', () => page.getByLabel('Username').waitFor());
  sizes.signin = m;
  t.diagnostic(`sign-in screen: ${m.bytes} bytes in ${m.files.length} responses`);
  assert.ok(m.bytes < LIMIT, `${m.bytes} bytes`);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a signed-in officer's first screen transfers under 100 KB", async (t) => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/');
  await signIn(page, 'le', PASSWORD);
  const m = await measure(page, context, '/', () => page.getByRole('button', { name: 'Save identification' }).waitFor());
  sizes.officer = m;
  t.diagnostic(`officer's first screen: ${m.bytes} bytes in ${m.files.length} responses`);
  assert.ok(m.bytes < LIMIT, `${m.bytes} bytes`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('keyboard only: sign in and reach the identification button', async () => {
  const { context, page, problems } = await open(browser, srv.url);
  await page.goto('/');
  await page.getByLabel('Username').waitFor();
  await page.keyboard.type('le');
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Identify a youth' }).waitFor();
  // the focus ring is visible on a focused control
  await page.getByLabel('Age estimate').focus();
  const outline = await page.getByLabel('Age estimate').evaluate((el) => getComputedStyle(el).outlineStyle);
  assert.equal(outline, 'solid');
  assert.deepEqual(problems, []);
  await context.close();
});
