// Printing: a case summary shows each reader what that reader may see (never the
// advocate's privileged note to law enforcement), the safety plan and the court packet
// of a minor witness print as pages of their own (PDF through the browser's print), and
// each printed read is audited as a print. On a phone the case page leads with the steps
// and their clocks, with links to the rest.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { identify, invite, isoMinutesAgo, PASSWORD, startCounty, writePlan } from '../api/harness.mjs';
import { ARTIFACTS, launch, open, PHONE, shot, signIn } from './browser.mjs';

const CANARY = 'Synthetic privileged canary 7Q3X';
let srv, browser, caseId, witnessId;
before(async () => {
  srv = await startCounty();
  browser = await launch();
  caseId = (await identify(srv.as('le'))).json.id;
  await invite(srv, 'le', caseId, 'pros');
  const ev = async (user, body) => {
    const r = await srv.as(user).post(`/api/v1/cases/${caseId}/events`, { at: isoMinutesAgo(1), ...body });
    assert.equal(r.status, 201, r.text);
  };
  await ev('adv', { type: 'advocate_note', text: CANARY });
  const p = await srv.as('pros').post('/api/v1/prosecutions', { court_case_number: 'SYN-PRINT-1', court: 'Synthetic Court',
    charges: ['PC 236.1'], filed_at: isoMinutesAgo(60) });
  assert.equal(p.status, 201, p.text);
  await srv.as('pros').post(`/api/v1/prosecutions/${p.json.id}/hearings`,
    { kind: 'preliminary', at: new Date(Date.now() + 20 * 86400e3).toISOString().replace(/\.\d{3}Z$/, 'Z') });
  witnessId = (await srv.as('pros').post(`/api/v1/prosecutions/${p.json.id}/witnesses`, { case_id: caseId })).json.id;
  const me = (await srv.as('adv').get('/api/v1/me')).json.user;
  await ev('adv', { type: 'witness_advocate', witness_id: witnessId, user_id: me.id });
  await writePlan(srv, 'adv', caseId, witnessId);
  await ev('adv', { type: 'safety_plan_signoff', witness_id: witnessId });
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
});

test('on a phone the case page leads with the steps and clocks, with jump links to the rest', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto(`/cases/${caseId}`);
  await signIn(page, 'cw', PASSWORD);
  await page.locator('.steps .step').first().waitFor();
  assert.equal(await page.locator('main h2').first().textContent(), 'Steps and clocks');
  // the steps start on the first screen, under the heading and the links
  const top = await page.locator('.steps').first().boundingBox();
  assert.ok(top.y < PHONE.height, `the steps start at ${top.y} px`);
  await page.locator('nav.jumps').getByRole('link', { name: 'Timeline' }).click();
  await page.waitForFunction(() => window.scrollY > 0);
  assert.match(page.url(), /#timeline$/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a case summary prints what the reader may see, and the print is audited', async () => {
  for (const [user, sees] of [['adv', true], ['le', false]]) {
    const { context, page, problems } = await open(browser, srv.url);
    await page.goto(`/cases/${caseId}`);
    await signIn(page, user, PASSWORD);
    await page.getByRole('link', { name: 'Print a summary' }).click();
    await page.getByRole('heading', { name: /^Case summary, case SH-/ }).waitFor();
    await page.locator('.timeline .event').first().waitFor();
    assert.equal((await page.locator('main').textContent()).includes(CANARY), sees, `${user} sees the note: ${!sees ? 'never' : 'yes'}`);
    await page.getByText('Confidential: the record of a child victim').waitFor();
    // printed: no navigation, no buttons, the content alone
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.top').isVisible(), false);
    assert.equal(await page.getByRole('button', { name: 'Print' }).isVisible(), false);
    assert.ok(await page.locator('.facts').isVisible());
    await shot(page, `print-summary-${user}`);
    assert.deepEqual(problems, []);
    await context.close();
  }
  const audit = await srv.as('le_sup').get(`/api/v1/cases/${caseId}/audit?limit=100`);
  assert.equal(audit.status, 200, audit.text);
  const printed = audit.json.items.filter((r) => r.user === 'Synthetic le').map((r) => r.action);
  assert.ok(printed.includes('case.print') && printed.includes('events.print'), printed.join(', '));
});

test('the prosecutor prints the court packet of a witness: eligibility and why, notice, plan, advocate', async () => {
  const { context, page, problems } = await open(browser, srv.url);
  await page.goto(`/cases/${caseId}`);
  await signIn(page, 'pros', PASSWORD);
  await page.getByRole('link', { name: 'Print the court packet' }).click();
  await page.getByRole('heading', { name: /^Court packet for a minor witness/ }).waitFor();
  const text = await page.locator('main').textContent();
  assert.match(text, /SYN-PRINT-1/);
  assert.match(text, /PC 1347\.1: eligible/);              // the verdict, and the reason beside it
  assert.match(text, /Written notice[^:]*: due /i);
  assert.match(text, /Advocate: Synthetic adv \(Advocates United\)/);
  assert.match(text, /Signed off by: Advocacy/);
  assert.match(text, /Synthetic plan: court_transport/);
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ format: 'Letter' });
  assert.ok(pdf.length > 10000 && pdf.subarray(0, 5).toString() === '%PDF-');
  writeFileSync(join(ARTIFACTS, 'court-packet.pdf'), pdf);
  await page.emulateMedia({ media: 'screen' });
  await page.goto(`/cases/${caseId}/print/plan`);
  await page.getByRole('heading', { name: /^Safety plan, case SH-/ }).waitFor();
  assert.equal(await page.locator('.plan-parts dt').count(), 9);
  assert.deepEqual(problems, []);
  await context.close();
  const audit = (await srv.as('adv_sup').get(`/api/v1/cases/${caseId}/audit?limit=100`)).json.items;
  assert.ok(audit.some((r) => r.action === 'witness.print' && r.user === 'Synthetic pros'));
});
