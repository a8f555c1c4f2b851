// Case export (GET /api/v1/cases/{id}/export): the whole case as the caller may see it,
// for a court, a transfer or a records request, audited with its reason. An advocate's
// privileged note never reaches law enforcement's export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startCounty, identify, isoMinutesAgo, assertProblem } from './harness.mjs';

let srv;
let kase;
let noteId;
const CANARY = `canary-${randomUUID()}`;
const NOTE = 'Synthetic court order 26-JV-0001';

before(async () => {
  srv = await startCounty();
  kase = (await identify(srv.as('le'))).json;
  const n = await srv.as('adv').post(`/api/v1/cases/${kase.id}/events`, {
    type: 'advocate_note', at: isoMinutesAgo(1), text: `Synthetic: youth said ${CANARY}`, confidentiality_explained: true,
  });
  assert.equal(n.status, 201, n.text);
  noteId = n.json.event.id;
  const le = await srv.as('le').post(`/api/v1/cases/${kase.id}/events`, {
    type: 'note', section: 'law_enforcement', at: isoMinutesAgo(1), text: 'Synthetic investigation note',
  });
  assert.equal(le.status, 201, le.text);
});
after(async () => { assert.equal(await srv.stop(), 0); });

const path = (id, q) => `/api/v1/cases/${id}/export?${new URLSearchParams(q)}`;

test('a reason and a note are required, and a bad format is named', async () => {
  const le = srv.as('le');
  assertProblem(await le.get(`/api/v1/cases/${kase.id}/export`), 422, 'reason');
  assertProblem(await le.get(path(kase.id, { reason: 'curiosity', note: NOTE })), 422, 'reason');
  assertProblem(await le.get(path(kase.id, { reason: 'court' })), 422, 'note');
  assertProblem(await le.get(path(kase.id, { reason: 'court', note: 'x'.repeat(121) })), 422, 'note');
  assertProblem(await le.get(path(kase.id, { reason: 'court', note: 'Synthetic\norder' })), 422, 'note');
  assertProblem(await le.get(`/api/v1/cases/${kase.id}/export?reason=court&note=%FF%FE`), 422, 'note');
  assertProblem(await le.get(path(kase.id, { reason: 'court', note: NOTE, format: 'pdf' })), 422, 'format');
  // a refused export is not an export: nothing audited
  const rows = (await srv.as('le_sup').get(`/api/v1/cases/${kase.id}/audit?limit=500`)).json.items;
  assert.ok(!rows.some((r) => r.action === 'case.export'), JSON.stringify(rows));
});

test("law enforcement's export is its case view and timeline, without the advocate's note", async () => {
  const le = srv.as('le');
  const r = await le.get(path(kase.id, { reason: 'court', note: NOTE }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.export.format, 'safeharbor.case-export');
  assert.equal(r.json.export.reason, 'court');
  assert.equal(r.json.export.note, NOTE);
  assert.equal(r.json.export.exported_by.agency, 'Sheriff Station A');
  // the case is the case view exactly as the caller reads it
  const view = (await le.get(`/api/v1/cases/${kase.id}`)).json;
  assert.deepEqual(r.json.case.steps.map((s) => [s.key, s.state]), view.steps.map((s) => [s.key, s.state]));
  assert.equal(r.json.case.youth.last_name, view.youth.last_name);
  // the timeline: the identification and the investigation note, not the advocate's note
  const types = r.json.timeline.map((e) => e.type);
  assert.ok(types.includes('identification'), types.join());
  assert.ok(r.json.timeline.some((e) => e.text === 'Synthetic investigation note'));
  assert.ok(!r.json.timeline.some((e) => e.id === noteId));
  assert.ok(!r.text.includes(CANARY));
  const page = await le.get(path(kase.id, { reason: 'court', note: NOTE, format: 'html' }));
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.ok(page.text.includes('Synthetic investigation note'));
  assert.ok(!page.text.includes(CANARY));
});

test("the advocate's export has the note, and not law enforcement's investigation", async () => {
  const r = await srv.as('adv').get(path(kase.id, { reason: 'records_request', note: 'Synthetic request 7' }));
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.timeline.some((e) => e.id === noteId && e.text.includes(CANARY)));
  assert.ok(!r.text.includes('Synthetic investigation note'));
});

test('each export is audited with its reason, one row per section it shows', async () => {
  const rows = (await srv.as('le_sup').get(`/api/v1/cases/${kase.id}/audit?limit=500`)).json.items
    .filter((x) => x.action === 'case.export');
  const le = rows.filter((x) => x.user === 'Synthetic le');
  // two exports by le (JSON and the page), each with core and law_enforcement rows
  assert.equal(le.filter((x) => x.section === 'law_enforcement').length, 2, JSON.stringify(rows));
  assert.ok(le.every((x) => x.reason === `court: ${NOTE}`), JSON.stringify(le));
  assert.ok(!rows.some((x) => x.section === 'advocacy'), 'a law-enforcement supervisor sees no advocacy row');
  const adv = (await srv.as('adv_sup').get(`/api/v1/cases/${kase.id}/audit?limit=500`)).json.items
    .filter((x) => x.action === 'case.export' && x.section === 'advocacy');
  assert.equal(adv.length, 1);
  assert.equal(adv[0].reason, 'records_request: Synthetic request 7');
});

test('a case the caller may not see is not found, and the probe leaves no export', async () => {
  const r = await srv.as('le2').get(path(kase.id, { reason: 'court', note: NOTE }));
  assert.equal(r.status, 404);
});
