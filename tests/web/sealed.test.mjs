// A youth sealed by court order, in the browser: a social worker on a 360 px phone finds
// the case by its number and reads "Sealed by court order" where the name was, on the
// case and in the lists; the name appears nowhere. Synthetic data only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { countyDate, identify, PASSWORD, startCounty } from '../api/harness.mjs';
import { fitsWidth, launch, open, PHONE, shot, signIn } from './browser.mjs';

let srv, browser, id;
before(async () => {
  srv = await startCounty();
  browser = await launch();
  id = (await identify(srv.as('le'), { youth: { birth_date: '2011-03-03', first_name: 'Sigrun', last_name: 'Sealwell' } })).json.id;
  const r = await srv.as('admin').post('/api/v1/seals', { case_id: id, order: 'SYN-JUV-781-0042', order_date: countyDate(Date.now()) });
  assert.equal(r.status, 200, r.text);
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
});

test('a sealed youth reads "Sealed by court order" on the case and in the lists, at 360 px', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/cases');
  await signIn(page, 'cw', PASSWORD);
  const item = page.locator(`li[data-case="${id}"]`);
  await item.waitFor();
  assert.match(await item.textContent(), /Sealed by court order/);
  await item.getByRole('link').first().click();
  await page.waitForURL(`**/cases/${id}`);
  const youth = page.locator('dl.facts dt', { hasText: /^Youth$/ }).locator('xpath=following-sibling::dd[1]');
  await youth.waitFor();
  assert.equal((await youth.textContent()).trim(), 'Sealed by court order');
  const text = await page.locator('main').textContent();
  for (const s of ['Sigrun', 'Sealwell', '2011']) assert.ok(!text.includes(s), `"${s}" on the page`);
  assert.equal(await page.getByRole('heading', { name: 'Add to the record' }).count(), 0, 'nothing is added to a sealed case');
  assert.ok(await fitsWidth(page), 'no sideways scrolling');
  await shot(page, 'sealed-case-phone');
  assert.deepEqual(problems, []);
  await context.close();
});
