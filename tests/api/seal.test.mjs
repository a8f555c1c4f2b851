// Sealing by court order (WIC 781, 786) and retention (issue 23): the youth's data key is
// destroyed, so no identity can be read through any endpoint or the CLI, while the Board's
// figures stay what they were; retention's dry run and run agree, and holds keep a case.
// Synthetic data only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, identify, isoMinutesAgo, assertProblem, cli, serve, makeClient, countyDate, query, atRest } from './harness.mjs';

const sql = (db, q) => query(db, q);
const event = (client, id, body) => client.post(`/api/v1/cases/${id}/events`, body);
const today = () => countyDate(Date.now());

const NAME = { first_name: 'Sealia', last_name: 'Courtorder', birth_date: '2010-05-17', aliases: ['Synthetic Alias Sealy'] };
const SECRETS = ['Sealia', 'Courtorder', '2010-05-17', 'Synthetic Alias Sealy', 'Synthetic motel room 7',
  'Synthetic advocate note about Sealia'];

// Every figure the Board and the state and federal reports give for today.
async function figures(srv) {
  const q = `from=${countyDate(Date.now(), -1)}&to=${today()}`;
  const out = {};
  for (const [k, path] of [['board', `/api/v1/reports/board?${q}`], ['federal', `/api/v1/reports/federal?${q}`],
    ['csec', `/api/v1/reports/csec?${q}`]]) {
    const r = await srv.as('analyst').get(path);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    out[k] = r.json;
  }
  return out;
}

