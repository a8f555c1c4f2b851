// The other jurisdictions' protocol files run on the same binary: a server started with each
// stores it as a version and runs new cases under it, with its owners and deadlines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCounty, serve, makeClient, identify } from './harness.mjs';

const plus = (iso, s) => new Date(Date.parse(iso) + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function withProtocol(file, check) {
  const srv = await startCounty();
  assert.equal(await srv.stop({ keep: true }), 0);
  const again = await serve(srv.db, ['--protocol', file]);
  try {
    await check(makeClient(again.url).useToken(srv.tokens.le));
  } finally {
    assert.equal(await again.stop(), 0);
    srv.cleanup();
  }
}

test("San Francisco's MDT file: the triage call is due 2 hours after identification", async () => {
  await withProtocol('protocols/sf-csec-mdt.protocol', async (le) => {
    const c = (await identify(le)).json;
    assert.equal(c.protocol.name, 'sf-csec-mdt');
    const triage = c.steps.find((s) => s.key === 'triage_call');
    assert.equal(triage.owner, 'child_welfare');
    assert.equal(triage.due_at, plus(c.identified_at, 2 * 3600));
    const mdt = c.steps.find((s) => s.key === 'ongoing_mdt');
    assert.equal(mdt.due_at, plus(c.identified_at, 14 * 86400));
  });
});

test("Washington's missing-from-care file: nothing is due before the youth goes missing", async () => {
  await withProtocol('protocols/wa-missing-from-care.protocol', async (le) => {
    const c = (await identify(le)).json;
    assert.equal(c.protocol.name, 'wa-missing-from-care');
    assert.deepEqual(c.steps.filter((s) => s.state === 'pending'), []);
  });
});
