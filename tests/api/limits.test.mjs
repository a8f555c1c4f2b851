// A timeline is bounded and paged: so many entries a case (422 past it), so many a minute on
// one case (429 with Retry-After), and GET .../events walks the entries the caller may read
// a page at a time, each once, in order; hidden entries are neither shown nor counted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, identify, isoMinutesAgo, assertProblem, cli } from './harness.mjs';

let srv;
before(async () => {
  srv = await startCounty({ prepare: (db) => {
    const r = cli(['settings', '--db', db, 'events.per_case_per_minute=60']);
    assert.equal(r.status, 0, r.stderr);
  } });
});
after(async () => { assert.equal(await srv.stop(), 0); });

const note = (u, id, section, text) => srv.as(u).post(`/api/v1/cases/${id}/events`, { type: 'note', section, at: isoMinutesAgo(0), text });
const advNote = (id, text) => srv.as('adv').post(`/api/v1/cases/${id}/events`, { type: 'advocate_note', at: isoMinutesAgo(0), text });

async function walk(u, id, limit) {
  const seen = [];
  let cursor = null;
  for (let pages = 0; pages < 100; pages++) {
    const r = await srv.as(u).get(`/api/v1/cases/${id}/events?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length <= limit);
    seen.push(...r.json.items.map((e) => e.id));
    cursor = r.json.next;
    if (!cursor) return seen;
  }
  throw new Error('the cursor never ended');
}

test('the timeline is paged: every readable entry once, in order; hidden ones are not counted', async () => {
  const kase = (await identify(srv.as('le'))).json;
  for (let i = 0; i < 12; i++) {
    assert.equal((await note('le', kase.id, 'core', `Synthetic shared note ${i}`)).status, 201);
    assert.equal((await advNote(kase.id, `Synthetic privileged note ${i}`)).status, 201);
  }
  const all = (await srv.as('adv').get(`/api/v1/cases/${kase.id}/events`)).json.items.map((e) => e.id);
  assert.equal(all.length, 25); // the identification, 12 shared notes and 12 privileged ones
  assert.deepEqual(await walk('adv', kase.id, 7), all);
  const le = await walk('le', kase.id, 5);
  assert.equal(le.length, 13, 'the station reads the identification and the shared notes only');
  assert.deepEqual(le, [...le].sort((a, b) => a - b));
  // a page of 13 holds everything the station may read: no cursor pointing past hidden entries
  assert.equal((await srv.as('le').get(`/api/v1/cases/${kase.id}/events?limit=13`)).json.next, null);
  for (const q of ['limit=0', 'limit=1001', 'limit=ten', 'cursor=-1', 'cursor=abc']) {
    assertProblem(await srv.as('le').get(`/api/v1/cases/${kase.id}/events?${q}`), 422, q.split('=')[0]);
  }
});

test('a case takes so many entries a minute, then 429 with Retry-After; other cases go on', async () => {
  const kase = (await identify(srv.as('le'))).json;
  let r;
  let n = 1; // the identification
  while ((r = await note('le', kase.id, 'core', `Synthetic flood ${n}`)).status === 201) n++;
  assertProblem(r, 429);
  assert.equal(n, 60, 'the 60th entry in a minute was the last taken');
  assert.equal(r.headers.get('retry-after'), '60');
  assert.match(r.json.detail, /events\.per_case_per_minute/);
  const other = (await identify(srv.as('le'))).json;
  assert.equal((await note('le', other.id, 'core', 'Synthetic: another case is not slowed')).status, 201);
});

test('a case holds so many entries, then 422 naming the setting; nothing past it is written', async () => {
  const big = await startCounty({ prepare: (db) => {
    assert.equal(cli(['settings', '--db', db, 'events.per_case_max=100', 'events.per_case_per_minute=100000']).status, 0);
  } });
  try {
    const kase = (await identify(big.as('le'))).json;
    for (let n = 1; n < 100; n++) {
      const r = await big.as('le').post(`/api/v1/cases/${kase.id}/events`, { type: 'note', section: 'core', at: isoMinutesAgo(0), text: `Synthetic ${n}` });
      assert.equal(r.status, 201, r.text);
    }
    const r = await big.as('le').post(`/api/v1/cases/${kase.id}/events`, { type: 'note', section: 'core', at: isoMinutesAgo(0), text: 'Synthetic: one too many' });
    assertProblem(r, 422);
    assert.match(r.json.detail, /events\.per_case_max/);
    assert.equal((await big.as('le').get(`/api/v1/cases/${kase.id}/events?limit=1000`)).json.items.length, 100);
  } finally {
    assert.equal(await big.stop(), 0);
  }
});
