// Lists and their filters (issue 17 items 11 and 13): "what we owe now" and the case list by
// area, step, worker and overdue; each person's filters kept on the server; the county's
// areas; admins change users (agency, role) and agencies (areas).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem, cli, identify, isoMinutesAgo, startCounty } from './harness.mjs';

let srv, ids;
const list = async (user, q) => (await srv.as(user).get(`/api/v1/cases?open=1&${q}`)).json.items.map((c) => c.id);
const patch = (user, path, body) => srv.as(user).request('PATCH', path, { body });

before(async () => {
  srv = await startCounty();
  ids = Object.fromEntries((await srv.as('admin').get('/api/v1/users')).json.items.map((u) => [u.username, u.id]));
});
after(async () => { assert.equal(await srv?.stop(), 0); });

test('"what we owe now" filters by area, step, worker and overdue', async () => {
  const compton = (await identify(srv.as('le'), { identified_at: isoMinutesAgo(100) })).json; // advocate overdue
  const beach = (await identify(srv.as('le2'), { area: 'long_beach' })).json;
  const at = isoMinutesAgo(1);
  assert.equal((await srv.as('adv').post(`/api/v1/cases/${beach.id}/events`,
    { type: 'worker_assigned', at, user_id: ids.adv })).status, 201);
  assert.deepEqual((await list('adv', 'area=long_beach')), [beach.id]);
  assert.deepEqual((await list('adv', 'area=compton')), [compton.id]);
  assert.deepEqual((await list('adv', 'overdue=1')), [compton.id]);
  assert.deepEqual((await list('adv', 'worker=me')), [beach.id]);
  assert.deepEqual((await list('adv', 'worker=none')), [compton.id]);
  assert.deepEqual((await list('adv_sup', `worker=${ids.adv}`)), [beach.id]);
  // a step: only the cases owing it, earliest first; steps owed on no case leave none
  const r = (await srv.as('adv').get('/api/v1/cases?open=1&step=advocate_on_scene')).json.items;
  assert.deepEqual(r.map((c) => c.id), [compton.id, beach.id]);
  assert.ok(r.every((c) => c.owed.some((s) => s.key === 'advocate_on_scene')));
  assert.deepEqual((await list('adv', 'step=return_debrief')), []);
  // the steps an agency may owe, to choose from
  const steps = (await srv.as('adv').get('/api/v1/steps')).json.items.map((s) => s.key);
  assert.ok(steps.includes('advocate_on_scene') && !steps.includes('hotline_report'));
  // named and checked
  assertProblem(await srv.as('adv').get('/api/v1/cases?area=Long%20Beach'), 422, 'area');
  assertProblem(await srv.as('adv').get('/api/v1/cases?step=Advocate'), 422, 'step');
  assertProblem(await srv.as('adv').get('/api/v1/cases?worker=someone'), 422, 'worker');
});

