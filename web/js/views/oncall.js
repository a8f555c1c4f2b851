// On call: who in my agency is summoned when a youth is identified, by shift, with a
// fallback and a supervisor (docs/notifications.md). Every member sees the shifts and
// sets how they are paged; supervisors add and end shifts. Below, the account notices:
// what others did to the agency's accounts (a supervisor's view) or to mine.
import { ApiError, del, get, post, put } from '../api.js';
import { announce, clearMessages, field, fill, fmtTime, formStatus, fromLocalInput, h, setStatus,
  serverWords, showProblem, showWarnings, stack, toLocalInput } from '../dom.js';
import { t } from '../i18n.js';
import { areaOptions } from '../filters.js';

const HOUR = 3600000;

export async function render(main, ctx) {
  ctx.title(t('oncall.title'));
  const me = ctx.me;
  const supervisor = me.role === 'supervisor';
  const base = `/api/v1/agencies/${me.agency.id}/roster`;
  const table = h('div', { class: 'table-wrap' });
  let shifts = [], users = [], areas = [];

  async function load() {
    const [r, u, a] = await Promise.all([get(base), supervisor ? get('/api/v1/users') : null,
      supervisor ? get('/api/v1/agencies').catch(() => null) : null]);
    shifts = r.data.items ?? [];
    users = (u?.data.items ?? []).filter((x) => !x.disabled && (x.role === 'member' || x.role === 'supervisor'));
    // a shift covers an area the agency serves (the county's areas when it serves all)
    const mine = (a?.data.items ?? []).find((x) => x.id === me.agency.id)?.areas ?? [];
    areas = mine.length && !mine.includes('*') ? mine : (a?.data.areas ?? []);
  }

  function endControl(s) {
    const b = h('button', { type: 'button', class: 'secondary' }, t('oncall.end'),
      h('span', { class: 'visually-hidden' }, t('oncall.of', { name: s.on_call.name })));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await del(`${base}/${s.id}`);
        announce(t('oncall.ended', { name: s.on_call.name }));
        await refresh();
      } catch (e) {
        b.disabled = false;
        if (!(e instanceof ApiError && e.status === 401)) b.after(h('span', { class: 'msg error', role: 'alert' }, e.message));
      }
    });
    return b;
  }

  function paint() {
    if (!shifts.length) {
      fill(table, h('p', { class: 'muted' }, t('oncall.none')));
      return;
    }
    const cols = [t('oncall.cols'), t('oncall.from'), t('oncall.until'), t('oncall.title'), t('oncall.fallback'), t('oncall.supervisor'), t('oncall.now'), supervisor ? '' : null].filter((c) => c !== null);
    fill(table, stack(h('table', {},
      h('caption', { class: 'visually-hidden' }, t('oncall.shifts')),
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, shifts.map((s) => h('tr', { dataset: { shift: String(s.id) } },
        h('td', {}, s.area === '*' ? t('oncall.all_areas') : s.area),
        h('td', {}, fmtTime(s.starts_at)), h('td', {}, fmtTime(s.ends_at)),
        h('th', { scope: 'row' }, s.on_call.name), h('td', {}, s.fallback?.name ?? '—'), h('td', {}, s.supervisor.name),
        h('td', {}, s.in_force ? h('strong', {}, t('oncall.in_force')) : t('oncall.ahead')),
        supervisor ? h('td', {}, endControl(s)) : null))))));
  }

  async function refresh() {
    await load();
    if (ctx.current()) paint();
  }

  await load();
  if (!ctx.current()) return;

  // a supervisor adds a shift
  let shiftForm = null;
  if (supervisor) {
    const people = () => users.map((u) => [String(u.id), `${u.display_name} (${u.username})`]);
    const onCall = field({ label: t('oncall.title'), name: 'user_id', type: 'select', required: true, options: people() });
    const fallback = field({ label: t('oncall.fallback'), name: 'fallback_id', type: 'select',
      options: [['', t('oncall.none_opt')], ...people()], hint: t('oncall.fallback_hint') });
    const sup = field({ label: t('oncall.supervisor'), name: 'supervisor_id', type: 'select', required: true,
      options: users.filter((u) => u.role === 'supervisor').map((u) => [String(u.id), `${u.display_name} (${u.username})`]),
      value: String(me.id) });
    const starts = field({ label: t('oncall.from'), name: 'starts_at', type: 'datetime-local', required: true, value: toLocalInput(Date.now()) });
    const ends = field({ label: t('oncall.until'), name: 'ends_at', type: 'datetime-local', required: true, value: toLocalInput(Date.now() + 12 * HOUR) });
    const area = field({ label: t('oncall.cols'), name: 'area', type: 'select', mark: false,
      options: [['', t('oncall.all_areas')], ...areaOptions(areas)], hint: t('oncall.area_hint') });
    shiftForm = h('form', { class: 'card', novalidate: true }, formStatus(), onCall.wrap, fallback.wrap, sup.wrap,
      starts.wrap, ends.wrap, area.wrap, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('oncall.add'))));
    shiftForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearMessages(shiftForm);
      const body = { user_id: Number(onCall.input.value), supervisor_id: Number(sup.input.value),
        starts_at: fromLocalInput(starts.input.value), ends_at: fromLocalInput(ends.input.value) };
      if (fallback.input.value) body.fallback_id = Number(fallback.input.value);
      if (area.input.value) body.area = area.input.value;
      try {
        const r = await post(base, body);
        setStatus(shiftForm, t('oncall.added', { name: r.data.on_call.name }), 'ok');
        if (r.data.warnings?.length) showWarnings(shiftForm, r.data.warnings);
        await refresh();
      } catch (e) { showProblem(shiftForm, e); }
    });
  }

  // how I am paged
  const ch = (await get(`/api/v1/users/${me.id}/channels`)).data;
  const email = field({ label: t('oncall.email'), name: 'email', type: 'email', value: ch.email ?? '',
    attrs: { autocomplete: 'email' } });
  const hook = field({ label: t('oncall.webhook'), name: 'webhook_url', type: 'url', value: ch.webhook_url ?? '',
    hint: t('oncall.webhook_hint') });
  const secret = field({ label: t('oncall.secret'), name: 'webhook_secret', type: 'password',
    hint: ch.webhook_secret_set ? t('oncall.secret_set') : t('oncall.secret_hint'),
    attrs: { autocomplete: 'off' } });
  const chForm = h('form', { class: 'card', novalidate: true }, formStatus(), email.wrap, hook.wrap, secret.wrap,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('oncall.save'))));
  chForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(chForm);
    const body = { email: email.input.value.trim() || null, webhook_url: hook.input.value.trim() || null };
    if (secret.input.value) body.webhook_secret = secret.input.value;
    try {
      await put(`/api/v1/users/${me.id}/channels`, body);
      secret.input.value = '';
      setStatus(chForm, t('oncall.saved'), 'ok');
    } catch (e) { showProblem(chForm, e); }
  });

  // accounts made, tokens made and passwords reset by someone else (GET /api/v1/notices)
  const notices = (await get('/api/v1/notices?limit=20')).data.items ?? [];
  const noticeList = notices.length
    ? h('ul', { class: 'notices' }, notices.map((n) => h('li', {},
      h('strong', {}, `${n.subject.name} (${n.subject.username})`), ': ', serverWords(n.detail),
      typeof n.by === 'object' ? ` (${n.by.name ?? t('oncall.someone')})` : '', ' · ', fmtTime(n.at))))
    : h('p', { class: 'muted' }, t('oncall.no_notices'));

  if (!ctx.current()) return;
  fill(main,
    h('h1', {}, t('oncall.title')),
    h('p', { class: 'lead' }, t('oncall.lead', { agency: me.agency.name })),
    h('h2', {}, t('oncall.shifts')), table,
    shiftForm && h('details', { class: 'add' }, h('summary', {}, t('oncall.add_a')), shiftForm),
    h('h2', {}, t('oncall.how')), chForm,
    h('h2', {}, supervisor ? t('oncall.notices_agency') : t('oncall.notices_mine')),
    h('p', { class: 'muted' }, t('oncall.notices_lead')),
    noticeList);
  paint();
}
