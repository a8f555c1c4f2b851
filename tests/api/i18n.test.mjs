// The message catalogues of the web app (web/i18n/en.json, es.json; docs/web.md, "Languages"):
// complete in both languages, every key the code asks for is there, the placeholders agree,
// and the page for the youth reads at a 5th-grade level or below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cat = (l) => JSON.parse(readFileSync(join(ROOT, 'web', 'i18n', `${l}.json`), 'utf8'));
const en = cat('en'), es = cat('es');

function sources(dir = join(ROOT, 'web', 'js')) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name))
    : d.name.endsWith('.js') ? [[join(dir, d.name), readFileSync(join(dir, d.name), 'utf8')]] : []));
}
const forms = (m) => (typeof m === 'string' ? [m] : Object.values(m));
const holes = (m) => [...new Set(forms(m).flatMap((s) => [...s.matchAll(/\{(\w+)\}/g)].map((x) => x[1])))].sort();

test('every key is in both catalogues, with the same placeholders and plural forms', () => {
  const missing = [...Object.keys(en).filter((k) => !(k in es)).map((k) => `es lacks ${k}`),
    ...Object.keys(es).filter((k) => !(k in en)).map((k) => `en lacks ${k}`)];
  assert.deepEqual(missing, []);
  for (const k of Object.keys(en)) {
    assert.deepEqual(holes(es[k]), holes(en[k]), `${k}: the placeholders differ`);
    assert.equal(typeof es[k], typeof en[k], `${k}: plural in one language only`);
    if (typeof en[k] === 'object') for (const m of [en[k], es[k]]) assert.ok(m.one && m.other, `${k}: "one" and "other"`);
    for (const m of [...forms(en[k]), ...forms(es[k])]) assert.equal(typeof m, 'string', k);
  }
});

test('every key the web app asks for is in the catalogues', () => {
  const absent = [];
  for (const [file, text] of sources()) {
    const name = file.slice(ROOT.length + 1);
    for (const [, key] of text.matchAll(/\bt\('([\w.]+)'/g)) if (!(key in en)) absent.push(`${name}: t('${key}')`);
    // a key made from a code (t(`agenda.span.${v}`), word('event', type)): its group has words
    for (const [, group] of text.matchAll(/\bt\(`([\w.]+)\.\$\{/g)) {
      if (!Object.keys(en).some((k) => k.startsWith(`${group}.`))) absent.push(`${name}: t(\`${group}.…\`)`);
    }
    for (const [, group] of text.matchAll(/\bword\('([\w.]+)'/g)) {
      if (!Object.keys(en).some((k) => k.startsWith(`${group}.`))) absent.push(`${name}: word('${group}')`);
    }
  }
  assert.deepEqual(absent, []);
});

// Flesch-Kincaid grade of English text (syllables counted by vowel groups, a silent final e
// dropped): 0.39 words/sentence + 11.8 syllables/word - 15.59.
function grade(text) {
  const sentences = text.split(/[.!?]+\s|[.!?]+$/).filter((s) => s.trim()).length;
  const words = text.match(/[A-Za-z']+/g) ?? [];
  const syllables = words.reduce((n, w) => {
    const v = w.toLowerCase().replace(/e$/, '').match(/[aeiouy]+/g);
    return n + Math.max(1, v ? v.length : 0);
  }, 0);
  return 0.39 * (words.length / sentences) + 11.8 * (syllables / words.length) - 15.59;
}

test('the page for the youth is written for a 12-year-old: short sentences, grade 5 or below', () => {
  const text = Object.entries(en).filter(([k]) => k.startsWith('youth.') && !['youth.show_in', 'youth.for_youth'].includes(k))
    // the laws' names stay as they are: the reader is told the right, the name is for adults
    .map(([, m]) => m.replace(/\(California [^)]*\)/g, '').replace(/\{\w+\}/g, 'Sam'))
    .map((m) => (/[.!?]$/.test(m.trim()) ? m : `${m}.`)).join(' ');
  const g = grade(text);
  assert.ok(g <= 5, `Flesch-Kincaid grade ${g.toFixed(1)} (at most 5)`);
  for (const [k, m] of Object.entries(es).filter(([key]) => key.startsWith('youth.'))) {
    for (const s of m.split(/(?<=[.!?])\s/)) assert.ok(s.split(/\s+/).length <= 16, `${k}: a sentence of more than 16 words`);
  }
});
