// What the agenda and a calendar feed cost (issue 17, item 10): N open cases that child
// welfare takes part in (each with its MDT meeting and child welfare's deadlines); a child
// welfare member reads the two-week agenda (GET /api/v1/agenda) and a calendar app fetches
// the member's feed (GET /calendar/{token}.ics: 7 days back to 84 ahead) R times each, in
// turn. Both write their audit rows (one per case shown) before answering, so the write is
// in the time. The table gives p50 and p99 latency, items and bytes, from the release build.
//
//   node bench/agenda.mjs                    (N = 300 cases, R = 50)
//   BENCH_CASES=1000 BENCH_READS=20 node bench/agenda.mjs
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.env.SAFEHARBOR_BIN ??= join(root, 'build/release/safeharbor');
const { startCounty, identify, signInApi } = await import('../tests/api/harness.mjs');

const CASES = Number(process.env.BENCH_CASES ?? 300);
const READS = Number(process.env.BENCH_READS ?? 50);

const srv = await startCounty();
try {
  for (let i = 0; i < CASES; i++) {
    const r = await identify(srv.as(i % 2 ? 'le' : 'le2'), i % 2 ? {} : { area: 'long_beach' });
    if (r.status !== 201) throw new Error(`case ${i}: ${r.status} ${r.text}`);
  }
  const feed = (await (await signInApi(srv.url, 'cw')).post('/api/v1/me/calendar', {})).json.url;
  const times = { agenda: [], feed: [] };
  let items = 0, bytes = 0, events = 0;
  for (let r = 0; r < READS; r++) {
    let t = performance.now();
    const a = await srv.as('cw').get('/api/v1/agenda');
    times.agenda.push(performance.now() - t);
    if (a.status !== 200) throw new Error(`agenda: ${a.status}`);
    items = a.json.items.length;
    t = performance.now();
    const f = await fetch(feed);
    const text = await f.text();
    times.feed.push(performance.now() - t);
    if (f.status !== 200) throw new Error(`feed: ${f.status}`);
    bytes = Buffer.byteLength(text);
    events = text.split('BEGIN:VEVENT').length - 1;
  }
  const pct = (xs, p) => { const s = [...xs].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)].toFixed(1); };
  console.log(`agenda: ${CASES} open cases child welfare takes part in; ${READS} reads of each`);
  console.log('| read | items | bytes | p50 ms | p99 ms |');
  console.log('|---|---|---|---|---|');
  console.log(`| GET /api/v1/agenda (two weeks) | ${items} | | ${pct(times.agenda, 50)} | ${pct(times.agenda, 99)} |`);
  console.log(`| GET /calendar/{token}.ics (13 weeks) | ${events} | ${bytes} | ${pct(times.feed, 50)} | ${pct(times.feed, 99)} |`);
} finally {
  await srv.stop();
}
