// Each case pins the protocol version in force at its identification: loading a new
// version of the protocol file never changes the deadlines of existing cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCounty, serve, makeClient, identify, cli } from './harness.mjs';

const plus = (iso, s) => new Date(Date.parse(iso) + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

test('a new protocol version applies to new cases only', async () => {
  const current = readFileSync('protocols/la-county-frp.protocol', 'utf8').match(/^version\s+(\S+)/m)[1];
  const srv = await startCounty();
  const first = (await identify(srv.as('le'))).json;
  assert.equal(first.protocol.version, current);
  assert.equal(await srv.stop({ keep: true }), 0);

  // the county edits the file: advocates within 60 minutes, as a new version in force
  // from today (the county's day)
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles' }).format(new Date());
  const text = readFileSync('protocols/la-county-frp.protocol', 'utf8')
    .replace(/^version .*$/m, 'version 2099.1')
    .replace(/^effective .*$/m, `effective ${today}`)
    .replace(/(step advocate_on_scene[\s\S]*?due\s+identified \+ )90m/, '$160m');
  const file = join(srv.dir, 'v2.protocol');
  writeFileSync(file, text);
  assert.equal(cli(['protocol', 'check', file]).status, 0);

  const again = await serve(srv.db, ['--protocol', file]);
  try {
    const le = makeClient(again.url).useToken(srv.tokens.le);
    const old = (await le.get(`/api/v1/cases/${first.id}`)).json;
    assert.equal(old.protocol.version, current);
    const oldStep = old.steps.find((s) => s.key === 'advocate_on_scene');
    assert.equal(oldStep.due_at, plus(old.identified_at, 90 * 60));
    const fresh = (await identify(le)).json;
    assert.equal(fresh.protocol.version, '2099.1');
    assert.equal(fresh.steps.find((s) => s.key === 'advocate_on_scene').due_at, plus(fresh.identified_at, 60 * 60));
  } finally {
    assert.equal(await again.stop(), 0);
  }

  // the same version number with different content is refused
  writeFileSync(file, text.replace(/60m/, '45m'));
  const r = cli(['serve', '--db', srv.db, '--listen', '127.0.0.1:0', '--protocol', file]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already stored with different content/);
  srv.cleanup();
});
