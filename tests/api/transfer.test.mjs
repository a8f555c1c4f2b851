// A case moves between counties intact: `case export` in the sending county's database
// writes a file sealed to the receiving county's `transfer-key`; `case import` in the
// receiving one re-seals it under that county's key with the same case id, its steps and
// clocks as the sender had them, and both audit chains verify. Two counties, two servers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCounty, identify, isoMinutesAgo, cli, countyDate } from './harness.mjs';

let from; // the sending county
let to; // the receiving county
let kase;
let file;
const CANARY = `canary-${randomUUID()}`;
const SURNAME = `Synthetictransfer${process.pid}`;

const post = async (srv, user, id, body) => {
  const r = await srv.as(user).post(`/api/v1/cases/${id}/events`, { at: isoMinutesAgo(1), ...body });
  assert.equal(r.status, 201, r.text);
  return r.json;
};

before(async () => {
  [from, to] = await Promise.all([startCounty(), startCounty()]);
  kase = (await identify(from.as('le'), {
    youth: { birth_date: '2011-04-02', first_name: 'Testa', last_name: SURNAME },
    location: 'Synthetic corner of First and Main',
  })).json;
  await post(from, 'adv', kase.id, { type: 'advocate_note', text: `Synthetic: youth said ${CANARY}`, confidentiality_explained: true });
  await post(from, 'adv', kase.id, { type: 'step_done', step: 'advocate_on_scene' });
  await post(from, 'le', kase.id, { type: 'note', section: 'law_enforcement', text: 'Synthetic investigation note' });
  file = join(from.dir, 'transfer.json');
});
after(async () => {
  assert.equal(await from.stop(), 0);
  assert.equal(await to.stop(), 0);
});

