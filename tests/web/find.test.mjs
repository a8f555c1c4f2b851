// Finding a youth and naming a worker, in the browser: a social worker on a 360 px phone
// finds a youth by part of the name (two youths told apart by name, age and area), and by
// birth date; a deputy does not find another station's youth; a member takes a case as its
// worker and a supervisor, on a desktop, sees the caseloads and names another worker.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { identify, PASSWORD, startCounty } from '../api/harness.mjs';
import { fitsWidth, launch, open, PHONE, shot, signIn } from './browser.mjs';

let srv, browser;
const ids = {};
before(async () => {
  srv = await startCounty();
  browser = await launch();
  ids.marisol = (await identify(srv.as('le'), { youth: { birth_date: '2011-04-02', first_name: 'Marisol', last_name: 'Quennell-Lopez' } })).json.id;
  ids.marisa = (await identify(srv.as('le2'), { area: 'long_beach', youth: { birth_date: '2012-08-19', first_name: 'Marisa', last_name: 'Delacroix' } })).json.id;
  ids.other = (await identify(srv.as('le'), { youth: { birth_date: '2010-01-05', first_name: 'Tobiah', last_name: 'Windermere' } })).json.id;
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
});

test('a social worker at 360 px finds a youth by part of the name, and by birth date', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/');
  await signIn(page, 'cw', PASSWORD);
  await page.locator('#nav').getByRole('link', { name: 'Find a youth' }).click();
  await page.getByRole('heading', { name: 'Find a youth', level: 1 }).waitFor();
  const form = page.getByRole('search', { name: 'Find a youth' });
  await form.getByLabel('Name or alias').fill('maris');
  await form.getByRole('button', { name: 'Search' }).click();
  await page.getByText('2 found.').waitFor();
  // two Maris… told apart: name, age, area
  const results = page.getByRole('list', { name: 'Youth found' }).getByRole('listitem');
  assert.equal(await results.count(), 2);
  const sol = results.filter({ hasText: 'Marisol Quennell-Lopez' });
  assert.match(await sol.textContent(), /compton/);
  assert.match(await results.filter({ hasText: 'Marisa Delacroix' }).textContent(), /long_beach/);
  assert.ok(await fitsWidth(page), 'no sideways scrolling');
  await shot(page, 'find-phone');
  // two parts of the name narrow it to one
  await form.getByLabel('Name or alias').fill('maris lopez');
  await form.getByRole('button', { name: 'Search' }).click();
  await page.getByText('1 found.').waitFor();
  await sol.getByRole('link').click();
  await page.waitForURL(`**/cases/${ids.marisol}`);
  await page.getByText('Marisol').first().waitFor();
  // by birth date alone, after going back: the page shows the last search again ("1 found.",
  // Marisol), so the test waits for the answer to its own search, and that search is what
  // was typed, not what the page restored, although it was typed while the page was still
  // loading (the agency's list held back until then)
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/api/v1/cases?*', async (route) => { await held; await route.continue(); });
  await page.goBack();
  await page.getByRole('heading', { name: 'Find a youth', level: 1 }).waitFor();
  assert.equal(await form.getByLabel('Name or alias').inputValue(), 'maris lopez', 'the last search, shown again');
  await form.getByLabel('Name or alias').fill('');
  await form.getByLabel('Birth date').fill('2012-08-19');
  release();
  await page.locator('main:not([aria-busy])').waitFor();
  await page.unroute('**/api/v1/cases?*');
  assert.equal(await form.getByLabel('Name or alias').inputValue(), '');
  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/search');
  await form.getByRole('button', { name: 'Search' }).click();
  const res = await answer;
  assert.deepEqual(res.request().postDataJSON(), { birth_date: '2012-08-19' });
  assert.equal(res.status(), 200, await res.text());
  await results.filter({ hasText: 'Marisa Delacroix' }).waitFor();
  assert.equal(await results.count(), 1);
  await page.getByText('1 found.').waitFor();
  // an initial alone is refused beside the field, in words
  await form.getByLabel('Birth date').fill('');
  await form.getByLabel('Name or alias').fill('M');
  await form.getByRole('button', { name: 'Search' }).click();
  assert.match(await form.locator('[data-field="name"] .msg.error').textContent(), /at least 2 letters/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a deputy does not find another station's youth", async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/cases');
  await signIn(page, 'le', PASSWORD);
  const form = page.getByRole('search', { name: 'Find a youth' });
  await form.getByLabel('Name or alias').fill('marisa');
  await form.getByRole('button', { name: 'Search' }).click();
  await page.getByText('Nobody found among the cases your agency takes part in.').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a member takes a case as its worker; the supervisor sees the caseloads and names another', async () => {
  const member = await open(browser, srv.url, { viewport: PHONE });
  await member.page.goto(`/cases/${ids.marisol}`);
  await signIn(member.page, 'cw', PASSWORD);
  const mine = member.page.locator('.agencies li', { hasText: 'Child Welfare' });
  await mine.getByRole('button', { name: 'I’ll be the worker' }).click();
  await mine.getByText('worker: Synthetic cw').waitFor();
  await mine.getByRole('button', { name: 'Step down as worker' }).waitFor();
  assert.ok(await fitsWidth(member.page));
  await shot(member.page, 'worker-phone');
  // the case now shows in "only cases I am the worker on"
  await member.page.goto('/cases');
  const form = member.page.getByRole('search', { name: 'Find a youth' });
  await form.getByText('Filters').click();
  await form.getByLabel('Only cases I am the worker on').check();
  await form.getByRole('button', { name: 'Search' }).click();
  await member.page.getByText('1 found.').waitFor();
  await member.page.getByRole('list', { name: 'Youth found' }).getByText('Our worker: Synthetic cw').waitFor();

  const sup = await open(browser, srv.url);
  await sup.page.goto('/cases');
  await signIn(sup.page, 'cw_sup', PASSWORD);
  const loads = sup.page.getByRole('region', { name: 'Caseloads' });
  await loads.waitFor();
  assert.deepEqual(await loads.locator('tr[data-user="cw"] td').allTextContents(), ['1', '0']);
  assert.match(await loads.locator('tr.unassigned').textContent(), /Nobody named yet\s*2/);
  // the supervisor names the member on another case, from the case
  await sup.page.goto(`/cases/${ids.other}`);
  const row = sup.page.locator('.agencies li', { hasText: 'Child Welfare' });
  await row.getByLabel('Our worker on this case').selectOption({ label: 'Synthetic cw' });
  await row.getByRole('button', { name: 'Name the worker' }).click();
  await row.getByText('worker: Synthetic cw').waitFor();
  await sup.page.goto('/cases');
  await loads.waitFor();
  assert.deepEqual(await loads.locator('tr[data-user="cw"] td').allTextContents(), ['2', '0']);
  await shot(sup.page, 'caseloads-desktop');
  assert.deepEqual([...member.problems, ...sup.problems], []);
  await member.context.close();
  await sup.context.close();
});
