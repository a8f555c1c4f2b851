// The case page's forms beyond the officer's and the advocate's: a supervisor reviews a
// deviation their agency recorded, the lead agency closes and reopens the case; a
// step's owner waives it with a reason; an entry is corrected from the timeline.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { identify, isoMinutesAgo, PASSWORD, startCounty } from '../api/harness.mjs';
import { launch, open, shot, signIn } from './browser.mjs';

let srv, browser, caseId;
before(async () => {
  srv = await startCounty();
  browser = await launch();
  const c = await identify(srv.as('le'), { youth_status: 'dependent', identified_at: isoMinutesAgo(120) });
  assert.equal(c.status, 201, c.text);
  caseId = c.json.id;
  const a = await srv.as('le').post(`/api/v1/cases/${caseId}/events`, { type: 'arrest', at: isoMinutesAgo(1),
    offense: 'PC 459', justification: 'Synthetic: an open burglary warrant from another county.' });
  assert.equal(a.status, 201, a.text);
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
});

test('the station supervisor reviews the arrest deviation; a deputy cannot', async () => {
  const dep = await open(browser, srv.url);
  await dep.page.goto(`/cases/${caseId}`);
  await signIn(dep.page, 'le', PASSWORD);
  await dep.page.getByRole('heading', { name: 'Timeline' }).waitFor();
  assert.equal(await dep.page.locator('details[data-form="deviation_review"]').count(), 0, 'members do not review');
  await dep.context.close();

  const { context, page, problems } = await open(browser, srv.url);
  await page.goto(`/cases/${caseId}`);
  await signIn(page, 'le_sup', PASSWORD);
  await page.getByText('Deviation awaiting review').waitFor();
  const form = page.locator('details[data-form="deviation_review"]');
  await form.locator('summary').click();
  assert.match(await form.getByLabel('Deviation').locator('option').first().textContent(), /^Arrest/);
  await form.getByRole('button', { name: 'Save' }).click();
  await form.locator('[data-field="note"] .msg.error').waitFor(); // the review is required
  await form.getByLabel('Review').fill('Reviewed with the deputy: the warrant was confirmed.');
  await form.getByRole('button', { name: 'Save' }).click();
  await page.locator('.deviations', { hasText: 'reviewed' }).waitFor();
  assert.equal(await page.getByText('Deviation awaiting review').count(), 0);
  assert.equal(await form.isHidden(), true, 'nothing left to review');
  const c = (await srv.as('le_sup').get(`/api/v1/cases/${caseId}`)).json;
  assert.equal(c.deviations[0].reviewed, true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the lead agency closes the case with a reason and reopens it; others cannot', async () => {
  const dep = await open(browser, srv.url);
  await dep.page.goto(`/cases/${caseId}`);
  await signIn(dep.page, 'le', PASSWORD);
  await dep.page.getByRole('heading', { name: 'Timeline' }).waitFor();
  assert.equal(await dep.page.locator('details[data-form="close"]:visible').count(), 0, 'not the lead agency');
  await dep.context.close();

  const { context, page, problems } = await open(browser, srv.url);
  await page.goto(`/cases/${caseId}`);
  await signIn(page, 'cw', PASSWORD);
  const close = page.locator('details[data-form="close"]');
  await close.locator('summary').click();
  await close.getByLabel('Reason', { exact: true }).selectOption({ label: 'Other' });
  await close.getByRole('button', { name: 'Save' }).click();
  await close.locator('[data-field="text"] .msg.error').waitFor(); // "other" needs a word of why
  await close.getByLabel('Reason', { exact: true }).selectOption({ label: 'Moved out of the county' });
  await close.getByRole('button', { name: 'Save' }).click();
  await page.locator('.badge-closed').waitFor();
  // closing stops the summonses still open, and says so rather than "acknowledged"
  await page.locator('.summons li', { hasText: 'stopped: the case was closed' }).first().waitFor();
  await page.locator('.event[data-type="close"]', { hasText: 'Moved out of the county' }).waitFor();
  // nothing is owed on a closed case: no clocks, no "Done"; the hotline report was late
  // before it closed and stays so, the steps not yet due no longer apply
  await page.locator('.step[data-step="hotline_report"]', { hasText: 'Not done when the case closed' }).waitFor();
  assert.equal(await page.locator('.step[data-step="medical_exam"]').count(), 0);
  assert.equal(await page.locator('.steps .clock').count(), 0);
  assert.equal(await page.locator('.steps').getByRole('button', { name: /^Done/ }).count(), 0);
  await shot(page, 'case-closed');
  const reopen = page.locator('details[data-form="reopen"]');
  await reopen.locator('summary').click();
  await reopen.getByRole('button', { name: 'Save' }).click();
  await page.locator('.badge-open').waitFor();
  assert.equal((await srv.as('cw').get(`/api/v1/cases/${caseId}`)).json.open, true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the owner waives a step it does not need, with the reason', async () => {
  const { context, page, problems } = await open(browser, srv.url);
  await page.goto(`/cases/${caseId}`);
  await signIn(page, 'le', PASSWORD);
  const form = page.locator('details[data-form="step_waived"]');
  await form.locator('summary').click();
  await form.getByLabel('Step').selectOption({ label: 'Written suspected child-abuse report' });
  await form.getByLabel('Reason').fill('Synthetic: the written report was filed by the hospital, copy attached.');
  await form.getByRole('button', { name: 'Save' }).click();
  await page.locator('.step[data-step="written_abuse_report"]', { hasText: 'Waived' }).waitFor();
  const c = (await srv.as('le').get(`/api/v1/cases/${caseId}`)).json;
  assert.equal(c.steps.find((s) => s.key === 'written_abuse_report').state, 'waived');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a wrong entry is corrected from the timeline; the original is kept', async () => {
  const r = await srv.as('cw').post(`/api/v1/cases/${caseId}/events`,
    { type: 'stability_check', at: isoMinutesAgo(2), stable: true, note: 'Synthetic: entered on the wrong youth.' });
  assert.equal(r.status, 201, r.text);
  const { context, page, problems } = await open(browser, srv.url);
  await page.goto(`/cases/${caseId}`);
  await signIn(page, 'cw', PASSWORD);
  const entry = page.locator('.event[data-type="stability_check"]');
  await entry.getByRole('button', { name: /^Correct/ }).click();
  const form = page.locator('details[data-form="stability_check"]');
  await form.getByText('Correcting the entry of').waitFor();
  assert.equal(await form.getByLabel('Stable', { exact: true }).isChecked(), true, 'filled in from the entry');
  assert.equal(await form.getByLabel('Note').inputValue(), 'Synthetic: entered on the wrong youth.');
  // a refused save keeps the correction going
  const when = await form.getByLabel('When').inputValue();
  await form.getByLabel('When').fill('');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.locator('[data-field="at"] .msg.error').waitFor();
  assert.equal(await form.getByText('Correcting the entry of').isVisible(), true);
  await form.getByLabel('When').fill(when);
  await form.getByLabel('Not stable').check();
  await form.getByLabel('Note').fill('Synthetic: not stable; she left the placement twice this week.');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.getByText('Saved: Stability check.').waitFor();
  assert.equal(await form.getByText('Correcting the entry of').isVisible(), false, 'done correcting');
  await page.locator('.event[data-type="stability_check"]', { hasText: 'Corrects an earlier entry' }).waitFor();
  await page.locator('.event[data-type="stability_check"]', { hasText: 'Corrected by a later entry' }).waitFor();
  const tl = (await srv.as('cw').get(`/api/v1/cases/${caseId}/events`)).json.items.filter((e) => e.type === 'stability_check');
  assert.equal(tl.length, 2);
  assert.equal(tl[1].amends, tl[0].id);
  assert.equal(tl[1].stable, false);
  assert.deepEqual(problems, []);
  await context.close();
});

test('on a phone, child welfare records that the hotline found a probation ward; probation now owes its visit', async () => {
  const c = await identify(srv.as('le'), { youth_status: 'unknown', identified_at: isoMinutesAgo(20) });
  assert.equal(c.status, 201, c.text);
  const { context, page, problems } = await open(browser, srv.url, { viewport: { width: 360, height: 740 } });
  await page.goto(`/cases/${c.json.id}`);
  await signIn(page, 'cw', PASSWORD);
  const form = page.locator('details[data-form="status_determined"]');
  await form.locator('summary').click();
  await form.getByLabel('Status').selectOption('probation');
  await form.getByRole('button', { name: 'Save' }).click();
  await page.locator('.event[data-type="status_determined"]').waitFor();
  await page.locator('.step[data-step="probation_on_scene"]').waitFor();
  await shot(page, 'cw-status-determined-phone');
  const v = (await srv.as('prob').get(`/api/v1/cases/${c.json.id}`)).json;
  assert.equal(v.youth_status, 'probation');
  assert.equal(v.steps.find((s) => s.key === 'probation_on_scene').state, 'pending');
  assert.deepEqual(problems, []);
  await context.close();
});
