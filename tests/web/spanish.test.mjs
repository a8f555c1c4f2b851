// The whole app in Spanish (docs/web.md, "Languages"): every screen of every role, at 360 px,
// with the language set in the person's preferences (or, for one of them, only the browser's),
// shows no English word, the server's refusals included (it writes them in the person's
// language, a witness rule's reason too). What the server keeps in English (a witness rule's
// source, the law as the rules file quotes it) is marked lang="en" and left out; names,
// codes and case numbers are data, not words of the app.
import { after, before, test } from 'node:test';
import { readFile } from 'node:fs/promises';
import assert from 'node:assert/strict';
import { identify, invite, isoMinutesAgo, countyDate, PASSWORD, startCounty, USERS, witnessWithHearing } from '../api/harness.mjs';
import { fitsWidth, launch, open, PHONE, shot, SIGNIN_WORDS, signIn } from './browser.mjs';

// Common English words of the app's screens; none of them is also a Spanish word.
const ENGLISH = new Set(`the and with your you our what when who this that for from save add show open closed sign
done due left overdue case cases step steps youth agency agencies note notes report reports witness witnesses hearing
hearings name date time nobody yes any every only change print cancel confirm worker shift shifts area areas search find
password account none not pending waived by of to in on at is are was it or be has have new all more less set end start
days hours minutes today week back next call code codes user users role status safety motion notice review
arrest placement exam screening advocate identified identify missing found hotline nothing something wrong sorry
page screen menu clock clocks deadline deadlines summary court prosecutor probation welfare enforcement`.split(/\s+/));

// What the county calls its agencies, people and hotlines is data, in whatever language it
// was typed (the hotlines are the county's setting youth.hotlines).
const DATA = [...new Set(USERS.map(([, agency]) => agency))];

let srv, browser, caseId;
before(async () => {
  srv = await startCounty();
  browser = await launch();
  caseId = (await identify(srv.as('le'))).json.id;
  for (const x of (await srv.as('le').get('/api/v1/me')).json.county.hotlines) DATA.push(x.name);
  await invite(srv, 'le', caseId, 'pros', 'Sintético: la fiscalía necesita al joven como testigo');
  await invite(srv, 'le', caseId, 'shelter', 'Sintético: el refugio recibe al joven');
  const r = await srv.as('adv').post(`/api/v1/cases/${caseId}/events`,
    { type: 'advocate_note', at: isoMinutesAgo(1), text: 'Nota sintética de la defensora.' });
  assert.equal(r.status, 201, r.text);
  // the youth is a minor witness with a hearing ahead and a safety plan begun (the witness part)
  const { witness } = await witnessWithHearing(srv, caseId, { number: 'SYN-ES-1', court: 'Tribunal sintético', defendant: 'Acusado Sintético' });
  const plan = await srv.as('adv').post(`/api/v1/cases/${caseId}/events`, { type: 'safety_plan', at: isoMinutesAgo(1),
    witness_id: witness.id, part: 'exploiter_contact', text: 'Sin contacto con el explotador.' });
  assert.equal(plan.status, 201, plan.text);
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
  // a setting's name or a file's path (report.stability.*, docs/report.md) is a code
  rest = rest.replace(/[\w-]+(?:[./][\w*-]+)+/g, ' ');
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

test('a refusal reads in Spanish: the server\'s own words, before sign-in and after, nothing marked as English', async () => {
  const { context, page } = await open(browser, srv.url, { viewport: PHONE, locale: 'es-US' });
  await page.goto('/');
  const w = SIGNIN_WORDS.es;
  await page.getByLabel(w.username).fill('cw');
  await page.getByLabel(w.password).fill('not-the-password');
  await page.getByRole('button', { name: w.signIn, exact: true }).click();
  const said = page.getByText('Usuario o contraseña incorrectos, o la cuenta está desactivada.');
  await said.waitFor();
  assert.equal(await page.locator('main :is(.form-status, .msg) [lang="en"]').count(), 0);
  assert.deepEqual(await englishOn(page), []);

  // signed in, the preference speaks: the current password refused next to its field
  await signIn(page, 'le', PASSWORD, w);
  await page.goto('/account');
  await page.getByLabel('Contraseña actual').fill('not-the-password');
  await page.getByLabel('Contraseña nueva').fill('Sintetica-nueva-clave-2026');
  await page.getByRole('button', { name: 'Cambiar la contraseña' }).click();
  await page.getByText('No es su contraseña actual.').waitFor();
  assert.equal(await page.locator('main :is(.form-status, .msg) [lang="en"]').count(), 0);
  assert.deepEqual(await englishOn(page), []);
  await shot(page, 'spanish-refusal-phone');
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
      if (path === `/cases/${caseId}` && page.url().endsWith(caseId) && await page.locator('#witness h2').count() === 0 &&
        ['pros', 'adv', 'le'].includes(user)) problems.push(`${user}: no witness part on the case`);
      if (user === 'adv' && path === `/cases/${caseId}`) await shot(page, 'spanish-case-phone');
    }
    for (const e of errors) problems.push(`${user}: ${e}`);
    await context.close();
  }
  assert.deepEqual(problems, []);
});

