// Extracting the server's message templates from src/ and reading src/lib/catalog.c (used by
// server-i18n.test.mjs).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// codes whose detail never reaches the caller (api_problem answers a fixed sentence)
const HIDDEN = new Set(['SH_ESTORE', 'SH_EINTERNAL', 'SH_ENOMEM', 'SH_EIO', 'SH_ESCHEMA']);

function cfiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? cfiles(join(dir, d.name))
    : d.name.endsWith('.c') ? [join(dir, d.name)] : []));
}

// comments blanked (their lines kept): an apostrophe or a quote in one is no literal
function blankComments(text) {
  return text.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g,
    (m) => (m[0] === '/' ? m.replace(/[^\n]/g, ' ') : m));
}

// the arguments of the call whose '(' is at text[open], split at the top level
function callArgs(text, open) {
  const args = [];
  let depth = 0, cur = '';
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      cur += text.slice(i, j + 1);
      i = j;
      continue;
    } else if (c === '(' && depth++ === 0) {
      continue;
    } else if (c === ')' && --depth === 0) {
      args.push(cur.trim());
      return args;
    } else if (c === ',' && depth === 1) {
      args.push(cur.trim());
      cur = '';
      continue;
    }
    if (c !== '(' || depth > 1) cur += c;
  }
  return args;
}

// the strings an expression can be: adjacent literals joined, each run a string (both arms of
// a ?: are two). <inttypes.h> and jansson's format macros become their glibc text; another
// macro between literals (a list kept in a header) stays as {NAME} on both sides. Literals
// inside a call's parentheses are that call's arguments, not the expression's.
export function literals(expr) {
  const out = [];
  let cur = null, depth = 0;
  const end = () => { if (cur !== null) out.push(cur); cur = null; };
  for (const m of expr.matchAll(/"((?:[^"\\]|\\.)*)"|\bPRI([diuxX])(32|64)\b|\b(JSON_INTEGER_FORMAT)\b|\b([A-Z][A-Z0-9_]+)\b|([()])|(\S)/g)) {
    if (m[6]) {
      end();
      depth += m[6] === '(' ? 1 : -1;
    } else if (depth > 0) {
      continue;
    } else if (m[1] !== undefined) {
      cur = (cur ?? '') + JSON.parse(`"${m[1].replace(/\\'/g, "'")}"`);
    } else if (m[2]) {
      cur = `${cur ?? ''}${m[3] === '64' ? 'l' : ''}${m[2]}`;
    } else if (m[4]) {
      cur = `${cur ?? ''}lld`;
    } else if (m[5] && cur !== null) {
      cur = `${cur}{${m[5]}}`;
    } else {
      end();
    }
  }
  end();
  return out;
}

export function templates() {
  const found = new Map(); // template -> where
  const add = (t, where) => { if (!found.has(t)) found.set(t, where); };
  for (const file of cfiles(join(ROOT, 'src'))) {
    const name = file.slice(ROOT.length + 1);
    if (name.startsWith('src/cli/') || name === 'src/lib/error.c' || name === 'src/lib/catalog.c') continue;
    const text = blankComments(readFileSync(file, 'utf8'));
    const line = (i) => `${name}:${text.slice(0, i).split('\n').length}`;
    for (const m of text.matchAll(/\bsh_error_(set|field)\s*\(/g)) {
      const args = callArgs(text, m.index + m[0].length - 1);
      const fmt = m[1] === 'set' ? 2 : 3;
      if (HIDDEN.has(args[1])) continue;
      const ts = literals(args[fmt] ?? '');
      assert.ok(ts.length, `${line(m.index)}: the template must be a literal (or "%s" with a text marked N_())`);
      // a finished text passed whole ("%s", "%.300s") is found where it is written (N_())
      for (const t of ts) if (!/^%(\.\d+)?s$/.test(t)) add(t, line(m.index));
    }
    for (const m of text.matchAll(/\bN_\s*\(/g)) {
      for (const t of literals(callArgs(text, m.index + m[0].length - 1)[0])) add(t, line(m.index));
    }
    if (name === 'src/http/routes.c') {
      // a route's rule is the refusal's detail: every literal with a space (paths, methods
      // and audit actions have none)
      for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"(?:\s*"((?:[^"\\]|\\.)*)")*/g)) {
        const t = literals(m[0])[0];
        if (t.includes(' ')) add(t, line(m.index));
      }
    }
  }
  return found;
}

export function catalogue() {
  const text = readFileSync(join(ROOT, 'src', 'lib', 'catalog.c'), 'utf8');
  const body = text.slice(text.indexOf('} es[] = {'), text.indexOf('{ NULL, NULL }'));
  const out = new Map();
  for (const m of body.matchAll(/\{\s*((?:"(?:[^"\\]|\\.)*"\s*|(?:PRI[diuxX](?:32|64)|[A-Z][A-Z0-9_]+)\s*)+),\s*((?:"(?:[^"\\]|\\.)*"\s*|(?:PRI[diuxX](?:32|64)|[A-Z][A-Z0-9_]+)\s*)+)\}/g)) {
    const [en] = literals(m[1]);
    const [es] = literals(m[2]);
    assert.ok(!out.has(en), `catalog.c: "${en}" twice`);
    out.set(en, es);
  }
  return out;
}

