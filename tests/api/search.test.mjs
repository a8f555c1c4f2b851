// Finding a youth (POST /api/v1/search): by name, alias, birth date and case number through
// the blind index, only among the cases the caller's agency may see, names only for those
// who may see identity (PC 293); every search audited with its terms hashed. Synthetic names.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertProblem, cli, identify, invite, isoMinutesAgo, makeClient, serve, startCounty, query } from './harness.mjs';

const sql = (db, q) => query(db, q);
const search = (client, body) => client.post('/api/v1/search', body);
const ids = (r) => r.json.items.map((x) => x.id);

let srv, maria, quill, secret;
before(async () => {
  srv = await startCounty();
  maria = (await identify(srv.as('le'), {
    youth: { birth_date: '2011-04-02', first_name: 'Maríana', last_name: 'Zyxwvut-Lopez', aliases: ['Starling Q'] },
  })).json;
  quill = (await identify(srv.as('le'), {
    area: 'long_beach', youth: { age_estimate: 15, first_name: 'Quillon', last_name: 'Synthetic' },
  })).json;
  // a youth who elected name confidentiality (PC 293)
  secret = (await identify(srv.as('le'), {
    name_confidential: true, youth: { birth_date: '2010-09-09', first_name: 'Veritas', last_name: 'Hidden' },
  })).json;
  for (const c of [maria, quill, secret]) assert.ok(c.id, JSON.stringify(c));
});
after(async () => { assert.equal(await srv?.stop(), 0); });

test('a name finds the youth whatever the case, accents and order; the result tells youths apart', async () => {
  for (const name of ['mariana', 'MARI', 'zyxwvut', 'lopez mariana', 'Zyxwvut-López', 'zyxwvutlopez']) {
    const r = await search(srv.as('cw'), { name });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(ids(r), [maria.id], name);
  }
  const r = await search(srv.as('cw'), { name: 'maria' });
  const m = r.json.items[0];
  assert.equal(m.youth.first_name, 'Maríana');
  assert.equal(m.youth.initials, 'M. Z.');
  assert.equal(m.youth.birth_date, '2011-04-02');
  assert.equal(m.age, maria.youth.age);
  assert.equal(m.area, 'compton');
  assert.equal(m.identified_at, maria.identified_at);
  assert.equal(m.lead_agency.kind, 'child_welfare');
  assert.equal(m.lead_agency.name, 'Child Welfare');
  assert.equal(m.open, true);
  // every word must match; a word nobody has finds nothing
  assert.deepEqual(ids(await search(srv.as('cw'), { name: 'mariana synthetic' })), []);
  assert.deepEqual(ids(await search(srv.as('cw'), { name: 'quillon synthetic' })), [quill.id]);
});

test('an alias, a birth date and part of a case number find the youth too', async () => {
  assert.deepEqual(ids(await search(srv.as('cw'), { name: 'starl' })), [maria.id]);
  assert.deepEqual(ids(await search(srv.as('cw'), { name: 'starlingq' })), [maria.id]);
  assert.deepEqual(ids(await search(srv.as('le'), { birth_date: '2011-04-02' })), [maria.id]);
  assert.deepEqual(ids(await search(srv.as('le'), { birth_date: '2011-04-03' })), []);
  assert.deepEqual(ids(await search(srv.as('le'), { name: 'mariana', birth_date: '2011-04-02' })), [maria.id]);
  assert.deepEqual(ids(await search(srv.as('le'), { case_id: maria.id })), [maria.id]);
  // the random end of the number, typed in lower case with O for 0
  const tail = maria.id.slice(-6).toLowerCase().replace(/0/g, 'o');
  assert.deepEqual(ids(await search(srv.as('le'), { case_id: tail })), [maria.id]);
  // a birth date verified later finds the youth as well
  const r = await srv.as('le').post(`/api/v1/cases/${quill.id}/events`,
    { type: 'birth_date_verified', at: isoMinutesAgo(1), birth_date: '2011-07-07' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(ids(await search(srv.as('le'), { birth_date: '2011-07-07' })), [quill.id]);
});

test('filters: area, open or closed, overdue', async () => {
  assert.deepEqual(ids(await search(srv.as('le'), { area: 'long_beach' })), [quill.id]);
  const open = ids(await search(srv.as('le'), { status: 'open' }));
  for (const c of [maria, quill, secret]) assert.ok(open.includes(c.id));
  assert.deepEqual(ids(await search(srv.as('le'), { status: 'closed' })), []);
  // nothing overdue yet: the hotline report is due 30 minutes after identification
  assert.deepEqual(ids(await search(srv.as('le'), { overdue: true })), []);
  const late = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(45) })).json;
  assert.deepEqual(ids(await search(srv.as('le'), { overdue: true })), [late.id]);
});

