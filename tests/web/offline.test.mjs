// Identification without a signal (issue 24): an officer on a phone identifies a youth
// with the network cut (Chromium's offline emulation), adds the scene's first entries,
// closes the tab and opens the app again still offline (the service worker serves it),
// and when the network returns the queue goes: exactly one case, with the time of
// identification recorded on the device. The queue is encrypted on the device with a key
// that cannot be read out, and sign-out deletes both. A session that ended meanwhile asks
// for the password first and loses nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, startCounty } from '../api/harness.mjs';
import { countyWall, launch, open, PHONE, shot, signIn } from './browser.mjs';

let srv, browser;
before(async () => {
  srv = await startCounty();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  assert.equal(await srv?.stop(), 0, 'the server exits cleanly (no leak under ASan)');
});

// Signed in on the identification screen, with the service worker in control and what the
// screen needs offline kept (the area shown comes from the agencies' answer).
async function readyOffline(page) {
  await page.goto('/');
  await signIn(page, 'le', PASSWORD);
  await page.getByRole('heading', { name: 'Identify a youth' }).waitFor();
  await page.locator('summary', { hasText: 'Area:' }).filter({ hasText: 'compton' }).waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
  // the steps and areas are kept, encrypted, once their answers arrived
  for (let kept = false, tries = 0; !kept; tries++) {
    assert.ok(tries < 200, 'the areas and steps are kept on the device');
    kept = await page.evaluate(async () => {
      const m = await import(document.querySelector('link[href$="/js/api.js"]').href.replace('api.js', 'offline.js'));
      const p = await m.profile();
      return p?.steps?.length > 0 && p?.areas?.length > 0;
    });
    if (!kept) await page.waitForTimeout(100); // polling for a state, not proving an absence
  }
}

async function fillIdentification(page, first) {
  await page.getByLabel('Child welfare dependent').check();
  await page.getByLabel('Age estimate').fill('15');
  await page.getByLabel('First name').fill(first);
  await page.getByRole('button', { name: 'Save identification' }).click();
  await page.getByRole('heading', { name: 'Saved on this phone, not sent yet' }).waitFor();
}

async function casesOf(user) {
  return (await srv.as(user).get('/api/v1/cases?limit=200')).json.items;
}

