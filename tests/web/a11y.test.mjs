// Every screen of every role, at 360 px and on a desktop: axe-core finds no serious or
// critical violation, nothing scrolls sideways (every disclosure opened, so every form
// is looked at), and long text wraps instead of standing in a narrow column.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { identify, invite, isoMinutesAgo, PASSWORD, startCounty, USERS, witnessWithHearing } from '../api/harness.mjs';
import { launch, open, PHONE, shot, signIn } from './browser.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const DESKTOP = { width: 1280, height: 900 };
// a word longer than the phone is wide: it must wrap, not push the page sideways
const LONG = `Synthetic ${'longwordwithoutanyspaces'.repeat(4)} note that runs on and on. `.repeat(6);

let srv, browser, caseId;
before(async () => {
  srv = await startCounty();
  browser = await launch();
  caseId = (await identify(srv.as('le'))).json.id;
  await seedCase(srv, caseId);
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
});

// A case with something in every part of the page: a witness with a hearing and a
// safety plan, privileged and ordinary notes, deviations, a shift on call.
async function seedCase(s, id) {
  const ev = async (user, body) => {
    const r = await s.as(user).post(`/api/v1/cases/${id}/events`, { at: isoMinutesAgo(1), ...body });
    assert.equal(r.status, 201, `${body.type}: ${r.text}`);
    return r.json;
  };
  await invite(s, 'le', id, 'pros');
  const w = (await witnessWithHearing(s, id, { number: 'SYN-A11Y-1', court: 'Synthetic Court', defendant: 'Synthetic Defendant' })).witness;
  await ev('adv', { type: 'safety_plan', witness_id: w.id, part: 'exploiter_contact', text: LONG });
  await ev('adv', { type: 'advocate_note', text: LONG });
  await ev('cw', { type: 'note', section: 'core', text: LONG });
  await ev('cw', { type: 'placement', setting: 'detention', justification: 'Synthetic: no other bed was open that night within the county.' });
  await ev('le', { type: 'exploiter_arrest', role: 'exploiter', charge: 'PC 236.1', person: 'Synthetic Person 1990-01-01' });
  const me = (await s.as('adv').get('/api/v1/me')).json.user;
  const sup = (await s.as('adv_sup').get('/api/v1/me')).json.user;
  const r = await s.as('adv_sup').post(`/api/v1/agencies/${me.agency.id}/roster`, { user_id: me.id, supervisor_id: sup.id,
    starts_at: isoMinutesAgo(60), ends_at: new Date(Date.now() + 8 * 3600e3).toISOString().replace(/\.\d{3}Z$/, 'Z') });
  assert.equal(r.status, 201, r.text);
}

// What a screen shows once everything on it is open: every disclosure, the first
// "Done" form, the report.
async function openEverything(page) {
  const show = page.getByRole('button', { name: 'Show report' });
  if (await show.count()) {
    await show.click();
    await page.locator('.charts svg').first().waitFor();
  }
  const refused = page.getByRole('button', { name: 'Refused arrest attempts' });
  if (await refused.count()) {
    await refused.click();
    await page.getByRole('heading', { name: 'Refused arrest attempts' }).waitFor();
  }
  const done = page.locator('button.done-open').first();
  if (await done.count()) await done.click();
  await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
}

// Serious and critical axe violations, and what makes the page wider than the screen.
async function check(page) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')})`);
  });
  const layout = await page.evaluate(() => {
    const out = [];
    const w = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > w + 1) {
      const wide = [...document.querySelectorAll('main *, header *')].filter((e) => e.getBoundingClientRect().right > w + 1 &&
        !e.closest('.visually-hidden') && e.getClientRects().length);
      out.push(`the page is ${document.documentElement.scrollWidth} px wide on a ${w} px screen: ` +
        wide.slice(0, 4).map((e) => `${e.tagName.toLowerCase()}.${e.className}`).join(', '));
    }
    // a scroll box (a table) that scrolls sideways is sideways scrolling too
    for (const e of document.querySelectorAll('main *')) {
      const st = getComputedStyle(e);
      if (/(auto|scroll)/.test(st.overflowX) && e.scrollWidth > e.clientWidth + 1) out.push(`${e.tagName.toLowerCase()}.${e.className} scrolls sideways`);
    }
    // long text wraps in a column wide enough to read (not one letter a line)
    for (const e of document.querySelectorAll('main dd, main td, main p, main li')) {
      if (!e.getClientRects().length || !e.textContent.trim() || e.closest('[hidden]')) continue;
      if (e.textContent.trim().length > 40 && e.getBoundingClientRect().width < 120) out.push(`${e.tagName.toLowerCase()}.${e.className} is ${Math.round(e.getBoundingClientRect().width)} px wide`);
    }
    return out;
  });
  return [...found, ...layout];
}

// The screens a user reaches from the navigation, and the case's pages for case staff.
async function screensOf(page, user) {
  const paths = await page.locator('#nav a').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
  const staff = !['analyst', 'admin'].includes(user);
  if (staff) paths.push(`/cases/${caseId}`);
  for (const a of await page.locator('a[data-print]').evaluateAll((as) => as.map((x) => new URL(x.href).pathname))) paths.push(a);
  return [...new Set(paths)];
}

for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
  test(`every screen of every role at ${viewport.width} px: no serious axe violation, no sideways scrolling`, async () => {
    const problems = [];
    const signedOut = await open(browser, srv.url, { viewport });
    await signedOut.page.goto('/');
    await signedOut.page.getByRole('button', { name: 'Sign in' }).waitFor();
    for (const p of await check(signedOut.page)) problems.push(`signed out, /: ${p}`);
    await signedOut.context.close();
    for (const [user] of USERS) {
      const { context, page, problems: errors } = await open(browser, srv.url, { viewport });
      await page.goto('/');
      await signIn(page, user, PASSWORD);
      await page.locator('main h1').first().waitFor();
      const seen = new Set();
      const queue = await screensOf(page, user);
      while (queue.length) {
        const path = queue.shift();
        if (seen.has(path)) continue;
        seen.add(path);
        await page.goto(path);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        // a screen that failed to load is not a screen that passed
        const h1 = (await page.locator('main h1').first().textContent()).trim();
        if (['Something went wrong', 'No such page'].includes(h1)) problems.push(`${user}, ${path}: the screen says "${h1}"`);
        for (const p of await page.locator('main a[data-print]').evaluateAll((as) => as.map((x) => new URL(x.href).pathname))) queue.push(p);
        await openEverything(page);
        for (const p of await check(page)) problems.push(`${user}, ${path}: ${p}`);
        if (user === 'adv' && path.startsWith('/cases/')) await shot(page, `a11y-case-${name}`);
      }
      for (const e of errors) problems.push(`${user}: ${e}`);
      await context.close();
    }
    assert.deepEqual(problems, []);
  });
}
