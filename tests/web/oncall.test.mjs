// On call: a supervisor puts an advocate on call from the web app, the advocate says
// how they are paged, a new identification summons them, the case page shows it, and
// the advocate acknowledges it there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { identify, PASSWORD, startCounty } from '../api/harness.mjs';
import { countyWall, launch, open, shot, signIn } from './browser.mjs';

let srv, browser;
before(async () => {
  srv = await startCounty();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
});

test('a supervisor adds a shift; the advocate sets an e-mail and sees the summons on the case', async () => {
  const sup = await open(browser, srv.url);
  await sup.page.goto('/');
  await signIn(sup.page, 'adv_sup', PASSWORD);
  await sup.page.getByRole('link', { name: 'On call' }).click();
  await sup.page.getByRole('heading', { name: 'On call' }).waitFor();
  await sup.page.getByText('No shifts now or ahead').waitFor();
  await sup.page.getByText('Add a shift').click();
  const form = sup.page.locator('form', { has: sup.page.getByRole('button', { name: 'Add shift' }) });
  await form.getByLabel('On call').selectOption({ label: 'Synthetic adv (adv)' });
  await form.getByLabel('Until').fill('2020-01-01T08:00');
  await form.getByRole('button', { name: 'Add shift' }).click();
  await form.locator('[data-field="ends_at"] .msg.error').waitFor(); // said next to the field
  await form.getByLabel('Until').fill(countyWall(Date.now() + 8 * 3600e3)); // the county's clock, not this machine's
  await form.getByRole('button', { name: 'Add shift' }).click();
  await form.getByText('Added the shift of Synthetic adv').waitFor();
  // nobody can page the advocate yet: a caution beside the field, not a refusal
  await form.locator('[data-field="user_id"] .msg.warning').waitFor();
  const row = sup.page.locator('tr', { hasText: 'Synthetic adv' }).filter({ hasText: 'In force' });
  await row.waitFor();
  // the supervisor sees what others did to the agency's accounts: the seeded tokens
  await sup.page.getByRole('heading', { name: 'Account notices of the agency' }).waitFor();
  await sup.page.locator('ul.notices li', { hasText: 'Synthetic adv (adv): a bearer token' }).first().waitFor();
  await shot(sup.page, 'oncall-supervisor');

  const adv = await open(browser, srv.url);
  await adv.page.goto('/oncall');
  await signIn(adv.page, 'adv', PASSWORD);
  await adv.page.getByRole('heading', { name: 'How I am paged' }).waitFor();
  assert.equal(await adv.page.getByText('Add a shift').count(), 0, 'members do not edit the roster');
  assert.equal(await adv.page.getByRole('button', { name: /^End shift/ }).count(), 0);
  await adv.page.locator('tr', { hasText: 'Synthetic adv' }).waitFor();
  await adv.page.getByLabel('E-mail').fill('adv.synthetic@county.example');
  await adv.page.getByRole('button', { name: 'Save how I am paged' }).click();
  await adv.page.getByText('Saved. Summonses reach you there').waitFor();
  const me = (await srv.as('adv').get('/api/v1/me')).json.user;
  assert.equal((await srv.as('adv').get(`/api/v1/users/${me.id}/channels`)).json.email, 'adv.synthetic@county.example');

  const c = await identify(srv.as('le'));
  assert.equal(c.status, 201, c.text);
  await adv.page.goto(`/cases/${c.json.id}`);
  const item = adv.page.locator('.summons li', { hasText: 'Advocates United' });
  await item.waitFor();
  assert.match(await item.textContent(), /Synthetic adv \(on call\) by email/);
  assert.match(await item.textContent(), /not acknowledged/);
  await shot(adv.page, 'oncall-case-summoned');
  // the message links here: "Acknowledge" stops the repeats and the escalation
  await item.getByRole('button', { name: /^Acknowledge/ }).click();
  await adv.page.locator('.summons li', { hasText: 'Advocates United' }).filter({ hasText: 'acknowledged by Synthetic adv' }).waitFor();
  const s = (await srv.as('adv').get(`/api/v1/cases/${c.json.id}/notifications`)).json.summons
    .find((x) => x.agency.kind === 'advocacy');
  assert.equal(s.acknowledged_by.name, 'Synthetic adv');
  // only the summoned agency is offered the button
  assert.equal(await adv.page.locator('.summons li', { hasText: 'Child Welfare' }).getByRole('button').count(), 0);

  await row.getByRole('button', { name: /^End shift/ }).click();
  await sup.page.getByText('No shifts now or ahead').waitFor();
  assert.deepEqual([...sup.problems, ...adv.problems], []);
  await sup.context.close();
  await adv.context.close();
});
