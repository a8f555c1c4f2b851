// Exporting a case from its page: the reason and a reference are asked, the export opens
// in a new tab with what the reader may see (never the advocate's privileged note to law
// enforcement), and it is audited with its reason. On a phone the form fits the screen.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { identify, isoMinutesAgo, PASSWORD, startCounty } from '../api/harness.mjs';
import { fitsWidth, launch, open, PHONE, shot, signIn } from './browser.mjs';

const CANARY = 'Synthetic privileged canary 9K2W';
let srv, browser, caseId;
before(async () => {
  srv = await startCounty();
  browser = await launch();
  caseId = (await identify(srv.as('le'))).json.id;
  const r = await srv.as('adv').post(`/api/v1/cases/${caseId}/events`, { at: isoMinutesAgo(1), type: 'advocate_note', text: CANARY });
  assert.equal(r.status, 201, r.text);
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
});

for (const [user, sees, viewport] of [['le', false, PHONE], ['adv', true, undefined]]) {
  test(`${user} exports the case for a court with a reference, in a new tab, audited`, async () => {
    const { context, page, problems } = await open(browser, srv.url, viewport ? { viewport } : {});
    await page.goto(`/cases/${caseId}`);
    await signIn(page, user, PASSWORD);
    await page.locator('nav.jumps').getByRole('link', { name: 'Export' }).click();
    const form = page.locator('form.export');
    // the reason is asked first: nothing leaves without it
    await form.getByRole('button', { name: 'Export' }).click();
    assert.equal(await form.getByLabel('Why it leaves safeharbor').evaluate((e) => e.validity.valid), false);
    await form.getByLabel('Why it leaves safeharbor').selectOption('court');
    await form.getByLabel('Reference').fill('Synthetic order 26-JV-0042');
    if (viewport) {
      assert.ok(await fitsWidth(page), 'the form fits a phone');
      await shot(page, 'case-export-phone');
    }
    const [tab] = await Promise.all([context.waitForEvent('page'), form.getByRole('button', { name: 'Export' }).click()]);
    await tab.waitForLoadState();
    await tab.getByRole('heading', { name: `Case ${caseId}` }).waitFor();
    const text = await tab.locator('body').textContent();
    assert.ok(text.includes('Synthetic order 26-JV-0042'));
    assert.equal(text.includes(CANARY), sees, `${user} sees the note: ${sees}`);
    assert.deepEqual(problems, []);
    await context.close();
    const rows = (await srv.as(`${user}_sup`).get(`/api/v1/cases/${caseId}/audit?limit=500`)).json.items
      .filter((x) => x.action === 'case.export' && x.user === `Synthetic ${user}`);
    assert.ok(rows.length > 0 && rows.every((x) => x.reason === 'court: Synthetic order 26-JV-0042'), JSON.stringify(rows));
  });
}