test('identified offline, the tab closed and opened again offline, sent once when the network returns', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await readyOffline(page);
  const before = (await casesOf('le')).length;

  await context.setOffline(true);
  const given = await page.getByLabel('Time of identification').inputValue();
  await fillIdentification(page, 'Offlinea');
  // the scene: the hotline called, and a note, kept after the identification
  await page.getByLabel('Done').selectOption('hotline_report');
  await page.getByLabel('Note').fill('Synthetic: met at the bus station, waiting with her');
  await page.getByRole('button', { name: 'Keep this entry' }).click();
  await page.getByText('Waiting to be sent (3)').waitFor();
  await shot(page, 'offline-1-kept');

  // on the device: encrypted, under a key that cannot be read out
  const stored = await page.evaluate(() => new Promise((resolve) => {
    const r = indexedDB.open('safeharbor-offline');
    r.onsuccess = () => {
      const tx = r.result.transaction(['meta', 'queue'], 'readonly');
      const key = tx.objectStore('meta').get('key');
      const all = tx.objectStore('queue').getAll();
      tx.oncomplete = () => {
        const bytes = all.result.map((x) => Array.from(new Uint8Array(x.data), (b) => String.fromCharCode(b)).join(''));
        resolve({ extractable: key.result.extractable, type: key.result.algorithm.name, n: all.result.length, bytes: bytes.join('|') });
        r.result.close();
      };
    };
  }));
  assert.equal(stored.type, 'AES-GCM');
  assert.equal(stored.extractable, false, 'the key cannot be exported');
  assert.equal(stored.n, 3);
  for (const plain of ['Offlinea', 'bus station', 'hotline_report', 'compton']) {
    assert.ok(!stored.bytes.includes(plain), `"${plain}" is not stored in the clear`);
  }
  assert.equal(await page.evaluate(() => sessionStorage.length + localStorage.length), 0, 'no draft left in the tab');

  // the tab is closed; a new one opens the app, still without a network
  await page.close();
  const again = await context.newPage();
  again.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  const res = await again.goto('/identify');
  assert.ok(res.fromServiceWorker(), 'the app shell comes from the service worker');
  await again.getByRole('heading', { name: 'Identify a youth' }).waitFor();
  await again.getByText('Waiting to be sent (3)').waitFor();
  assert.equal((await casesOf('le')).length, before, 'nothing reached the server yet');
  await shot(again, 'offline-2-reopened');

  // the signal returns: everything goes, once, in order
  await context.setOffline(false);
  await again.locator('.outbox .sent li').nth(2).waitFor({ timeout: 20000 });
  assert.equal(await again.getByText(/Waiting to be sent/).count(), 0);
  await shot(again, 'offline-3-sent');
  const now = await casesOf('le');
  assert.equal(now.length, before + 1, 'exactly one case');
  const id = (await again.locator('.outbox .sent .case-id').first().textContent()).trim();
  const c = (await srv.as('le').get(`/api/v1/cases/${id}`)).json;
  assert.equal(countyWall(Date.parse(c.identified_at)), given, 'the clock starts at the time recorded on the device');
  assert.equal(c.steps.find((s) => s.key === 'hotline_report').state, 'done');
  const events = (await srv.as('le').get(`/api/v1/cases/${id}/events`)).json.items;
  assert.deepEqual(events.map((e) => e.type).sort(), ['identification', 'note', 'step_done']);

  // a reload sends nothing again
  await again.reload();
  await again.getByRole('heading', { name: 'Identify a youth' }).waitFor();
  await again.locator('.outbox .sent li').first().waitFor();
  assert.equal((await casesOf('le')).length, before + 1);

  // sign-out deletes the queue, what was sent and the key
  await again.getByRole('button', { name: 'Sign out' }).click();
  await again.getByLabel('Username').waitFor();
  const dbs = await again.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  assert.ok(!dbs.includes('safeharbor-offline'), `deleted at sign-out: ${dbs}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a session that ended while offline asks for the password before sending, and keeps the queue', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await readyOffline(page);
  const before = (await casesOf('le')).length;
  await context.setOffline(true);
  await fillIdentification(page, 'Expireda');
  await page.getByText('Waiting to be sent (1)').waitFor();
  // the session ends on the server meanwhile (here: the cookie is gone)
  await context.clearCookies();
  await context.setOffline(false);
  const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
  await dialog.waitFor({ timeout: 20000 });
  assert.equal((await casesOf('le')).length, before, 'nothing sent without a session');
  await dialog.getByLabel('Password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Sign in and continue' }).click();
  await page.locator('.outbox .sent li').first().waitFor({ timeout: 20000 });
  assert.equal((await casesOf('le')).length, before + 1, 'sent once, after signing in');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an entry the server refused is corrected and sent again under a new key, or discarded', async () => {
  const { context, page, problems } = await open(browser, srv.url, { viewport: PHONE });
  await readyOffline(page);
  const before = (await casesOf('le')).length;

  // offline, an age the phone takes but the protocol does not serve (at most 25), and a note
  await context.setOffline(true);
  await page.getByLabel('Child welfare dependent').check();
  await page.getByLabel('Age estimate').fill('52');
  await page.getByLabel('First name').fill('Correcta');
  await page.getByRole('button', { name: 'Save identification' }).click();
  await page.getByRole('heading', { name: 'Saved on this phone, not sent yet' }).waitFor();
  await page.getByLabel('Note').fill('Synthetic: waiting with her at the station');
  await page.getByRole('button', { name: 'Keep this entry' }).click();
  await page.getByText('Waiting to be sent (2)').waitFor();
  const keys = []; // the Idempotency-Key of each identification sent
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/cases') keys.push(r.headers()['idempotency-key']);
  });

  // the signal returns: refused, and the note waits on it; nothing is recorded
  await context.setOffline(false);
  const outbox = page.locator('.outbox');
  await outbox.getByText(/not accepted by the server: .*whole number from 0 to 25/).waitFor({ timeout: 20000 });
  await outbox.getByText('not sent: its identification was not accepted').waitFor();
  assert.equal((await casesOf('le')).length, before);
  await shot(page, 'offline-4-refused');

  // corrected where the server said, and sent again: one case, with the note
  await outbox.getByRole('button', { name: 'Correct it' }).click();
  const age = outbox.getByLabel('youth.age_estimate');
  assert.equal(await age.inputValue(), '52');
  await age.fill('15');
  await shot(page, 'offline-5-correcting');
  await outbox.getByRole('button', { name: 'Send again' }).click();
  await outbox.locator('.sent li', { hasText: 'Identification' }).filter({ has: page.locator('.case-id') }).first().waitFor({ timeout: 20000 });
  await page.getByText(/Waiting to be sent/).waitFor({ state: 'detached', timeout: 20000 });
  const now = await casesOf('le');
  assert.equal(now.length, before + 1, 'exactly one case');
  const id = (await outbox.locator('.sent .case-id').last().textContent()).trim();
  const c = (await srv.as('le').get(`/api/v1/cases/${id}`)).json;
  assert.equal(c.youth.age_estimate ?? c.youth.age, 15);
  const events = (await srv.as('le').get(`/api/v1/cases/${id}/events`)).json.items;
  assert.deepEqual(events.map((e) => e.type).sort(), ['identification', 'note']);
  // the corrected request went under a key of its own (the first one named the refused body)
  assert.equal(keys.length, 2, keys.join(' '));
  assert.notEqual(keys[1], keys[0]);

  // refused again, and discarded: gone from the phone, nothing recorded
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Identify another youth' }).click();
  await page.getByLabel('Child welfare dependent').check();
  await page.getByLabel('Age estimate').fill('61');
  await page.getByLabel('First name').fill('Descartada');
  await page.getByRole('button', { name: 'Save identification' }).click();
  await page.getByRole('heading', { name: 'Saved on this phone, not sent yet' }).waitFor();
  await context.setOffline(false);
  await outbox.getByRole('button', { name: 'Discard' }).waitFor({ timeout: 20000 });
  page.once('dialog', (d) => d.accept());
  await outbox.getByRole('button', { name: 'Discard' }).click();
  await page.getByText(/Waiting to be sent/).waitFor({ state: 'detached' });
  assert.equal((await page.evaluate(async () => {
    const m = await import(document.querySelector('link[href$="/js/api.js"]').href.replace('api.js', 'offline.js'));
    return (await m.pending()).length;
  })), 0);
  assert.equal((await casesOf('le')).length, before + 1);
  assert.deepEqual(problems, []);
  await context.close();
});
