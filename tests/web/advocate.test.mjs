// An advocate marks "on scene" done from "What we owe now" and writes a privileged
// note; law enforcement opens the same case and does not see the note. Guardrail
// refusals and language warnings appear next to the field they concern.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { identify, PASSWORD, startCounty } from '../api/harness.mjs';
import { countyWall, launch, minutesApart, open, PHONE, shot, signIn } from './browser.mjs';

const NOTE = 'Met the youth at the station; she agreed to talk again tomorrow.';
let srv, browser, caseId;
before(async () => {
  srv = await startCounty();
  browser = await launch();
  const r = await identify(srv.as('le'));
  assert.equal(r.status, 201, r.text);
  caseId = r.json.id;
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
});

test('the advocate marks "on scene" done and adds a note', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/');
  await signIn(page, 'adv', PASSWORD);
  await page.getByRole('heading', { name: 'What we owe now' }).waitFor();
  const row = page.locator(`.owed-item[data-case="${caseId}"][data-step="advocate_on_scene"]`);
  await row.waitFor();
  // sorted by due time: on scene (90 min) comes before the 30-day follow-up
  const steps = await page.locator('.owed-item').evaluateAll((els) => els.map((e) => e.dataset.step));
  assert.ok(steps.indexOf('advocate_on_scene') < steps.indexOf('advocate_followup_30d'));
  assert.match(await row.locator('.clock').getAttribute('class'), /clock-ok/);
  await shot(page, 'advocate-1-owed');

  await row.getByRole('button', { name: /^Done/ }).click();
  const at = row.getByLabel('Done at');
  assert.ok(minutesApart(await at.inputValue(), countyWall(Date.now())) < 3, 'defaults to now, on the county\'s clock');
  await row.getByRole('button', { name: 'Confirm done' }).click();
  await row.waitFor({ state: 'detached' });
  const c = await srv.as('adv').get(`/api/v1/cases/${caseId}`);
  assert.equal(c.json.steps.find((s) => s.key === 'advocate_on_scene').state, 'done');

  await page.goto(`/cases/${caseId}`);
  await page.getByRole('heading', { name: 'Timeline' }).waitFor();
  assert.match(await page.locator('.step[data-step="advocate_on_scene"]').textContent(), /Done/);
  const form = page.locator('details[data-form="advocate_note"]');
  await form.locator('summary').click();
  await form.getByLabel('Note').fill(NOTE);
  await form.getByLabel('I explained the limits of confidentiality').check();
  await form.getByRole('button', { name: 'Save' }).click();
  await form.getByText('Saved: Advocate note').waitFor();
  await page.locator('.event[data-type="advocate_note"]', { hasText: NOTE }).waitFor();

  // derogatory wording is kept but answered with a caution next to the field
  await form.getByLabel('Note').fill('A bystander called her a child prostitute.');
  await form.getByRole('button', { name: 'Save' }).click();
  const warn = form.locator('[data-field="text"] .msg.warning');
  await warn.waitFor();
  assert.match(await warn.textContent(), /victim/);
  await shot(page, 'advocate-2-case');
  assert.deepEqual(problems, []);
  await context.close();
});

test('law enforcement does not see the privileged note; an SB 1322 arrest is refused', async () => {
  const { context, page, problems } = await open(browser, srv.url);
  await page.goto(`/cases/${caseId}`);
  await signIn(page, 'le', PASSWORD);
  await page.getByRole('heading', { name: 'Timeline' }).waitFor();
  await page.locator('.event[data-type="identification"]').waitFor();
  assert.equal(await page.locator('.event[data-type="advocate_note"]').count(), 0);
  assert.equal(await page.getByText(NOTE).count(), 0);
  assert.equal(await page.locator('details[data-form="advocate_note"]').count(), 0, 'no advocate-note form');

  const form = page.locator('details[data-form="arrest"]');
  await form.locator('summary').click();
  await form.getByLabel('Offense').fill('Pen. Code, § 647, subd. (b)');
  await form.getByLabel('Justification').fill('Recorded only to test the guardrail in a synthetic county.');
  await form.getByRole('button', { name: 'Save' }).click();
  const msg = form.locator('[data-field="offense"] .msg.error');
  await msg.waitFor();
  assert.match(await msg.textContent(), /SB 1322/);
  assert.match(await msg.textContent(), /recorded for your supervisors/);
  await shot(page, 'le-case-refusal');
  assert.deepEqual(problems, []);
  await context.close();

  // the station's supervisor sees the attempt on the case and in the list of refused attempts
  const sup = await open(browser, srv.url);
  await sup.page.goto(`/cases/${caseId}`);
  await signIn(sup.page, 'le_sup', PASSWORD);
  const entry = sup.page.locator('.event[data-type="refused_arrest"]');
  await entry.waitFor();
  assert.match(await entry.textContent(), /Pen\. Code, § 647, subd\. \(b\)/);
  assert.match(await entry.textContent(), /SB 1322: a minor/);
  await sup.page.goto('/reports');
  await sup.page.getByLabel('Period', { exact: true }).selectOption('quarter');
  await sup.page.getByRole('button', { name: 'Refused arrest attempts' }).click();
  const row = sup.page.locator('table tr', { hasText: 'subd. (b)' });
  await row.waitFor();
  assert.match(await row.textContent(), /PC 647\(b\)/);
  assert.deepEqual(sup.problems, []);
  await sup.context.close();
});

