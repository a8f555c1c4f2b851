// The app's words, in the user's language: t(KEY, { n, name }) reads the message
// catalogue (web/i18n/en.json, web/i18n/es.json; docs/web.md says how to add a string).
// The language is the user's setting (the `language` preference), else the browser's.
// A message may be plural-aware: { "one": "…", "other": "…" }, chosen by params.n.

export const LANGUAGES = ['en', 'es'];
const LOCALES = { en: 'en-US', es: 'es-US' };

let lang = 'en';
let catalogue = {};
let plurals = new Intl.PluralRules(LOCALES.en);
let stepTitles = {}; // the protocol's titles in the language, by step key (GET /api/v1/me)

// 'es' when the browser prefers Spanish to English, else 'en'.
export function browserLanguage() {
  for (const l of navigator.languages ?? [navigator.language ?? 'en']) {
    const base = String(l).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

export function language() { return lang; }
export function locale(l = lang) { return LOCALES[l]; }

async function load(l) {
  const res = await fetch(new URL(`../i18n/${l}.json`, import.meta.url));
  if (!res.ok) throw new Error(`catalogue ${l}: ${res.status}`);
  return res.json();
}

// Loads the catalogue of l (from the same assets as this module) and makes it current.
export async function setLanguage(l) {
  const want = LANGUAGES.includes(l) ? l : 'en';
  if (want === lang && Object.keys(catalogue).length) return;
  catalogue = await load(want);
  lang = want;
  plurals = new Intl.PluralRules(LOCALES[want]);
  document.documentElement.lang = want;
}

function message(cat, rules, l, key, params) {
  let m = cat[key];
  if (m && typeof m === 'object') m = m[rules.select(params.n ?? 0)] ?? m.other;
  if (typeof m !== 'string') return key;
  return m.replace(/\{(\w+)\}/g, (all, k) => (params[k] === undefined ? all
    : typeof params[k] === 'number' ? new Intl.NumberFormat(LOCALES[l]).format(params[k]) : String(params[k])));
}

// key -> the message with {name} replaced by params.name.
export function t(key, params = {}) {
  return message(catalogue, plurals, lang, key, params);
}

// t() of another language, whatever the user's (a page shown to the youth in theirs).
export async function translator(l) {
  const want = LANGUAGES.includes(l) ? l : 'en';
  const cat = want === lang ? catalogue : await load(want);
  const rules = new Intl.PluralRules(LOCALES[want]);
  return (key, params = {}) => message(cat, rules, want, key, params);
}

// A word from a list (an agency kind, a status...): t(`${group}.${value}`), or the value
// itself when the catalogue has no such word (a code the server added since).
export function word(group, value) {
  if (value === null || value === undefined) return '';
  const k = `${group}.${value}`;
  const m = t(k);
  return m === k ? String(value) : m;
}


// The protocol's Spanish step titles (county.step_titles in GET /api/v1/me).
export function setStepTitles(titles) { stepTitles = titles ?? {}; }
// A step's title in the language: the protocol's own (title_es), else the catalogue's (the
// witness items, `step.KEY`, made by the server rather than the protocol), else the server's.
export function stepTitle(key, title) {
  const own = catalogue[`step.${key}`];
  return stepTitles[lang]?.[key] ?? (typeof own === 'string' ? own : title ?? key);
}
