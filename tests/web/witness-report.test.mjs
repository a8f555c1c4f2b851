// Witnesses and reports: the prosecutor's eligibility check with each rule's reason,
// a prosecution with a minor witness shown on the case page, and the Board report
// on screen and as a CSV download.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bornYearsAgo, countyDate, identify, invite, PASSWORD, startCounty, writePlan } from '../api/harness.mjs';
import { launch, open, PHONE, shot, signIn } from './browser.mjs';

let srv, browser, caseId;
before(async () => {
  srv = await startCounty();
  browser = await launch();
  const r = await identify(srv.as('le'));
  assert.equal(r.status, 201, r.text);
  caseId = r.json.id;
  await invite(srv, 'le', caseId, 'pros'); // the station brings the prosecutor in
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
});

test('the prosecutor checks eligibility and lists a minor witness', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/witnesses');
  await signIn(page, 'pros', PASSWORD);
  // 15 and a month, a hearing in 20 days: county dates (the device is in Tokyo)
  await page.getByLabel('Birth date of the witness').fill(bornYearsAgo(15, 30));
  await page.getByLabel('Hearing date').fill(countyDate(Date.now(), 20));
  await page.getByRole('button', { name: 'Check eligibility' }).click();
  const pc1347 = page.locator('.rule[data-rule="PC 1347"]');
  await pc1347.waitFor();
  assert.match(await pc1347.textContent(), /not eligible/);
  assert.match(await page.locator('.rule[data-rule="PC 1347.1"]').textContent(), /eligible.*236\.1/s);
  await page.getByText('Written notice due').waitFor();
  await shot(page, 'witness-eligibility');

  await page.getByText('Add a prosecution').click();
  await page.getByLabel('Court case number').fill('SYN-2026-001');
  await page.getByLabel('Court', { exact: true }).fill('Synthetic Superior Court');
  await page.getByRole('button', { name: 'Add prosecution' }).click();
  const card = page.locator('li[data-prosecution]', { hasText: 'SYN-2026-001' });
  await card.waitFor();
  await card.getByText('List a minor witness').click();
  await card.getByLabel('Case number of the minor witness').fill(caseId);
  await card.getByRole('button', { name: 'List as witness' }).click();
  await card.getByRole('link', { name: caseId }).click();
  await page.getByRole('heading', { name: 'Minor victim witness' }).waitFor();
  await page.getByText('none assigned').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('the advocacy agency assigns the witness an advocate and signs off the safety plan', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto(`/cases/${caseId}`);
  await signIn(page, 'adv', PASSWORD);
  await page.getByRole('heading', { name: 'Minor victim witness' }).waitFor();
  await page.getByLabel('Advocate (optional)').selectOption({ label: 'Synthetic adv' });
  await page.getByRole('button', { name: 'Assign advocate' }).click();
  await page.getByText('Advocate: Synthetic adv').waitFor();
  // an empty plan cannot be signed off: the refusal names the empty parts in words
  await page.getByRole('button', { name: 'Sign off the safety plan' }).click();
  const refusal = page.locator('form.signoff .form-status.error');
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /cannot be signed off while parts are empty: contact with the exploiter and associates/);
  assert.doesNotMatch(await refusal.textContent(), /safety_plan\./, 'no field names');
  assert.equal(await page.locator('.plan-parts dd', { hasText: 'Empty: to be written before sign-off' }).count(), 9);
  const w = (await srv.as('adv').get(`/api/v1/cases/${caseId}/witness`)).json.witnesses[0];
  await writePlan(srv, 'adv', caseId, w.id);
  await page.reload();
  await page.getByRole('button', { name: 'Sign off the safety plan' }).click();
  await page.getByText(/Signed off by: Advocacy/).waitFor();
  // writing a part again changes the plan: its sign-offs are reset, and said to be
  const write = page.locator('.witness details', { hasText: 'Write a safety plan part' });
  await write.locator('summary').click();
  await write.getByLabel('Part').selectOption('court_transport');
  await write.getByLabel('Text').fill('Synthetic: the advocate drives the youth to court and waits with them.');
  await write.getByRole('button', { name: 'Save part' }).click();
  await page.getByText(/Signed off by: nobody yet/).waitFor();
  await page.getByText(/Sign-offs reset by a later change/).waitFor();
  assert.match(await page.locator('.plan-parts dd[data-part="court_transport"]').textContent(), /drives the youth to court/);
  await page.getByRole('button', { name: 'Sign off the safety plan' }).click();
  await page.getByText(/Signed off by: Advocacy/).waitFor();
  await shot(page, 'witness-advocate');
  assert.deepEqual(problems, []);
  await context.close();
});

