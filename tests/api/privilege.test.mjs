// Need to know: compartments by role and agency, and the advocate's privilege
// (Evid. Code 1038). A unique canary string is planted in an advocate note; no
// response to any non-advocacy user on any endpoint may contain it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startCounty, identify, isoMinutesAgo, assertProblem, USERS, AGENCIES } from './harness.mjs';

let srv;
let kase;
let noteId;
const CANARY = `canary-${randomUUID()}`;
const SECTIONS = ['core', 'law_enforcement', 'medical', 'placement', 'court', 'missing', 'prosecution', 'services'];
// who may write a plain note in which section (docs/security.md)
const WRITE = {
  law_enforcement: ['core', 'law_enforcement', 'court', 'missing', 'prosecution'],
  child_welfare: ['core', 'placement', 'missing', 'services'],
  probation: ['core', 'placement', 'missing', 'services'],
  advocacy: ['core', 'court', 'missing', 'services'],
  medical: ['core', 'medical', 'services'],
  mental_health: ['core', 'medical', 'services'],
  prosecutor: ['court', 'prosecution'],
  shelter: ['missing'],
  oversight: [],
};
const kindOf = Object.fromEntries(USERS.map(([u, agency]) => [u, AGENCIES.find((a) => a[0] === agency)[1]]));

before(async () => {
  srv = await startCounty();
  kase = (await identify(srv.as('le'))).json;
  const n = await srv.as('adv').post(`/api/v1/cases/${kase.id}/events`, {
    type: 'advocate_note', at: isoMinutesAgo(1), text: `Synthetic: youth said ${CANARY}`, confidentiality_explained: true,
  });
  assert.equal(n.status, 201, n.text);
  noteId = n.json.event.id;
});
after(async () => { assert.equal(await srv.stop(), 0); });

test('the advocate and the advocacy supervisor read the note', async () => {
  for (const u of ['adv', 'adv_sup']) {
    const r = await srv.as(u).get(`/api/v1/cases/${kase.id}/events`);
    assert.equal(r.status, 200);
    assert.ok(r.text.includes(CANARY), u);
  }
});

test('no other user sees the canary on any endpoint, including errors', async () => {
  for (const [u] of USERS) {
    if (kindOf[u] === 'advocacy') continue;
    const c = srv.as(u);
    const answers = [
      await c.get(`/api/v1/cases/${kase.id}`),
      await c.get(`/api/v1/cases/${kase.id}/events`),
      await c.get(`/api/v1/cases/${kase.id}/audit`),
      await c.get('/api/v1/cases?limit=200'),
      await c.get('/api/v1/cases?open=1&overdue=1'),
      await c.get('/api/v1/me'),
      await c.get('/api/v1/agencies'),
      await c.get('/api/v1/users'),
      await c.post(`/api/v1/cases/${kase.id}/events`, { type: 'advocate_note', at: isoMinutesAgo(0), text: 'x', amends: noteId }),
      await c.post(`/api/v1/cases/${kase.id}/events`, { type: 'note', section: 'core', at: isoMinutesAgo(0), text: 'x', amends: noteId }),
      await c.post(`/api/v1/cases/${kase.id}/events`, { type: 'disclosure', at: isoMinutesAgo(0), event_id: noteId, basis: 'court_order', to_agency_id: 1 }),
    ];
    for (const r of answers) assert.ok(!r.text.includes(CANARY), `${u}: ${r.text.slice(0, 200)}`);
    const tl = answers[1];
    if (tl.status === 200) assert.ok(!tl.json.items.some((e) => e.id === noteId), `${u} sees the note's existence`);
  }
});

test('plain notes go only where the table allows; privileged notes only as advocate_note', async () => {
  for (const [u, , role] of USERS) {
    if (role !== 'member') continue;
    const c = srv.as(u);
    const visible = (await c.get(`/api/v1/cases/${kase.id}`)).status === 200;
    for (const section of SECTIONS) {
      const r = await c.post(`/api/v1/cases/${kase.id}/events`, { type: 'note', section, at: isoMinutesAgo(0), text: 'synthetic note' });
      const allowed = visible && WRITE[kindOf[u]].includes(section);
      assert.equal(r.status, allowed ? 201 : visible ? 403 : 404, `${u} ${section}: ${r.text}`);
    }
  }
  assertProblem(await srv.as('adv').post(`/api/v1/cases/${kase.id}/events`, { type: 'note', section: 'advocacy', at: isoMinutesAgo(0), text: 'x' }), 422, 'section');
  assertProblem(await srv.as('le').post(`/api/v1/cases/${kase.id}/events`, { type: 'advocate_note', at: isoMinutesAgo(0), text: 'x' }), 403);
});

test('a recorded disclosure (victim consent) lets one named agency read one note, audited', async () => {
  const cw = kase.agencies.find((a) => a.kind === 'child_welfare');
  const d = await srv.as('adv').post(`/api/v1/cases/${kase.id}/events`, {
    type: 'disclosure', at: isoMinutesAgo(0), event_id: noteId, basis: 'victim_consent', to_agency_id: cw.id,
  });
  assert.equal(d.status, 201, d.text);
  const seen = await srv.as('cw').get(`/api/v1/cases/${kase.id}/events`);
  assert.ok(seen.text.includes(CANARY));
  assert.ok(!seen.json.items.some((e) => e.type === 'disclosure'), 'the disclosure record stays with advocacy');
  for (const u of ['le', 'le_sup', 'pros', 'med']) {
    assert.ok(!(await srv.as(u).get(`/api/v1/cases/${kase.id}/events`)).text.includes(CANARY), u);
  }
  const audit = await srv.as('adv_sup').get(`/api/v1/cases/${kase.id}/audit`);
  assert.equal(audit.status, 200, audit.text);
  assert.ok(audit.json.items.some((r) => r.action === 'events.read' && r.section === 'advocacy' && r.agency === 'Child Welfare'));
});

test('the audit list does not reveal that privileged notes exist', async () => {
  for (const u of ['le_sup', 'cw_sup']) {
    const r = await srv.as(u).get(`/api/v1/cases/${kase.id}/audit`);
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.json.items.some((x) => x.section === 'advocacy'), u);
  }
  const adv = await srv.as('adv_sup').get(`/api/v1/cases/${kase.id}/audit`);
  assert.ok(adv.json.items.some((x) => x.section === 'advocacy'));
});

test('supervisors list who viewed a case; members may not', async () => {
  await srv.as('le').get(`/api/v1/cases/${kase.id}`);
  const r = await srv.as('le_sup').get(`/api/v1/cases/${kase.id}/audit`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.items.some((x) => x.action === 'case.read' && x.user === 'Synthetic le'));
  assertProblem(await srv.as('le').get(`/api/v1/cases/${kase.id}/audit`), 403);
});