test('a court order seals the youth: no identity through any endpoint, search or the CLI; the Board figures are unchanged', async () => {
  const day = today(); // the order's date, taken once: the test may run across midnight
  const srv = await startCounty();
  const first = (await identify(srv.as('le'), { youth: NAME, location: 'Synthetic motel room 7' })).json;
  assert.equal((await event(srv.as('adv'), first.id, { type: 'advocate_note', at: isoMinutesAgo(1), text: 'Synthetic advocate note about Sealia' })).status, 201);
  const second = (await identify(srv.as('le'), { youth: NAME })).json;
  assert.equal(second.recovery_number, 2, 'the same youth, recovered again');
  const other = (await identify(srv.as('le'), { youth: { first_name: 'Othera', last_name: 'Unsealed', birth_date: '2011-01-09' } })).json;
  const before = await figures(srv);

  // who may, and what an order needs
  assertProblem(await srv.as('cw_sup').post('/api/v1/seals', { case_id: first.id, order: 'SYN-JUV-781-0001', order_date: day }), 403);
  assertProblem(await srv.as('admin').post('/api/v1/seals', { case_id: first.id, order_date: day }), 422, 'order');
  assertProblem(await srv.as('admin').post('/api/v1/seals', { case_id: first.id, order: 'SYN-JUV-781-0001', order_date: countyDate(Date.now(), 2) }), 422, 'order_date');
  assertProblem(await srv.as('admin').post('/api/v1/seals', { case_id: 'SH-NOSUCHCASE1', order: 'SYN-JUV-781-0001', order_date: day }), 404);
  assert.equal(sql(srv.db, "SELECT count(*) FROM audit WHERE action = 'youth.seal'"), '0', 'a refused order writes nothing');

  const sealed = await srv.as('admin').post('/api/v1/seals', { case_id: first.id, order: 'SYN-JUV-781-0001', order_date: day });
  assert.equal(sealed.status, 200, sealed.text);
  assert.equal(sealed.json.recoveries, 2);
  assertProblem(await srv.as('admin').post('/api/v1/seals', { case_id: second.id, order: 'SYN-JUV-781-0001', order_date: day }), 409);

  // every read path: a placeholder, never the identity, never an error
  for (const user of ['le', 'cw', 'adv']) {
    for (const id of [first.id, second.id]) {
      const c = await srv.as(user).get(`/api/v1/cases/${id}`);
      assert.equal(c.status, 200, c.text);
      assert.equal(c.json.youth.sealed, 'court order');
      for (const k of ['first_name', 'last_name', 'aliases', 'birth_date', 'initials']) assert.equal(c.json.youth[k], undefined, k);
      const tl = await srv.as(user).get(`/api/v1/cases/${id}/events`);
      assert.equal(tl.status, 200, tl.text);
      for (const s of SECRETS) {
        assert.ok(!c.text.includes(s), `${user} reads "${s}" in the case`);
        assert.ok(!tl.text.includes(s), `${user} reads "${s}" in the timeline`);
      }
    }
    const list = await srv.as(user).get('/api/v1/cases?limit=200');
    assert.equal(list.status, 200);
    const row = list.json.items.find((x) => x.id === first.id);
    if (row) assert.deepEqual(row.youth, { sealed: 'court order' });
    for (const s of SECRETS) assert.ok(!list.text.includes(s));
  }
  // search never finds the youth by name, alias or birth date; by case number it shows no name
  for (const q of [{ name: 'Sealia Courtorder' }, { name: 'Sealy' }, { birth_date: '2010-05-17' }]) {
    const r = await srv.as('cw').post('/api/v1/search', q);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items.map((x) => x.id), [], JSON.stringify(q));
  }
  const byId = await srv.as('cw').post('/api/v1/search', { case_id: first.id });
  assert.equal(byId.status, 200, byId.text);
  assert.equal(byId.json.items[0].youth.sealed, 'court order');
  assert.equal(byId.json.items[0].youth.first_name, undefined);
  // the other youth is untouched
  assert.equal((await srv.as('le').get(`/api/v1/cases/${other.id}`)).json.youth.first_name, 'Othera');
  // nothing more is written to a sealed case
  assertProblem(await event(srv.as('adv'), first.id, { type: 'advocate_note', at: isoMinutesAgo(0), text: 'Synthetic later note' }), 409);
  // the Board, state and federal figures are the same
  assert.deepEqual(await figures(srv), before);
  // a sealed youth identified again is a new youth
  const again = (await identify(srv.as('le'), { youth: NAME })).json;
  assert.equal(again.recovery_number, 1);

  // the key is gone; the audit says who, when and under which order, not what
  assert.equal(sql(srv.db, `SELECT count(*) FROM youth_keys k JOIN cases c ON c.youth_id = k.youth_id WHERE c.id = '${first.id}'`), '0');
  assert.equal(sql(srv.db, "SELECT count(*) FROM youth_search s JOIN cases c ON c.youth_id = s.youth_id WHERE c.id = '" + first.id + "'"), '0');
  assert.equal(sql(srv.db, "SELECT u.username || '|' || coalesce(a.case_id, '-') || '|' || a.detail FROM audit a JOIN users u ON u.id = a.user_id WHERE a.action = 'youth.seal'"),
    `admin|-|court order SYN-JUV-781-0001 of ${day}`);
  assert.equal(await srv.stop({ keep: true }), 0);

  // the CLI: seal the other youth by case; the chain still verifies; key rotate skips the shredded
  assert.notEqual(cli(['seal', '--db', srv.db, '--case', other.id, '--order', 'SYN-2']).status, 0, 'the order date is required');
  const r = cli(['seal', '--db', srv.db, '--case', other.id, '--order', 'SYN-JUV-786-0002', '--order-date', day]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /sealed by court order SYN-JUV-786-0002 .*: 1 recoveries/);
  const v = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.status, 0, v.stderr + v.stdout);
  const rot = cli(['key', 'rotate', '--db', srv.db]);
  assert.equal(rot.status, 0, rot.stderr);
  assert.match(rot.stdout, /1 identities/, 'only the youth identified again has an identity left');
  for (const raw of atRest(srv.db)) {
    for (const s of [...SECRETS, 'Othera', 'Unsealed']) assert.equal(raw.indexOf(Buffer.from(s)), -1, `"${s}" in the database`);
  }

  const back = await serve(srv.db);
  try {
    const le = makeClient(back.url).useToken(srv.tokens.le);
    const c = await le.get(`/api/v1/cases/${other.id}`);
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.youth.sealed, 'court order');
    assert.ok(!c.text.includes('Othera'));
    assert.equal((await le.get(`/api/v1/cases/${again.id}`)).json.youth.first_name, 'Sealia', 'the new youth reads after the rotation');
  } finally {
    assert.equal(await back.stop(), 0);
  }
});

// A case's youth as retention sees it: identified three years ago aged 17 (estimated), closed
// two years ago: adult and closed more than the one year the county keeps.
function ageCase(db, id, closed = true) {
  const now = Math.floor(Date.now() / 1000);
  sql(db, `UPDATE cases SET identified_at = ${now - 3 * 365 * 86400}${closed ? `, closed_at = ${now - 2 * 365 * 86400}` : ''} WHERE id = '${id}'`);
}
const dryRunIds = (out) => [...out.matchAll(/^(would go |held     |destroyed) youth \d+ \(cases ([^)]*)\)/gm)].map((m) => `${m[1].trim()} ${m[2]}`).sort();

