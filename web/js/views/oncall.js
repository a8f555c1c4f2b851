// On call: who in my agency is summoned when a youth is identified, by shift, with a
// fallback and a supervisor (docs/notifications.md). Every member sees the shifts and
// sets how they are paged; supervisors add and end shifts. Below, the account notices:
// what others did to the agency's accounts (a supervisor's view) or to mine.
import { ApiError, del, get, post, put } from '../api.js';
import { announce, clearMessages, field, fill, fmtTime, formStatus, fromLocalInput, h, setStatus,
  showProblem, showWarnings, stack, toLocalInput } from '../dom.js';
import { areaOptions } from '../filters.js';

const HOUR = 3600000;

export async function render(main, ctx) {
  ctx.title('On call');
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
    const b = h('button', { type: 'button', class: 'secondary' }, 'End shift',
      h('span', { class: 'visually-hidden' }, ` of ${s.on_call.name}`));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await del(`${base}/${s.id}`);
        announce(`Ended the shift of ${s.on_call.name}.`);
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
      fill(table, h('p', { class: 'muted' }, 'No shifts now or ahead: a new identification summons nobody in this agency.'));
      return;
    }
    const cols = ['Area', 'From', 'Until', 'On call', 'Fallback', 'Supervisor', 'Now', supervisor ? '' : null].filter((c) => c !== null);
    fill(table, stack(h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Shifts now and ahead'),
      h('thead', {}, h('tr', {}, cols.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, shifts.map((s) => h('tr', { dataset: { shift: String(s.id) } },
        h('td', {}, s.area === '*' ? 'All areas' : s.area),
        h('td', {}, fmtTime(s.starts_at)), h('td', {}, fmtTime(s.ends_at)),
        h('th', { scope: 'row' }, s.on_call.name), h('td', {}, s.fallback?.name ?? '—'), h('td', {}, s.supervisor.name),
        h('td', {}, s.in_force ? h('strong', {}, 'In force') : 'Ahead'),
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
    const onCall = field({ label: 'On call', name: 'user_id', type: 'select', required: true, options: people() });
    const fallback = field({ label: 'Fallback', name: 'fallback_id', type: 'select',
      options: [['', 'None'], ...people()], hint: 'Summoned when the person on call does not acknowledge in time.' });
    const sup = field({ label: 'Supervisor', name: 'supervisor_id', type: 'select', required: true,
      options: users.filter((u) => u.role === 'supervisor').map((u) => [String(u.id), `${u.display_name} (${u.username})`]),
      value: String(me.id) });
    const starts = field({ label: 'From', name: 'starts_at', type: 'datetime-local', required: true, value: toLocalInput(Date.now()) });
    const ends = field({ label: 'Until', name: 'ends_at', type: 'datetime-local', required: true, value: toLocalInput(Date.now() + 12 * HOUR) });
    const area = field({ label: 'Area', name: 'area', type: 'select', mark: false,
      options: [['', 'All areas'], ...areaOptions(areas)], hint: 'A shift covers one area, or all of them.' });
    shiftForm = h('form', { class: 'card', novalidate: true }, formStatus(), onCall.wrap, fallback.wrap, sup.wrap,
      starts.wrap, ends.wrap, area.wrap, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add shift')));
    shiftForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearMessages(shiftForm);
      const body = { user_id: Number(onCall.input.value), supervisor_id: Number(sup.input.value),
        starts_at: fromLocalInput(starts.input.value), ends_at: fromLocalInput(ends.input.value) };
      if (fallback.input.value) body.fallback_id = Number(fallback.input.value);
      if (area.input.value) body.area = area.input.value;
      try {
        const r = await post(base, body);
        setStatus(shiftForm, `Added the shift of ${r.data.on_call.name}.`, 'ok');
        if (r.data.warnings?.length) showWarnings(shiftForm, r.data.warnings);
        await refresh();
      } catch (e) { showProblem(shiftForm, e); }
    });
  }

  // how I am paged
  const ch = (await get(`/api/v1/users/${me.id}/channels`)).data;
  const email = field({ label: 'E-mail', name: 'email', type: 'email', value: ch.email ?? '',
    attrs: { autocomplete: 'email' } });
  const hook = field({ label: 'Webhook URL', name: 'webhook_url', type: 'url', value: ch.webhook_url ?? '',
    hint: "Your county's paging or SMS gateway (https)." });
  const secret = field({ label: 'Webhook secret', name: 'webhook_secret', type: 'password',
    hint: ch.webhook_secret_set ? 'A secret is set; leave empty to keep it.' : '16 to 256 characters; the gateway checks the signature with it.',
    attrs: { autocomplete: 'off' } });
  const chForm = h('form', { class: 'card', novalidate: true }, formStatus(), email.wrap, hook.wrap, secret.wrap,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save how I am paged')));
  chForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(chForm);
    const body = { email: email.input.value.trim() || null, webhook_url: hook.input.value.trim() || null };
    if (secret.input.value) body.webhook_secret = secret.input.value;
    try {
      await put(`/api/v1/users/${me.id}/channels`, body);
      secret.input.value = '';
      setStatus(chForm, 'Saved. Summonses reach you there from now on.', 'ok');
    } catch (e) { showProblem(chForm, e); }
  });

  // accounts made, tokens made and passwords reset by someone else (GET /api/v1/notices)
  const notices = (await get('/api/v1/notices?limit=20')).data.items ?? [];
  const noticeList = notices.length
    ? h('ul', { class: 'notices' }, notices.map((n) => h('li', {},
      h('strong', {}, `${n.subject.name} (${n.subject.username})`), `: ${n.detail}`,
      typeof n.by === 'object' ? ` (${n.by.name ?? 'someone'})` : '', ' · ', fmtTime(n.at))))
    : h('p', { class: 'muted' }, 'None.');

  if (!ctx.current()) return;
  fill(main,
    h('h1', {}, 'On call'),
    h('p', { class: 'lead' }, `${me.agency.name}: who is summoned when a youth is identified. Unacknowledged summonses go to the fallback, then the supervisor.`),
    h('h2', {}, 'Shifts now and ahead'), table,
    shiftForm && h('details', { class: 'add' }, h('summary', {}, 'Add a shift'), shiftForm),
    h('h2', {}, 'How I am paged'), chForm,
    h('h2', {}, supervisor ? 'Account notices of the agency' : 'Notices about my account'),
    h('p', { class: 'muted' }, 'Supervisor and admin accounts made, bearer tokens made and passwords reset by someone else.'),
    noticeList);
  paint();
}
