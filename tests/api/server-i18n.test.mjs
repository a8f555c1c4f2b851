// The server's own words in Spanish (src/lib/catalog.c; docs/api.md, "Problem details"): every
// template a refusal can carry is taken from the C sources (the format of each sh_error_set and
// sh_error_field outside the CLI whose code is not a hidden 5xx, each text marked N_(), each
// rule of the route table), and each must have a Spanish entry with the same printf
// conversions in the same order. A new English message without its Spanish fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogue, literals, templates } from './catalog.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const conversions = (s) => [...s.matchAll(/%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|z|j|t)?[diouxXeEfgGcsp%]/g)].map((m) => m[0]);

test('every message the server can refuse with has its Spanish, with the same conversions', () => {
  const cat = catalogue();
  const found = templates();
  assert.ok(found.size > 200, `only ${found.size} templates found: the extraction is broken`);
  const missing = [...found].filter(([t]) => !cat.has(t)).map(([t, where]) => `${where}: ${JSON.stringify(t)}`);
  assert.deepEqual(missing, [], 'templates without a Spanish entry in src/lib/catalog.c');
  for (const [en, es] of cat) {
    assert.deepEqual(conversions(es), conversions(en), `the conversions differ: ${JSON.stringify(en)}`);
    if (/[A-Za-z]/.test(en)) assert.notEqual(es, en, `not translated: ${JSON.stringify(en)}`);
  }
});

test('the catalogue keeps no entry the sources no longer use', () => {
  const found = templates();
  const stale = [...catalogue().keys()].filter((t) => !found.has(t));
  assert.deepEqual(stale, []);
});

test('the witness items\' Spanish titles in messages are those the web app shows', () => {
  // messages take them from the protocol file's witness blocks (title_es)
  const text = readFileSync(join(ROOT, 'protocols', 'la-county-frp.protocol'), 'utf8');
  const es = JSON.parse(readFileSync(join(ROOT, 'web', 'i18n', 'es.json'), 'utf8'));
  const items = [...text.matchAll(/^witness\s+(\w+)\n((?:[ \t]+.*\n?)*)/gm)]
    .map(([, key, body]) => [key, body.match(/^\s*title_es\s+(.+?)\s*$/m)?.[1]]);
  assert.equal(items.length, 4);
  for (const [key, title] of items) assert.equal(title, es[`step.${key}`], key);
});