test('before the hearing the prosecutor serves the notice and records the motion; the advocate reviews the plan', async () => {
  const p = (await srv.as('pros').get('/api/v1/prosecutions')).json.items.find((x) => x.court_case_number === 'SYN-2026-001');
  const at = new Date(Date.now() + 20 * 86400000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const hr = await srv.as('pros').post(`/api/v1/prosecutions/${p.id}/hearings`, { kind: 'preliminary', at });
  assert.equal(hr.status, 201, hr.text);

  const pros = await open(browser, srv.url);
  await pros.page.goto(`/cases/${caseId}`);
  await signIn(pros.page, 'pros', PASSWORD);
  const notice = pros.page.locator('.witness .step[data-step="witness_notice"]');
  await notice.getByRole('button', { name: /^Notice served/ }).click();
  await notice.locator('.state-done').waitFor();
  const motion = pros.page.locator('.witness details', { hasText: 'Record a closed-circuit testimony motion' });
  await motion.locator('summary').click();
  await motion.getByLabel('Under').selectOption('PC 1347.1');
  await motion.getByRole('button', { name: 'Record the motion' }).click();
  await pros.page.getByText('CCTV motions: PC 1347.1 filed').waitFor();
  assert.deepEqual(pros.problems, []);
  await pros.context.close();

  const adv = await open(browser, srv.url);
  await adv.page.goto(`/cases/${caseId}`);
  await signIn(adv.page, 'adv', PASSWORD);
  const review = adv.page.locator('.witness .step[data-step="safety_plan_review"]');
  assert.equal(await adv.page.locator('.witness').getByRole('button', { name: /^Notice served/ }).count(), 0, 'the notice is the prosecutor\'s');
  await review.getByRole('button', { name: /^Plan reviewed/ }).click();
  await review.locator('.state-done').waitFor();
  const w = (await srv.as('pros').get(`/api/v1/cases/${caseId}/witness`)).json.witnesses[0];
  assert.deepEqual(w.items.filter((i) => i.key !== 'witness_advocate').map((i) => i.state), ['done', 'done']);
  assert.deepEqual(adv.problems, []);
  await adv.context.close();
});

test('an analyst sees the Board report and downloads it as CSV', async () => {
  const { context, page, problems } = await open(browser, srv.url, { acceptDownloads: true });
  await page.goto('/');
  await signIn(page, 'analyst', PASSWORD);
  await page.getByRole('heading', { name: 'Board report' }).waitFor();
  await page.getByLabel('Period', { exact: true }).selectOption('quarter');
  await page.getByRole('button', { name: 'Show report' }).click();
  await page.locator('.charts svg').first().waitFor();
  assert.ok(await page.getByText('Stable means:').count());
  // the charts are the printable page's own, drawn by the server: three, each an image with its data in words
  assert.equal(await page.locator('.charts svg[role="img"]').count(), 3);
  const from = await page.getByLabel('From', { exact: true }).inputValue(), to = await page.getByLabel('To', { exact: true }).inputValue();
  const html = (await srv.as('analyst').get(`/api/v1/reports/board?from=${from}&to=${to}&format=html`)).text;
  for (const desc of await page.locator('.charts svg desc').allTextContents()) {
    const escaped = desc.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    assert.ok(html.includes(escaped), `the export has the same chart: ${desc.slice(0, 60)}`);
  }
  // the period picker, and the period kept in the address (a reload shows the same report)
  await page.getByLabel('Period', { exact: true }).selectOption('last_year');
  assert.match(await page.getByLabel('From', { exact: true }).inputValue(), /^\d{4}-01-01$/);
  await page.getByRole('button', { name: 'Show report' }).click();
  await page.waitForURL(/\/reports\?from=\d{4}-01-01&to=\d{4}-12-31/);
  await page.reload();
  await page.locator('.charts svg').first().waitFor();
  assert.equal(await page.getByLabel('Period', { exact: true }).inputValue(), 'last_year');
  // printing shows the report alone
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('form.no-print').isVisible(), false);
  assert.ok(await page.locator('.charts svg').first().isVisible());
  await page.emulateMedia({ media: 'screen' });
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  assert.match((await download).suggestedFilename(), /^board-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$/);
  assert.deepEqual(problems, []);
  await context.close();
});
