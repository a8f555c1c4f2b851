// The whole app in Spanish (docs/web.md, "Languages"): every screen of every role, at 360 px,
// with the language set in the person's preferences (or, for one of them, only the browser's),
// shows no English word. What the server says in English (its refusals) is marked lang="en"
// and left out; names, codes and case numbers are data, not words of the app.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { identify, invite, isoMinutesAgo, PASSWORD, startCounty, USERS } from '../api/harness.mjs';
import { launch, open, PHONE, shot, SIGNIN_WORDS, signIn } from './browser.mjs';

// Common English words of the app's screens; none of them is also a Spanish word.
const ENGLISH = new Set(`the and with your you our what when who this that for from save add show open closed sign
done due left overdue case cases step steps youth agency agencies note notes report reports witness witnesses hearing
hearings name date time nobody yes any every only change print cancel confirm worker shift shifts area areas search find
password account none not pending waived by of to in on at is are was it or be has have new all more less set end start
days hours minutes today week back next call code codes user users role status safety plan motion notice review
arrest placement exam screening advocate identified identify missing found hotline nothing something wrong sorry
page screen menu clock clocks deadline deadlines summary court prosecutor probation welfare enforcement`.split(/\s+/));

// What the county calls its agencies and people is data, in whatever language it was typed.
const DATA = [...new Set(USERS.map(([, agency]) => agency))];

let srv, browser, caseId;
before(async () => {
  srv = await startCounty();
  browser = await launch();
  caseId = (await identify(srv.as('le'))).json.id;
  await invite(srv, 'le', caseId, 'pros');
  await invite(srv, 'le', caseId, 'shelter');
  const r = await srv.as('adv').post(`/api/v1/cases/${caseId}/events`,
    { type: 'advocate_note', at: isoMinutesAgo(1), text: 'Nota sintética de la defensora.' });
  assert.equal(r.status, 201, r.text);
  // everyone but the social worker chooses Spanish; the social worker's browser asks for it
  for (const [user] of USERS) {
    if (user === 'cw') continue;
    const p = await srv.as(user).request('PUT', '/api/v1/me/preferences/language', { body: { language: 'es' } });
    assert.equal(p.status, 200, p.text);
  }
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0);
});

// The English words the page shows (every disclosure opened first).
async function englishOn(page) {
  await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
  const text = await page.evaluate(() => {
    const out = [];
    const walk = (el) => {
      if (el.closest('[lang="en"], .case-id, code, .who-name, [hidden]')) return;
      for (const n of el.childNodes) {
        if (n.nodeType === Node.TEXT_NODE) out.push(n.textContent);
        else if (n.nodeType === Node.ELEMENT_NODE && !['SCRIPT', 'STYLE', 'OPTION', 'DATALIST'].includes(n.tagName)) walk(n);
      }
      for (const a of ['aria-label', 'title', 'placeholder']) if (el.getAttribute?.(a)) out.push(el.getAttribute(a));
    };
    walk(document.querySelector('header'));
    walk(document.querySelector('main'));
    for (const o of document.querySelectorAll('main select option')) out.push(o.textContent);
    out.push(document.title);
    return out.join('\n');
  });
  let rest = text;
  for (const d of DATA) rest = rest.split(d).join(' ');
  const found = new Set();
  for (const w of rest.match(/[A-Za-zÀ-ÿ_]+/g) ?? []) {
    if (!w.includes('_') && ENGLISH.has(w.toLowerCase())) found.add(w);
  }
  return [...found];
}

test('signed out, a browser that speaks Spanish gets the sign-in screen in Spanish', async () => {
  const { context, page } = await open(browser, srv.url, { viewport: PHONE, locale: 'es-US' });
  await page.goto('/');
  await page.getByRole('button', { name: 'Iniciar sesión', exact: true }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'es');
  assert.deepEqual(await englishOn(page), []);
  await context.close();
});

test('every screen of every role in Spanish at 360 px: no English word left', async () => {
  const problems = [];
  for (const [user] of USERS) {
    // the preference decides; the social worker's comes from the browser alone
    const { context, page, problems: errors } = await open(browser, srv.url,
      { viewport: PHONE, locale: user === 'cw' ? 'es-MX' : 'en-US' });
    await page.goto('/');
    // (signing in speaks the browser's language; the preference applies once signed in)
    await signIn(page, user, PASSWORD, user === 'cw' ? SIGNIN_WORDS.es : { ...SIGNIN_WORDS.en, signOut: SIGNIN_WORDS.es.signOut });
    await page.locator('main h1').first().waitFor();
    await page.waitForLoadState('networkidle');
    const paths = await page.locator('#nav a').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
    paths.push('/account');
    if (!['analyst', 'admin', 'oversight'].includes(user)) paths.push(`/cases/${caseId}`);
    const seen = new Set();
    while (paths.length) {
      const path = paths.shift();
      if (seen.has(path)) continue;
      seen.add(path);
      await page.goto(path);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      for (const p of await page.locator('main a[data-print], main a[data-youth]').evaluateAll((as) => as.map((x) => new URL(x.href).pathname))) paths.push(p);
      const done = page.locator('button.done-open').first();
      if (await done.count()) await done.click();
      const words = await englishOn(page);
      if (words.length) problems.push(`${user}, ${path}: ${words.join(' ')}`);
      if (user === 'le' && path === `/cases/${caseId}`) await shot(page, 'spanish-case-phone');
    }
    for (const e of errors) problems.push(`${user}: ${e}`);
    await context.close();
  }
  assert.deepEqual(problems, []);
});
