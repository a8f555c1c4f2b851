// Admin: agencies and users (list, add, disable and enable, password reset, a lost second
// factor reset).
// Admins manage accounts only; they see no case content.
import { ApiError, del, get, post } from '../api.js';
import { announce, clearMessages, field, formStatus, h, KIND, setStatus, showProblem, fill, stack } from '../dom.js';

const ROLES = [['member', 'Member'], ['supervisor', 'Supervisor'], ['analyst', 'Analyst (aggregate reports only)'],
  ['admin', 'Admin (accounts only)']];

export async function render(main, ctx) {
  ctx.title('Admin');
  if (!ctx.caps.admin) {
    fill(main, h('h1', {}, 'Admin'), h('p', {}, 'Only admins manage agencies and users.'));
    return;
  }
  let agencies = [], users = [];
  const agencyTable = h('div', { class: 'table-wrap' });
  const userTable = h('div', { class: 'table-wrap' });

  async function load() {
    const [a, u] = await Promise.all([get('/api/v1/agencies'), get('/api/v1/users')]);
    agencies = a.data.items ?? [];
    users = u.data.items ?? [];
  }

  function toggle(kind, item) {
    const b = h('button', { type: 'button', class: 'secondary' }, item.disabled ? 'Enable' : 'Disable',
      h('span', { class: 'visually-hidden' }, ` ${item.name ?? item.username}`));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await post(`/api/v1/${kind}/${item.id}/${item.disabled ? 'enable' : 'disable'}`, {});
        announce(`${item.name ?? item.username} ${item.disabled ? 'enabled' : 'disabled'}.`);
        await refresh();
      } catch (e) {
        b.disabled = false;
        if (!(e instanceof ApiError && e.status === 401)) announce(e.message);
        b.after(h('span', { class: 'msg error', role: 'alert' }, e.message));
      }
    });
    return b;
  }

  // a lost authenticator app: removed, the person sets up a new one at the next sign-in
  function factorControl(u) {
    if (!u.second_factor) return null;
    const b = h('button', { type: 'button', class: 'secondary' }, 'Reset second factor',
      h('span', { class: 'visually-hidden' }, ` for ${u.username}`));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await del(`/api/v1/users/${u.id}/totp`);
        announce(`Second factor reset for ${u.username}; their agency's supervisors are told.`);
        await refresh();
      } catch (e) {
        b.disabled = false;
        b.after(h('span', { class: 'msg error', role: 'alert' }, e.message));
      }
    });
    return b;
  }

  function resetControl(u) {
    const open = h('button', { type: 'button', class: 'secondary' }, 'Reset password',
      h('span', { class: 'visually-hidden' }, ` for ${u.username}`));
    const pw = field({ label: `New password for ${u.username}`, name: 'password', type: 'password', required: true,
      attrs: { autocomplete: 'new-password' } });
    const ok = h('button', { type: 'submit', class: 'primary' }, 'Set password');
    const form = h('form', { class: 'inline-form', hidden: true, novalidate: true }, formStatus(), pw.wrap, ok);
    open.addEventListener('click', () => { form.hidden = false; open.hidden = true; pw.input.focus(); });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearMessages(form);
      ok.disabled = true;
      try {
        await post(`/api/v1/users/${u.id}/password`, { password: pw.input.value });
        pw.input.value = '';
        form.hidden = true;
        open.hidden = false;
        open.focus();
        announce(`Password reset for ${u.username}.`);
      } catch (e) {
        showProblem(form, e);
      } finally {
        ok.disabled = false;
      }
    });
    return h('div', {}, open, form);
  }

  function paint() {
    fill(agencyTable, stack(h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Agencies'),
      h('thead', {}, h('tr', {}, ['Name', 'Kind', 'Home area', 'Areas', 'Status', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, agencies.map((a) => h('tr', { class: a.disabled ? 'muted' : '' },
        h('th', { scope: 'row' }, a.name), h('td', {}, KIND[a.kind] ?? a.kind), h('td', {}, a.home_area ?? '—'),
        h('td', {}, (a.areas ?? []).join(', ') || '—'), h('td', {}, a.disabled ? 'Disabled' : 'Active'),
        h('td', {}, toggle('agencies', a))))))));
    fill(userTable, stack(h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Users'),
      h('thead', {}, h('tr', {}, ['Username', 'Name', 'Agency', 'Role', 'Status', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, users.map((u) => h('tr', { class: u.disabled ? 'muted' : '', dataset: { user: u.username } },
        h('th', { scope: 'row' }, u.username), h('td', {}, u.display_name), h('td', {}, u.agency?.name ?? ''),
        h('td', {}, u.role), h('td', {}, u.disabled ? 'Disabled' : 'Active'),
        h('td', { class: 'row-actions' }, toggle('users', u), resetControl(u), factorControl(u))))))));
    fill(agencySelect, ...agencies.filter((a) => !a.disabled).map((a) => h('option', { value: String(a.id) }, a.name)));
  }

  async function refresh() {
    await load();
    if (ctx.current()) paint();
  }

  // add an agency
  const aName = field({ label: 'Name', name: 'name', required: true });
  const aKind = field({ label: 'Kind', name: 'kind', type: 'select', required: true, options: Object.entries(KIND) });
  const aHome = field({ label: 'Home area', name: 'home_area', hint: 'The area its identifications are routed by, e.g. compton.' });
  const aAreas = field({ label: 'Areas served', name: 'areas', hint: 'Comma-separated area codes, or * for all.' });
  const aForm = h('form', { class: 'card', novalidate: true }, formStatus(), aName.wrap, aKind.wrap, aHome.wrap, aAreas.wrap,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add agency')));
  aForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(aForm);
    const body = { name: aName.input.value.trim(), kind: aKind.input.value };
    if (aHome.input.value.trim()) body.home_area = aHome.input.value.trim();
    const areas = aAreas.input.value.split(',').map((s) => s.trim()).filter(Boolean);
    if (areas.length) body.areas = areas;
    try {
      await post('/api/v1/agencies', body);
      for (const f of [aName, aHome, aAreas]) f.input.value = '';
      setStatus(aForm, `Added agency ${body.name}.`, 'ok');
      await refresh();
    } catch (e) { showProblem(aForm, e); }
  });

  // add a user
  const agencySelect = h('select', { id: 'new-user-agency', name: 'agency_id', required: true });
  const uAgency = { wrap: h('div', { class: 'field', dataset: { field: 'agency_id' } },
    h('label', { for: 'new-user-agency' }, 'Agency'), agencySelect, h('p', { class: 'msg', hidden: true })) };
  const uName = field({ label: 'Username', name: 'username', required: true, hint: 'Lowercase letters, digits, . _ -',
    attrs: { autocapitalize: 'none', spellcheck: 'false', autocomplete: 'off' } });
  const uDisplay = field({ label: 'Display name', name: 'display_name', required: true });
  const uContact = field({ label: 'Contact', name: 'contact', hint: 'Work phone or e-mail for on-call paging.' });
  const uRole = field({ label: 'Role', name: 'role', type: 'select', required: true, options: ROLES });
  const uPass = field({ label: 'Initial password', name: 'password', type: 'password', required: true,
    attrs: { autocomplete: 'new-password' } });
  const uForm = h('form', { class: 'card', novalidate: true }, formStatus(), uAgency.wrap, uName.wrap, uDisplay.wrap,
    uContact.wrap, uRole.wrap, uPass.wrap, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add user')));
  uForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(uForm);
    const body = { agency_id: Number(agencySelect.value), username: uName.input.value.trim(),
      display_name: uDisplay.input.value.trim(), role: uRole.input.value, password: uPass.input.value };
    if (uContact.input.value.trim()) body.contact = uContact.input.value.trim();
    try {
      await post('/api/v1/users', body);
      for (const f of [uName, uDisplay, uContact, uPass]) f.input.value = '';
      setStatus(uForm, `Added user ${body.username}.`, 'ok');
      await refresh();
    } catch (e) { showProblem(uForm, e); }
  });

  await load();
  if (!ctx.current()) return;
  fill(main,
    h('h1', {}, 'Admin'),
    h('p', { class: 'lead' }, 'Agencies and user accounts. Every change is audited.'),
    h('h2', {}, 'Agencies'), agencyTable,
    h('details', { class: 'add' }, h('summary', {}, 'Add an agency'), aForm),
    h('h2', {}, 'Users'), userTable,
    h('details', { class: 'add' }, h('summary', {}, 'Add a user'), uForm));
  paint();
}
