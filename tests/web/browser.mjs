// Headless Debian chromium driven by playwright-core (no browser download, ever).
// Playwright gives every launch a fresh temporary --user-data-dir of its own (it
// refuses one in `args`), so no profile, cookie or cache survives a test file.
import { chromium } from 'playwright-core';
import { nextCode, rememberSecret, stepNow, totpAt } from '../api/harness.mjs';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts', 'web');
mkdirSync(ARTIFACTS, { recursive: true });

export const PHONE = { width: 360, height: 740 };

// A run at an awkward hour shifts the clock of node and the server with libfaketime
// (CONTRIBUTING.md); chromium does not load pages under it, so it runs on the real clock
// and every page it opens is given node's clock instead (open()).
const FAKETIME = Boolean(process.env.FAKETIME);
const REAL_CLOCK_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['LD_PRELOAD', 'FAKETIME'].includes(k)));

export function launch() {
  return chromium.launch({
    env: FAKETIME ? REAL_CLOCK_ENV : undefined,
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    chromiumSandbox: false,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A new isolated context (own cookies and storage) and page; browser console errors
// and failed page scripts are collected so a test can assert there were none.
// The device is in Tokyo by default, far from the county (Los Angeles): every time the
// app shows or reads must still be the county's.
export async function open(browser, url, { viewport = { width: 1024, height: 800 }, ...opts } = {}) {
  const context = await browser.newContext({ viewport, baseURL: url, timezoneId: 'Asia/Tokyo', locale: 'en-US', ...opts });
  if (FAKETIME) await context.clock.install({ time: Date.now() });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // the browser logs every failed or 4xx response as an error; those are expected here
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { context, page, problems };
}

// Does the page fit the width of the screen (nothing to scroll sideways)?
export function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1);
}

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// The words signIn() looks for, in each language of the app (web/i18n/).
export const SIGNIN_WORDS = {
  en: { username: 'Username', password: 'Password', signIn: 'Sign in', signOut: 'Sign out', enterCode: 'Enter your code',
    enrol: 'Set up an authenticator app', code: 'Code', cont: 'Continue', fromApp: 'Code from the app', confirm: 'Confirm',
    recovery: 'Your recovery codes', kept: 'I have kept them: continue' },
  es: { username: 'Nombre de usuario', password: 'Contraseña', signIn: 'Iniciar sesión', signOut: 'Cerrar sesión',
    enterCode: 'Escriba su código', enrol: 'Configure una aplicación de autenticación', code: 'Código', cont: 'Continuar',
    fromApp: 'Código de la aplicación', confirm: 'Confirmar', recovery: 'Sus códigos de recuperación', kept: 'Ya los guardé: continuar' },
};

// Signs in through the form on the current page. Supervisors and admins then give the code
// of their authenticator app, computed here (tests/api/harness.mjs); the first time, they set
// one up from the key the page shows, and go past their recovery codes. w: the words of the
// sign-in screens in the language the page speaks.
export async function signIn(page, username, password, w = SIGNIN_WORDS.en) {
  await page.getByLabel(w.username).fill(username);
  await page.getByLabel(w.password).fill(password);
  await page.getByRole('button', { name: w.signIn, exact: true }).click();
  const signedIn = page.getByRole('button', { name: w.signOut });
  const code = page.getByRole('heading', { name: w.enterCode });
  const enrol = page.getByRole('heading', { name: w.enrol });
  await signedIn.or(code).or(enrol).first().waitFor();
  if (await code.isVisible()) {
    await page.getByLabel(w.code, { exact: true }).fill(await nextCode(page.url(), username));
    await page.getByRole('button', { name: w.cont }).click();
  } else if (await enrol.isVisible()) {
    const secret = (await page.locator('.totp-secret').textContent()).replace(/\s/g, '');
    const step = stepNow(); // the current step: accepted for 30 s at least (now - 1 may lapse mid-request)
    await page.getByLabel(w.fromApp).fill(totpAt(secret, step));
    await page.getByRole('button', { name: w.confirm }).click();
    await page.getByRole('heading', { name: w.recovery }).waitFor();
    rememberSecret(page.url(), username, secret, step);
    await page.getByRole('button', { name: w.kept }).click();
  }
  await signedIn.waitFor();
}

// "YYYY-MM-DDTHH:MM" on the county's clock (Los Angeles) at instant ms, as the app's
// datetime inputs show it; minutesApart() compares two such values.
export function countyWall(ms) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${String(+p.hour % 24).padStart(2, '0')}:${p.minute}`;
}
export function minutesApart(a, b) {
  return Math.abs(Date.parse(`${a}:00Z`) - Date.parse(`${b}:00Z`)) / 60000;
}