test('the witness rules\' reasons in Spanish, not marked as English: a case\'s witness part and the eligibility check', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/');
  await signIn(page, 'pros', PASSWORD, { ...SIGNIN_WORDS.en, signOut: SIGNIN_WORDS.es.signOut });
  const spanish = async (where) => {
    const reasons = page.locator(`${where} .rule-reason`);
    await reasons.first().waitFor();
    const texts = await reasons.allInnerTexts();
    assert.equal(texts.length, 3, where);
    for (const x of texts) assert.match(x, /^(Reúne los requisitos|No reúne los requisitos|No está en vigor)/, where);
    assert.equal(await page.locator(`${where} .rule-reason [lang="en"]`).count(), 0, where);
    assert.equal(await page.locator(`${where} .rule-head strong`, { hasText: 'Política del condado' }).count(), 1, where);
  };
  await page.goto(`/cases/${caseId}`);
  await spanish('#witness');
  await page.goto('/witnesses');
  const check = page.locator('form').filter({ has: page.getByRole('button', { name: 'Verificar los requisitos' }) });
  await check.getByLabel('Fecha de nacimiento del testigo').fill('2015-06-15');
  await check.getByLabel('Cargos', { exact: true }).fill('PC 288');
  await check.getByRole('button', { name: 'Verificar los requisitos' }).click();
  await spanish('.result');
  assert.match(await page.locator('.result .rule-reason').first().innerText(), /los cargos incluyen un delito sexual \(PC 288\)/);
  assert.deepEqual(await englishOn(page), []);
  await shot(page, 'spanish-witness-reasons-phone');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the page for the youth, at 360 px: in the officer\'s language or the youth\'s, the advocate coming within the protocol\'s 90 minutes, the rights, the hotlines; printable', async () => {
  const p = await srv.as('le').request('PUT', '/api/v1/me/preferences/language', { body: { language: 'en' } });
  assert.equal(p.status, 200, p.text);
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await page.goto('/');
  await signIn(page, 'le', PASSWORD);
  await page.goto(`/cases/${caseId}`);
  await page.getByRole('link', { name: 'Page for the youth' }).click();
  const article = page.locator('article.youth-page');
  await article.getByRole('heading', { name: 'You are safe now' }).waitFor();
  assert.equal(await article.getAttribute('lang'), 'en');
  const en = await article.innerText();
  for (const want of ['You are not under arrest.', 'You are not in trouble.', 'Your advocate is from Advocates United.',
    'in 90 minutes or less', 'Penal Code 293', 'If you are 12 or older, you can say yes or no', 'Family Code 6927',
    'National Human Trafficking Hotline', 'Call 1-888-373-7888', 'Text 233733', 'Call 1-800-422-4453']) {
    assert.ok(en.includes(want), `"${want}" in:\n${en}`);
  }
  assert.equal(await page.locator('a[href="tel:18883737888"]').count(), 1);
  assert.ok(await fitsWidth(page));
  await shot(page, 'youth-page-en-phone');
  // the youth reads Spanish: the officer's screen stays English, the page is Spanish
  await page.getByRole('link', { name: 'Español' }).click();
  await article.getByRole('heading', { name: 'Ahora estás a salvo' }).waitFor();
  assert.equal(await article.getAttribute('lang'), 'es');
  const es = await article.innerText();
  for (const want of ['No estás arrestado.', 'No estás en problemas.', 'Tu defensor es de Advocates United.',
    'en 90 minutos o menos', 'Código Penal de California 293', 'Si tienes 12 años o más, puedes decir que sí o que no', 'Código de Familia de California 6927',
    'Llama al 1-888-373-7888', 'Manda un mensaje de texto al 233733', 'Llama al 1-800-422-4453']) {
    assert.ok(es.includes(want), `"${want}" in:\n${es}`);
  }
  assert.ok(await page.getByRole('button', { name: 'Print' }).isVisible());
  await shot(page, 'youth-page-es-phone');
  // on paper: the page alone, without the officer's buttons
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.youth-langs').isVisible(), false);
  assert.equal(await page.getByRole('button', { name: 'Print' }).isVisible(), false);
  assert.ok(await article.isVisible());
  assert.deepEqual(problems, []);
  await context.close();
});

test('the Board report as a Spanish analyst at 360 px: on screen, its charts and its printable page, no English word and nothing marked as English', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE, acceptDownloads: true });
  await page.goto('/');
  await signIn(page, 'analyst', PASSWORD, { ...SIGNIN_WORDS.en, signOut: SIGNIN_WORDS.es.signOut });
  const to = countyDate(Date.now()), from = `${to.slice(0, 4)}-01-01`;
  await page.goto(`/reports?from=${from}&to=${to}`);
  await page.getByRole('heading', { name: 'Informe para la Junta' }).waitFor();
  await page.locator('.charts svg').first().waitFor();
  assert.equal(await page.locator('main [lang="en"]').count(), 0, 'nothing the server sends is left in English');
  assert.ok(await page.getByText('Estable el día N (30, 90, 180)').count());
  assert.equal(await page.locator('.charts svg title').first().textContent(), 'Recuperaciones por mes');
  assert.deepEqual(await englishOn(page), []);
  await shot(page, 'spanish-board-report-phone');
  // the printable page, as downloaded: in Spanish from its lang attribute to its footer
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Descargar HTML' }).click();
  const html = await readFile(await (await download).path(), 'utf8');
  const printable = await context.newPage();
  await printable.setContent(html);
  assert.equal(await printable.getAttribute('html', 'lang'), 'es');
  assert.equal(await printable.locator('h1').textContent(),
    'Protocolo de Primera Respuesta para niños, niñas y jóvenes víctimas de explotación sexual comercial: informe a la Junta de Supervisores');
  assert.deepEqual(await englishOn(printable), []);
  assert.ok(!(await printable.locator('footer').textContent()).includes('Produced'));
  assert.deepEqual(problems, []);
  await context.close();
});