const key = (srv) => {
  const r = cli(['transfer-key', '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};

test('the transfer key is 128 hex characters, the same each time, and each county has its own', () => {
  assert.match(key(to), /^[0-9a-f]{128}$/);
  assert.equal(key(to), key(to));
  assert.notEqual(key(to), key(from));
});

test('a case moves to another county intact, and both audit chains verify', async () => {
  const before = (await from.as('cw').get(`/api/v1/cases/${kase.id}`)).json;
  const timeline = (await from.as('adv').get(`/api/v1/cases/${kase.id}/events`)).json.items;
  let r = cli(['case', 'export', '--db', from.db, '--case', kase.id, '--to-county', 'Synthetic County B',
    '--from-county', 'Synthetic County A', '--to-key', key(to), '--out', file]);
  assert.equal(r.status, 0, r.stderr);
  // the file names no one: the identity, the notes and the timeline are sealed to the receiver
  const text = readFileSync(file, 'utf8');
  for (const s of [SURNAME, CANARY, 'Synthetic investigation note', 'First and Main']) assert.ok(!text.includes(s), s);
  assert.equal(JSON.parse(text).to_county, 'Synthetic County B');

  // only with the key of the county that sent it
  r = cli(['case', 'import', '--db', to.db, '--in', file, '--from-key', key(to)]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not sent by the county whose key you gave/);
  r = cli(['case', 'import', '--db', to.db, '--in', file, '--from-key', key(from)]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`case ${kase.id} imported from Synthetic County A`));

  // the same case id, identity, steps and clocks
  const after = (await to.as('cw').get(`/api/v1/cases/${kase.id}`));
  assert.equal(after.status, 200, after.text);
  assert.equal(after.json.youth.last_name, SURNAME);
  assert.equal(after.json.identified_at, before.identified_at);
  const steps = (c) => c.steps.map((s) => [s.key, s.episode, s.state, s.owner, s.due_at ?? null, s.done_at ?? null]);
  assert.deepEqual(steps(after.json), steps(before));
  // the timeline, every compartment, each to its readers in the receiving county
  const theirs = (await to.as('adv').get(`/api/v1/cases/${kase.id}/events`)).json.items;
  assert.deepEqual(theirs.map((e) => [e.type, e.at, e.text ?? null]), timeline.map((e) => [e.type, e.at, e.text ?? null]));
  assert.ok(theirs.some((e) => e.text?.includes(CANARY)));
  assert.equal(theirs[0].transferred.county, 'Synthetic County A');
  const le = await to.as('le').get(`/api/v1/cases/${kase.id}/events`);
  assert.ok(le.text.includes('Synthetic investigation note'));
  assert.ok(!le.text.includes(CANARY), "the advocate's note does not reach law enforcement");
  // found by name in the receiving county (its search index, under its key)
  const found = await to.as('cw').post('/api/v1/search', { name: SURNAME });
  assert.equal(found.status, 200, found.text);
  assert.ok(found.text.includes(kase.id), found.text);

  // the sending case is closed as moved out of the county
  const sent = (await from.as('cw').get(`/api/v1/cases/${kase.id}`)).json;
  assert.equal(sent.open, false);
  assert.equal(sent.close_reason, 'moved_out_of_county');
  // both sides audited the transfer
  const out = (await from.as('adv_sup').get(`/api/v1/cases/${kase.id}/audit?limit=500`)).json.items
    .filter((x) => x.action === 'case.transfer_out');
  assert.ok(out.some((x) => x.section === 'advocacy'), JSON.stringify(out));
  assert.ok(out.every((x) => x.reason.startsWith('to Synthetic County B; file ')));
  const inn = (await to.as('cw_sup').get(`/api/v1/cases/${kase.id}/audit?limit=500`)).json.items
    .filter((x) => x.action === 'case.transfer_in');
  assert.equal(inn.length, 1);
  assert.match(inn[0].reason, /^from Synthetic County A; file [0-9a-f]{16}; 4 entries/);
  for (const srv of [from, to]) {
    const v = cli(['audit', 'verify', '--db', srv.db]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
  }
});

test('a case comes in once, and a closed case does not go out again', () => {
  let r = cli(['case', 'import', '--db', to.db, '--in', file, '--from-key', key(from)]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already in this database/);
  r = cli(['case', 'export', '--db', from.db, '--case', kase.id, '--to-county', 'Synthetic County B',
    '--to-key', key(to), '--out', `${file}.again`]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /is closed/);
});

test('only the county the file was sealed to opens it, and a changed file is refused', async () => {
  const c = (await identify(from.as('le'))).json;
  const other = join(from.dir, 'other.json');
  let r = cli(['case', 'export', '--db', from.db, '--case', c.id, '--to-county', 'Synthetic County B',
    '--to-key', key(to), '--out', other]);
  assert.equal(r.status, 0, r.stderr);
  r = cli(['case', 'import', '--db', from.db, '--in', other, '--from-key', key(from)]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /sealed for another county's key/);
  const original = readFileSync(other, 'utf8');
  const changed = (edit) => {
    const env = JSON.parse(original);
    edit(env);
    writeFileSync(other, JSON.stringify(env));
    return cli(['case', 'import', '--db', to.db, '--in', other, '--from-key', key(from)]);
  };
  // a changed box, or a changed field of the envelope, breaks the sender's signature
  r = changed((env) => {
    const box = Buffer.from(env.sealed, 'base64');
    box[box.length - 1] ^= 1;
    env.sealed = box.toString('base64');
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /signature does not hold/);
  r = changed((env) => { env.from_county = 'Synthetic County C'; });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /signature does not hold/);
  r = changed((env) => { delete env.signature; });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no signature/);
  assert.equal((await to.as('le').get(`/api/v1/cases/${c.id}`)).status, 404, 'nothing was imported');
  writeFileSync(other, original);
  // the receiving county chooses which of its agencies takes over a kind's part
  r = cli(['case', 'import', '--db', to.db, '--in', other, '--from-key', key(from), '--agency', 'Synthetic Nowhere PD']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no enabled agency named 'Synthetic Nowhere PD'/);
  r = cli(['case', 'import', '--db', to.db, '--in', other, '--from-key', key(from), '--agency', 'City Police B']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await to.as('le2').get(`/api/v1/cases/${c.id}`)).status, 200, 'City Police B took over');
  assert.equal((await to.as('le').get(`/api/v1/cases/${c.id}`)).status, 404, 'Sheriff Station A did not');
});

test("a youth sealed by court order is not transferred, and the export shows no identity", async () => {
  const c = (await identify(from.as('le'), { youth: { birth_date: '2011-04-02', first_name: 'Testa', last_name: `${SURNAME}sealed` } })).json;
  const today = countyDate(Date.now());
  let r = cli(['seal', '--db', from.db, '--case', c.id, '--order', 'SYN-JUV-786-0099', '--order-date', today]);
  assert.equal(r.status, 0, r.stderr);
  const out = join(from.dir, 'sealed.json');
  r = cli(['case', 'export', '--db', from.db, '--case', c.id, '--to-county', 'Synthetic County B',
    '--to-key', key(to), '--out', out]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /sealed by court order/);
  const e = await from.as('le').get(`/api/v1/cases/${c.id}/export?reason=court&note=SYN-1`);
  assert.equal(e.status, 200, e.text);
  assert.ok(!e.text.includes(`${SURNAME}sealed`), 'no name in the export of a sealed youth');
});