test('retention: the dry run lists what goes, the monthly run in serve destroys exactly that, a hold keeps a case', async () => {
  const srv = await startCounty({ prepare: (db) => assert.equal(cli(['settings', '--db', db, 'retention.years_after_close=1']).status, 0) });
  const youth = (n) => ({ youth: { age_estimate: 17, first_name: 'Retenta', last_name: `Synthetic${n}` } });
  const gone = (await identify(srv.as('le'), youth('Gone'))).json;
  const held = (await identify(srv.as('le'), youth('Held'))).json;
  const open = (await identify(srv.as('le'), youth('Open'))).json;
  for (const c of [gone, held]) assert.equal((await event(srv.as('cw'), c.id, { type: 'close', at: isoMinutesAgo(0), reason: 'moved_out_of_county' })).status, 201);
  // holds: admins only, with a reason
  assertProblem(await srv.as('cw_sup').request('PUT', `/api/v1/holds/${held.id}`, { body: { reason: 'Synthetic litigation' } }), 403);
  assertProblem(await srv.as('admin').request('PUT', `/api/v1/holds/${held.id}`, { body: {} }), 422, 'reason');
  assertProblem(await srv.as('admin').request('PUT', '/api/v1/holds/SH-NOSUCHCASE1', { body: { reason: 'Synthetic litigation' } }), 404);
  assert.equal((await srv.as('admin').request('PUT', `/api/v1/holds/${held.id}`, { body: { reason: 'Synthetic litigation pending' } })).status, 200);
  assert.deepEqual((await srv.as('admin').get('/api/v1/holds')).json.items.map((h) => [h.case_id, h.reason]), [[held.id, 'Synthetic litigation pending']]);
  // nothing is due yet: closed today
  assert.deepEqual((await srv.as('admin').get('/api/v1/retention')).json.items, []);
  assert.equal(await srv.stop({ keep: true }), 0);

  // the server's first turn ran this month's retention already, with nothing due
  assert.equal(sql(srv.db, "SELECT detail FROM audit WHERE action = 'retention.apply'"), '0 youth destroyed, 0 kept by a hold');
  for (const c of [gone, held]) ageCase(srv.db, c.id);
  ageCase(srv.db, open.id, false);
  const dry = cli(['retention', '--dry-run', '--db', srv.db]);
  assert.equal(dry.status, 0, dry.stderr);
  assert.deepEqual(dryRunIds(dry.stdout), [`held ${held.id}`, `would go ${gone.id}`]);
  assert.equal(sql(srv.db, "SELECT count(*) FROM youth WHERE sealed_at > 0"), '0', 'a dry run writes nothing');

  // a new month: serve applies it on its first turn
  sql(srv.db, "DELETE FROM settings WHERE key = 'retention.last_month'");
  const again = await serve(srv.db);
  try {
    const admin = makeClient(again.url).useToken(srv.tokens.admin);
    const cw = makeClient(again.url).useToken(srv.tokens.cw);
    const deadline = Date.now() + 30000;
    const applied = () => sql(srv.db, "SELECT detail FROM audit WHERE action = 'retention.apply' ORDER BY seq DESC LIMIT 1");
    while (applied() !== '1 youth destroyed, 1 kept by a hold' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(applied(), '1 youth destroyed, 1 kept by a hold');
    const c = await cw.get(`/api/v1/cases/${gone.id}`);
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.youth.sealed, 'retention');
    assert.ok(!c.text.includes('Retenta'));
    assert.equal((await cw.get(`/api/v1/cases/${held.id}`)).json.youth.first_name, 'Retenta');
    assert.equal((await cw.get(`/api/v1/cases/${open.id}`)).json.youth.first_name, 'Retenta');
    // the dry run now lists only the held one; the hold is released
    assert.deepEqual((await admin.get('/api/v1/retention')).json.items.map((i) => [i.cases, i.held]), [[[held.id], true]]);
    assert.equal((await admin.del(`/api/v1/holds/${held.id}`)).status, 200);
    assertProblem(await admin.del(`/api/v1/holds/${held.id}`), 404);
  } finally {
    assert.equal(await again.stop(), 0);
  }

  // the CLI's dry run and run agree; the monthly run does not come again this month
  const dry2 = cli(['retention', '--dry-run', '--db', srv.db]);
  assert.deepEqual(dryRunIds(dry2.stdout), [`would go ${held.id}`]);
  const run = cli(['retention', '--apply', '--db', srv.db]);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(dryRunIds(run.stdout).map((s) => s.replace(/^destroyed/, 'would go')), dryRunIds(dry2.stdout));
  assert.equal(sql(srv.db, "SELECT count(*) FROM youth WHERE sealed_why = 'retention'"), '2');
  assert.equal(sql(srv.db, "SELECT count(*) FROM audit WHERE action = 'retention.apply'"), '3');
  assert.equal(cli(['audit', 'verify', '--db', srv.db]).status, 0);
  // the counts the Board needs stay: the cases are all there
  assert.equal(sql(srv.db, `SELECT count(*) FROM cases WHERE id IN ('${gone.id}', '${held.id}', '${open.id}')`), '3');
});