test('only the cases the agency takes part in, and names only for those who may see them (PC 293)', async () => {
  // another police agency is on none of these cases: not even a count
  const other = await search(srv.as('le2'), { name: 'mariana' });
  assert.equal(other.status, 200);
  assert.deepEqual(ids(other), []);
  assert.deepEqual(ids(await search(srv.as('le2'), { case_id: maria.id })), []);
  // child welfare sees the confidential name; the prosecutor, brought in, does not
  assert.deepEqual(ids(await search(srv.as('cw'), { name: 'veritas' })), [secret.id]);
  await invite(srv, 'le', secret.id, 'pros');
  assert.deepEqual(ids(await search(srv.as('pros'), { name: 'veritas' })), []);
  assert.deepEqual(ids(await search(srv.as('pros'), { birth_date: '2010-09-09' })), []);
  const byNumber = await search(srv.as('pros'), { case_id: secret.id });
  assert.deepEqual(ids(byNumber), [secret.id]);
  const y = byNumber.json.items[0].youth;
  assert.equal(y.name_confidential, true);
  assert.equal(y.first_name, undefined);
  assert.equal(y.initials, undefined);
  assert.ok(!byNumber.text.includes('Veritas'));
  // the officer's later election hides the name from a search too
  await invite(srv, 'le', maria.id, 'pros');
  assert.deepEqual(ids(await search(srv.as('pros'), { name: 'mariana' })), [maria.id]);
  const r = await srv.as('le').post(`/api/v1/cases/${maria.id}/events`,
    { type: 'name_confidentiality', at: isoMinutesAgo(1), confidential: true });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(ids(await search(srv.as('pros'), { name: 'mariana' })), []);
  // and lists: initials to those who may see the name only
  const list = (await srv.as('pros').get('/api/v1/cases?open=1')).json.items;
  assert.equal(list.find((x) => x.id === maria.id).youth, undefined);
  const cw = (await srv.as('cw').get('/api/v1/cases?open=1')).json.items;
  assert.equal(cw.find((x) => x.id === maria.id).youth.initials, 'M. Z.');
});

test('refusals name the field and say what to do', async () => {
  assertProblem(await search(srv.as('cw'), {}), 422, 'name');
  assertProblem(await search(srv.as('cw'), { name: 'M Lopez' }), 422, 'name');
  assertProblem(await search(srv.as('cw'), { case_id: 'SH-1' }), 422, 'case_id');
  assertProblem(await search(srv.as('cw'), { area: 'Long Beach' }), 422, 'area');
  assertProblem(await search(srv.as('cw'), { birth_date: '2011-13-01' }), 422, 'birth_date');
  assertProblem(await search(srv.as('cw'), { name: 'maria', nickname: 'x' }), 422, 'nickname');
  assertProblem(await search(srv.as('analyst'), { name: 'maria' }), 403);
  assertProblem(await search(srv.as('admin'), { name: 'maria' }), 403);
});

test('every search is audited, its terms only as a keyed hash; names never stored in the clear', async () => {
  await search(srv.as('cw'), { name: 'zyxwvut' });
  await search(srv.as('cw_sup'), { name: 'nobodyhasthisname' });
  const rows = sql(srv.db, "SELECT action, CAST(case_id IS NOT NULL AS INTEGER), detail FROM audit WHERE action = 'case.search'")
    .split('\n');
  assert.ok(rows.some((r) => r.startsWith(`case.search|1|terms `)), 'a found case is a read of it');
  assert.ok(rows.some((r) => /^case\.search\|0\|terms [0-9a-f]{32} \(name \), 0 found$/.test(r)), rows.join('\n'));
  // the same search, the same hash: an investigator with the key can recognise it
  const hashes = rows.filter((r) => r.includes('(name )')).map((r) => r.split(' ')[1]);
  assert.ok(hashes.length >= 2);
  // a supervisor sees the search among the reads of the case
  const seen = (await srv.as('cw_sup').get(`/api/v1/cases/${maria.id}/audit`)).json.items;
  assert.ok(seen.some((x) => x.action === 'case.search' && x.user === 'Synthetic cw'));
  // no name, alias, search word or birth date anywhere in the database, its WAL included
  for (const f of readdirSync(srv.dir).filter((x) => x.startsWith('safeharbor.db'))) {
    const bytes = readFileSync(join(srv.dir, f));
    for (const word of ['Zyxwvut', 'zyxwvut', 'Mar\u00edana', 'Quillon', 'Veritas', 'nobodyhasthisname', 'Starling']) {
      assert.equal(bytes.indexOf(word), -1, `${word} in ${f}`);
    }
  }
});

test('youth from before the index, and after a key rotation, are found after the next start', async () => {
  const s2 = await startCounty();
  const c = (await identify(s2.as('le'), { youth: { birth_date: '2012-01-01', first_name: 'Ondine', last_name: 'Synthetic' } })).json;
  assert.equal(await s2.stop({ keep: true }), 0);
  // as a database from before schema 10: no terms, never indexed
  sql(s2.db, 'DELETE FROM youth_search; UPDATE youth SET search_key = 0;');
  let again = await serve(s2.db);
  let cw = makeClient(again.url).useToken(s2.tokens.cw);
  assert.deepEqual(ids(await search(cw, { name: 'ondine' })), [c.id]);
  assert.equal(await again.stop(), 0);
  assert.match(sql(s2.db, "SELECT detail FROM audit WHERE action = 'search.index'"), /1 youth indexed/);
  // a new key: every term is made again with it at the next start
  const before = sql(s2.db, 'SELECT term FROM youth_search ORDER BY term');
  const r = cli(['key', 'rotate', '--db', s2.db]);
  assert.equal(r.status, 0, r.stderr);
  again = await serve(s2.db);
  cw = makeClient(again.url).useToken(s2.tokens.cw);
  assert.deepEqual(ids(await search(cw, { name: 'ondine', birth_date: '2012-01-01' })), [c.id]);
  assert.notEqual(sql(s2.db, 'SELECT term FROM youth_search ORDER BY term'), before);
  assert.equal(await again.stop(), 0);
  s2.cleanup();
});
