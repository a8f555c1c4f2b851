// What hidden entries cost a reader (issue: "reading a case with many hidden entries costs
// no more than one with few"). Two cases, each with 10 entries law enforcement reads; one
// also holds N privileged advocate notes it may not read (the baseline holds none). Law
// enforcement reads each case (GET /cases/{id} and GET /cases/{id}/events) R times in turn;
// the table gives p50 and p99 latency of each, side by side, from the release build.
//
//   node bench/hidden-entries.mjs            (N = 1990, the most a case holds by default)
//   BENCH_HIDDEN=500 BENCH_READS=300 node bench/hidden-entries.mjs
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.env.SAFEHARBOR_BIN ??= join(root, 'build/release/safeharbor');
const { startCounty, identify, cli } = await import('../tests/api/harness.mjs');

const HIDDEN = Number(process.env.BENCH_HIDDEN ?? 1990);
const READS = Number(process.env.BENCH_READS ?? 200);
const at = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

const srv = await startCounty({ prepare: (db) => {
  cli(['settings', '--db', db, 'events.per_case_per_minute=100000']);
} });
try {
  const plain = (await identify(srv.as('le'))).json.id;
  const crowded = (await identify(srv.as('le'))).json.id;
  for (const id of [plain, crowded]) {
    for (let i = 0; i < 9; i++) {
      await srv.as('le').post(`/api/v1/cases/${id}/events`, { type: 'note', section: 'core', at: at(), text: `Synthetic shared note ${i}` });
    }
  }
  for (let i = 0; i < HIDDEN; i++) {
    const r = await srv.as('adv').post(`/api/v1/cases/${crowded}/events`, { type: 'advocate_note', at: at(), text: `Synthetic privileged note ${i}: a paragraph of the kind advocates write after a visit.` });
    if (r.status !== 201) throw new Error(`note ${i}: ${r.status} ${r.text}`);
    if (i % 250 === 0 && process.stderr.isTTY) process.stderr.write(`\rfilling: ${i}/${HIDDEN}`);
  }
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const times = { case: { plain: [], crowded: [] }, events: { plain: [], crowded: [] } };
  for (let r = 0; r < READS; r++) {
    for (const [name, id] of [['plain', plain], ['crowded', crowded]]) {
      for (const [what, path] of [['case', `/api/v1/cases/${id}`], ['events', `/api/v1/cases/${id}/events`]]) {
        const t = performance.now();
        const res = await srv.as('le').get(path);
        times[what][name].push(performance.now() - t);
        if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
        if (what === 'events' && res.json.items.length !== 10) throw new Error(`${name}: ${res.json.items.length} entries read`);
      }
    }
  }
  const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)].toFixed(2); };
  console.log(`hidden entries: ${HIDDEN} privileged notes on one case; ${READS} reads of each by law enforcement (10 readable entries on both)`);
  console.log('| read | baseline (no hidden) p50 ms | p99 ms | with hidden p50 ms | p99 ms |');
  console.log('|---|---|---|---|---|');
  for (const what of ['case', 'events']) {
    console.log(`| GET ${what === 'case' ? '/cases/{id}' : '/cases/{id}/events'} | ${pct(times[what].plain, 50)} | ${pct(times[what].plain, 99)} | ${pct(times[what].crowded, 50)} | ${pct(times[what].crowded, 99)} |`);
  }
} finally {
  await srv.stop();
}
