// What the web app's offline queue relies on (issue 24): an event sent again with the
// same Idempotency-Key is recorded once, and an identification made without a signal and
// sent hours later starts the clock at the time recorded on the device.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, identify, isoMinutesAgo, assertProblem } from './harness.mjs';

let srv;
before(async () => { srv = await startCounty(); });
after(async () => { assert.equal(await srv.stop(), 0); });

const withKey = (key) => ({ headers: { 'idempotency-key': key } });
const timeline = async (client, id) => (await client.get(`/api/v1/cases/${id}/events`)).json.items;

test('an event sent again with its Idempotency-Key is recorded once and answered as the first time', async () => {
  const le = srv.as('le');
  const c = (await identify(le)).json;
  const path = `/api/v1/cases/${c.id}/events`;
  const body = { type: 'step_done', at: isoMinutesAgo(2), step: 'hotline_report' };
  const a = await le.post(path, body, withKey('ev-retry-1'));
  assert.equal(a.status, 201, a.text);
  const b = await le.post(path, body, withKey('ev-retry-1'));
  assert.equal(b.status, 200, b.text); // not 409 "already done": the same request again
  assert.equal(b.json.event.id, a.json.event.id);
  assert.equal(b.json.steps.find((s) => s.key === 'hotline_report').state, 'done');
  assert.equal((await timeline(le, c.id)).filter((e) => e.type === 'step_done').length, 1);

  // a note twice: one entry
  const note = { type: 'note', section: 'law_enforcement', at: isoMinutesAgo(1), text: 'Synthetic: arrived at the motel' };
  assert.equal((await le.post(path, note, withKey('ev-note-1'))).status, 201);
  assert.equal((await le.post(path, note, withKey('ev-note-1'))).status, 200);
  assert.equal((await timeline(le, c.id)).filter((e) => e.type === 'note').length, 1);

  // the same key with another body, or on another case, is refused and writes nothing
  assertProblem(await le.post(path, { ...note, text: 'Synthetic: other words' }, withKey('ev-note-1')), 422);
  const other = (await identify(le)).json;
  assertProblem(await le.post(`/api/v1/cases/${other.id}/events`, note, withKey('ev-note-1')), 422);
  assert.equal((await timeline(le, other.id)).filter((e) => e.type === 'note').length, 0);
  assert.equal((await timeline(le, c.id)).filter((e) => e.type === 'note').length, 1);

  // without a key an event is added as before: twice is two entries
  const plain = { ...note, text: 'Synthetic: no key' };
  assert.equal((await le.post(path, plain)).status, 201);
  assert.equal((await le.post(path, plain)).status, 201);
  assert.equal((await timeline(le, c.id)).filter((e) => e.type === 'note').length, 3);

  // a malformed key is a 400 naming the header
  assertProblem(await le.post(path, note, withKey('has space')), 400, 'Idempotency-Key');
});

test('keys are per user, and a refusal keeps no key', async () => {
  const le = srv.as('le'), le2 = srv.as('le2'), cw = srv.as('cw');
  const c = (await identify(le, { identified_at: isoMinutesAgo(700) })).json;
  const note = (who) => ({ type: 'note', section: 'core', at: isoMinutesAgo(1), text: `Synthetic: ${who}` });
  const a = await le.post(`/api/v1/cases/${c.id}/events`, note('le'), withKey('shared-key'));
  assert.equal(a.status, 201, a.text);
  // another person with the same key makes their own entry
  const b = await cw.post(`/api/v1/cases/${c.id}/events`, note('cw'), withKey('shared-key'));
  assert.equal(b.status, 201, b.text);
  assert.notEqual(b.json.event.id, a.json.event.id);
  // a case the caller does not take part in is still a 404, key or not
  assertProblem(await le2.post(`/api/v1/cases/${c.id}/events`, note('le2'), withKey('shared-key')), 404);
  // a refusal stores nothing under the key: the corrected request goes through with it
  const bad = { type: 'note', section: 'advocacy', at: isoMinutesAgo(1), text: 'Synthetic' };
  assertProblem(await le.post(`/api/v1/cases/${c.id}/events`, bad, withKey('refused-key')), 422);
  const late = { type: 'step_done', at: isoMinutesAgo(600), step: 'hotline_report' };
  assertProblem(await le.post(`/api/v1/cases/${c.id}/events`, late, withKey('refused-key')), 422, 'late_entry_reason');
  const ok = await le.post(`/api/v1/cases/${c.id}/events`,
    { ...late, late_entry_reason: 'Synthetic: recorded on the device while offline' }, withKey('refused-key'));
  assert.equal(ok.status, 201, ok.text);
});

test('concurrent retries of one event: one entry, the others 200 or 409', async () => {
  const le = srv.as('le');
  const c = (await identify(le)).json;
  const body = { type: 'note', section: 'law_enforcement', at: isoMinutesAgo(1), text: 'Synthetic: concurrent' };
  const rs = await Promise.all([1, 2, 3, 4].map(() => le.post(`/api/v1/cases/${c.id}/events`, body, withKey('ev-conc'))));
  const created = rs.filter((r) => r.status === 201);
  assert.equal(created.length, 1, rs.map((r) => r.status).join(','));
  for (const r of rs) {
    assert.ok([200, 201, 409].includes(r.status), r.text);
    if (r.status === 200) assert.equal(r.json.event.id, created[0].json.event.id);
  }
  assert.equal((await timeline(le, c.id)).filter((e) => e.type === 'note').length, 1);
});

test('an identification sent hours after it was made starts the clock when it was made', async () => {
  const t0 = isoMinutesAgo(5 * 60); // made without a signal five hours ago
  const r = await identify(srv.as('le'), { identified_at: t0 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.identified_at, t0);
  const hotline = r.json.steps.find((s) => s.key === 'hotline_report');
  assert.equal(hotline.due_at, new Date(Date.parse(t0) + 30 * 60000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
});
