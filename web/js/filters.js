// List filters shared by "What we owe now" and the case list: the county's area, a step, the
// worker, overdue. Each person's choice is kept on the server (PUT /api/v1/me/preferences/KEY),
// so it follows them from a phone to a desk; never in the browser's storage.
import { get, put } from './api.js';
import { h, nextId } from './dom.js';
import { t } from './i18n.js';

// The county's areas (GET /api/v1/agencies: `areas`) as select options.
export function areaOptions(areas) {
  return (areas ?? []).map((a) => [a, a.replace(/_/g, ' ')]);
}

export async function loadPrefs(key) {
  try {
    return (await get('/api/v1/me/preferences')).data[key] ?? {};
  } catch {
    return {}; // the list still works, unfiltered
  }
}

export async function savePrefs(key, value) {
  const kept = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== '' && v !== null && v !== undefined));
  try {
    await put(`/api/v1/me/preferences/${encodeURIComponent(key)}`, kept);
  } catch { /* the filter applies; only remembering it failed */ }
}

function select(label, name, options, value) {
  const id = nextId(name);
  const input = h('select', { id, name }, options.map(([v, l]) => h('option', { value: v, selected: v === (value ?? '') }, l)));
  return { input, wrap: h('div', { class: 'field', dataset: { field: name } }, h('label', { for: id }, label), input) };
}

// A bar of filters: { area, step, worker, overdue, open }. steps: [[key, title]] or null (no
// step filter); people: [[id, name]] of the agency (a supervisor's choice) or null; open: offer
// "open cases only". onChange(value) on every change (the list reloads; nothing else moves).
export function filterBar({ areas, steps = null, people = null, value = {}, open = false, onChange }) {
  const area = select(t('filters.area'), 'area', [['', t('filters.every_area')], ...areaOptions(areas)], value.area);
  const step = steps ? select(t('filters.step'), 'step', [['', t('filters.every_step')], ...steps], value.step) : null;
  const worker = select(t('filters.worker'), 'worker', [['', t('filters.anyone')], ['me', t('filters.me')], ['none', t('filters.nobody')],
    ...(people ?? []).map(([id, name]) => [String(id), name])], value.worker);
  const overdueId = nextId('overdue');
  const overdue = h('input', { type: 'checkbox', id: overdueId, name: 'overdue', checked: !!value.overdue });
  const openId = nextId('open');
  const openOnly = open ? h('input', { type: 'checkbox', id: openId, name: 'open', checked: value.open !== false }) : null;
  const clear = h('button', { type: 'button', class: 'link' }, t('filters.clear'));
  const bar = h('fieldset', { class: 'filters' }, h('legend', {}, t('filters.show')),
    area.wrap, step?.wrap, worker.wrap,
    h('div', { class: 'field field-check' }, h('label', { for: overdueId }, overdue, t('filters.overdue'))),
    openOnly && h('div', { class: 'field field-check' }, h('label', { for: openId }, openOnly, t('filters.open'))),
    clear);
  const current = () => ({
    area: area.input.value || null, step: step?.input.value || null, worker: worker.input.value || null,
    overdue: overdue.checked, ...(openOnly ? { open: openOnly.checked } : {}),
  });
  bar.addEventListener('change', () => onChange(current()));
  clear.addEventListener('click', () => {
    for (const s of [area, step, worker]) if (s) s.input.value = '';
    overdue.checked = false;
    if (openOnly) openOnly.checked = true;
    onChange(current());
  });
  bar.value = current;
  return bar;
}

// The query string of a filter for GET /api/v1/cases.
export function filterQuery(f, base = {}) {
  const q = new URLSearchParams(base);
  for (const k of ['area', 'step', 'worker']) if (f[k]) q.set(k, f[k]);
  if (f.overdue) q.set('overdue', '1');
  return q;
}

// The agency's people who work cases, as [[id, name]], for a supervisor's filter.
export async function colleagues(me) {
  if (me.role !== 'supervisor') return null;
  try {
    return ((await get('/api/v1/users')).data.items ?? [])
      .filter((u) => !u.disabled && (u.role === 'member' || u.role === 'supervisor'))
      .map((u) => [u.id, u.display_name]);
  } catch {
    return null;
  }
}