test('with the youth’s consent the advocate discloses the note to the station, which then reads it', async () => {
  const adv = await open(browser, srv.url);
  await adv.page.goto(`/cases/${caseId}`);
  await signIn(adv.page, 'adv', PASSWORD);
  const form = adv.page.locator('details[data-form="disclosure"]');
  await form.locator('summary').click();
  assert.match(await form.getByLabel('Privileged note').locator('option').first().textContent(), /Met the youth/);
  await form.getByLabel('To').selectOption({ label: 'Sheriff Station A (Law enforcement)' });
  await form.getByRole('button', { name: 'Save' }).click();
  await form.locator('[data-field="basis"] .msg.error').waitFor(); // the basis is required
  await form.getByLabel('The youth consented').check();
  await form.getByRole('button', { name: 'Save' }).click();
  await form.getByText('Saved: Disclose a privileged note').waitFor();
  assert.deepEqual(adv.problems, []);
  await adv.context.close();

  const { context, page, problems } = await open(browser, srv.url);
  await page.goto(`/cases/${caseId}`);
  await signIn(page, 'le', PASSWORD);
  await page.locator('.event[data-type="advocate_note"]', { hasText: NOTE }).waitFor();
  // the station records the exploiter's arrest
  const arrest = page.locator('details[data-form="exploiter_arrest"]');
  await arrest.locator('summary').click();
  await arrest.getByLabel('Charge').fill('PC 236.1');
  await arrest.getByRole('button', { name: 'Save' }).click();
  await page.locator('.event[data-type="exploiter_arrest"]', { hasText: 'PC 236.1' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a step marked done hours after the fact asks why it is entered late, and the timeline says so', async () => {
  const late = (await identify(srv.as('le'), { identified_at: new Date(Date.now() - 5 * 3600e3).toISOString().replace(/\.\d{3}Z$/, 'Z') })).json;
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/');
  await signIn(page, 'adv', PASSWORD);
  const row = page.locator(`.owed-item[data-case="${late.id}"][data-step="advocate_on_scene"]`);
  await row.waitFor();
  await row.getByRole('button', { name: /^Done/ }).click();
  const why = row.getByLabel('Why it is entered late');
  assert.equal(await why.isVisible(), false, 'not asked for a time of now');
  await row.getByLabel('Done at').fill(countyWall(Date.now() - 4 * 3600e3));
  await why.waitFor();
  await row.getByRole('button', { name: 'Confirm done' }).click();
  // the server's rule, next to the field
  await row.locator('[data-field="late_entry_reason"] .msg').filter({ hasText: /late_entry_minutes|say why/ }).waitFor();
  await why.fill('Synthetic: no signal at the scene; entered from my paper notes at the office.');
  await row.getByRole('button', { name: 'Confirm done' }).click();
  await row.waitFor({ state: 'detached' });
  await page.goto(`/cases/${late.id}`);
  const entry = page.locator('.event[data-type="step_done"]', { hasText: 'Entered late' });
  await entry.waitFor();
  assert.match(await entry.textContent(), /paper notes/);
  assert.match(await entry.textContent(), /Deviation/);
  await shot(page, 'advocate-4-late-entry');
  assert.deepEqual(problems, []);
  await context.close();
});