test('each person’s filters are kept on the server, checked, and only theirs', async () => {
  const me = srv.as('cw');
  assert.deepEqual((await me.get('/api/v1/me/preferences')).json, {});
  let r = await me.request('PUT', '/api/v1/me/preferences/owed.filter', { body: { area: 'compton', overdue: true, worker: 'me' } });
  assert.equal(r.status, 200, r.text);
  r = await me.request('PUT', '/api/v1/me/preferences/cases.filter', { body: { open: false, step: null } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual((await me.get('/api/v1/me/preferences')).json,
    { 'owed.filter': { area: 'compton', overdue: true, worker: 'me' }, 'cases.filter': { open: false, step: null } });
  assert.deepEqual((await srv.as('cw_sup').get('/api/v1/me/preferences')).json, {}, 'another person’s are theirs');
  // {} forgets a filter
  await me.request('PUT', '/api/v1/me/preferences/cases.filter', { body: {} });
  assert.equal((await me.get('/api/v1/me/preferences')).json['cases.filter'], undefined);
  assertProblem(await me.request('PUT', '/api/v1/me/preferences/owed.filter', { body: { area: 'Compton!' } }), 422, 'area');
  assertProblem(await me.request('PUT', '/api/v1/me/preferences/owed.filter', { body: { worker: 'x1' } }), 422, 'worker');
  assertProblem(await me.request('PUT', '/api/v1/me/preferences/owed.filter', { body: { name: 'Synthetic' } }), 422, 'name');
  assertProblem(await me.request('PUT', '/api/v1/me/preferences/search.words', { body: {} }), 404);
});

test('the language is a preference too (en or es); /me gives the protocol\'s Spanish step titles and the hotlines', async () => {
  const me = srv.as('mh');
  let r = await me.request('PUT', '/api/v1/me/preferences/language', { body: { language: 'es' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual((await me.get('/api/v1/me/preferences')).json, { language: { language: 'es' } });
  assertProblem(await me.request('PUT', '/api/v1/me/preferences/language', { body: { language: 'fr' } }), 422, 'language');
  assertProblem(await me.request('PUT', '/api/v1/me/preferences/language', { body: { language: 'es', area: 'x' } }), 422, 'area');
  assert.deepEqual((await me.get('/api/v1/me/preferences')).json, { language: { language: 'es' } }, 'a refused change writes nothing');
  const county = (await me.get('/api/v1/me')).json.county;
  // protocols/la-county-frp.protocol: title_es lines
  assert.equal(county.step_titles.es.advocate_on_scene, 'Defensor en el lugar');
  assert.equal(county.step_titles.es.hotline_report, 'Informe a la línea directa de abuso infantil');
  // youth.hotlines: the national ones by default
  assert.deepEqual(county.hotlines, [
    { name: 'National Human Trafficking Hotline', phone: '1-888-373-7888', text: '233733' },
    { name: 'Childhelp National Child Abuse Hotline', phone: '1-800-422-4453' }]);
  // the county adds its own (checked: NAME|PHONE|TEXT;...)
  const bad = cli(['settings', '--db', srv.db, 'youth.hotlines=Synthetic County Line|call us|']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /youth\.hotlines.*NAME\|PHONE\|TEXT/);
  const good = cli(['settings', '--db', srv.db, 'youth.hotlines=Synthetic County Line|(555) 010-0199|;Childhelp|1-800-422-4453|']);
  assert.equal(good.status, 0, good.stderr);
});

test('protocol.holidays: the county’s holiday file is checked line by line before it is kept', () => {
  const bad = cli(['settings', '--db', srv.db, `protocol.holidays=${process.cwd()}/tests/protocols/bad/holiday-duplicate.holidays`]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /protocol\.holidays.*holiday-duplicate\.holidays:3: duplicate holiday 2026-11-26 \(first on line 2\)/);
  const missing = cli(['settings', '--db', srv.db, 'protocol.holidays=/nonexistent/county.holidays']);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /protocol\.holidays.*cannot open/);
  const shown = cli(['settings', '--db', srv.db]);
  assert.match(shown.stdout, /protocol\.holidays/);
  assert.doesNotMatch(shown.stdout, /holiday-duplicate|nonexistent/, 'a refused value is not kept');
  const good = cli(['settings', '--db', srv.db, `protocol.holidays=${process.cwd()}/protocols/holidays/texas-state-2026.holidays`]);
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /protocol\.holidays.*texas-state-2026\.holidays/);
});

test('the county’s areas come from its agencies; an admin changes an agency’s areas, never its kind', async () => {
  let areas = (await srv.as('le').get('/api/v1/agencies')).json.areas;
  assert.deepEqual(areas, ['compton', 'long_beach']);
  const agencies = (await srv.as('admin').get('/api/v1/agencies')).json.items;
  const police = agencies.find((a) => a.name === 'City Police B');
  const r = await patch('admin', `/api/v1/agencies/${police.id}`, { areas: ['long_beach', 'signal_hill'], home_area: 'signal_hill' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.home_area, r.json.areas], ['signal_hill', ['long_beach', 'signal_hill']]);
  areas = (await srv.as('le').get('/api/v1/agencies')).json.areas;
  assert.deepEqual(areas, ['compton', 'long_beach', 'signal_hill']);
  assertProblem(await patch('admin', `/api/v1/agencies/${police.id}`, { kind: 'prosecutor' }), 422, 'kind');
  assertProblem(await patch('admin', `/api/v1/agencies/${police.id}`, { areas: ['Signal Hill'] }), 422, 'areas');
  assertProblem(await patch('admin', `/api/v1/agencies/${police.id}`, { name: 'Sheriff Station A' }), 409, 'name');
  assertProblem(await patch('le_sup', `/api/v1/agencies/${police.id}`, { areas: ['x'] }), 403);
});

test('an admin changes a user’s role and agency: sessions end, old cases let go, agencies told', async () => {
  const c = (await identify(srv.as('le'))).json;
  assert.equal((await srv.as('cw').post(`/api/v1/cases/${c.id}/events`,
    { type: 'worker_assigned', at: isoMinutesAgo(1), user_id: ids.cw })).status, 201);
  // the admin's own role is not theirs to change
  assertProblem(await patch('admin', `/api/v1/users/${ids.admin}`, { role: 'member' }), 403, 'role');
  assertProblem(await patch('le_sup', `/api/v1/users/${ids.cw}`, { role: 'supervisor' }), 403);
  assertProblem(await patch('admin', `/api/v1/users/${ids.cw}`, { role: 'boss' }), 422, 'role');
  // on a shift of their agency: end it first
  const cwAgency = (await srv.as('cw_sup').get('/api/v1/me')).json.user.agency.id;
  const shift = await srv.as('cw_sup').post(`/api/v1/agencies/${cwAgency}/roster`, {
    user_id: ids.cw, supervisor_id: ids.cw_sup, starts_at: isoMinutesAgo(5), ends_at: isoMinutesAgo(-600) });
  assert.equal(shift.status, 201, shift.text);
  const probation = (await srv.as('admin').get('/api/v1/agencies')).json.items.find((a) => a.kind === 'probation');
  assertProblem(await patch('admin', `/api/v1/users/${ids.cw}`, { agency_id: probation.id }), 409, 'agency_id');
  await srv.as('cw_sup').del(`/api/v1/agencies/${cwAgency}/roster/${shift.json.id}`);
  const r = await patch('admin', `/api/v1/users/${ids.cw}`, { agency_id: probation.id, role: 'supervisor' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.agency.kind, r.json.role], ['probation', 'supervisor']);
  // the old token no longer works: they sign in again into what they may now do
  assert.equal((await srv.as('cw').get('/api/v1/me')).status, 401);
  // no longer the worker of child welfare's case
  const view = (await srv.as('cw_sup').get(`/api/v1/cases/${c.id}`)).json;
  assert.equal(view.agencies.find((a) => a.kind === 'child_welfare').worker, null);
  // both agencies hear of it; the new one of a supervisor account
  const cwNotices = (await srv.as('cw_sup').get('/api/v1/notices')).json.items;
  assert.ok(cwNotices.some((n) => n.kind === 'agency_changed' && n.subject.username === 'cw'));
  const admin = (await srv.as('admin').get('/api/v1/notices')).json.items;
  assert.ok(admin.some((n) => n.kind === 'privileged_account' && n.subject.username === 'cw' && n.agency_id === probation.id));
  // the display name and contact change without ending anything
  const ok = await patch('admin', `/api/v1/users/${ids.adv}`, { display_name: 'Synthetic Advocate A', contact: null });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await srv.as('adv').get('/api/v1/me')).json.user.display_name, 'Synthetic Advocate A');
});
