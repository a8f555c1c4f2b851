// Admin: agencies and users (list, add, change, disable and enable, password reset, a lost
// second factor reset). Disabling an agency is confirmed first: its people can no longer
// sign in. Areas are chosen from the county's areas (or a new one typed).
// Admins manage accounts only; they see no case content.
import { ApiError, del, get, patch, post } from '../api.js';
import { announce, clearMessages, field, formStatus, h, KIND, setStatus, showProblem, fill, stack } from '../dom.js';
import { t, word } from '../i18n.js';

const ROLES = () => ['member', 'supervisor', 'analyst', 'admin'].map((r) => [r, t(`admin.role.${r}`)]);

export async function render(main, ctx) {
  ctx.title(t('admin.title'));
  if (!ctx.caps.admin) {
    fill(main, h('h1', {}, t('admin.title')), h('p', {}, t('admin.only')));
    return;
  }
  let agencies = [], users = [], countyAreas = [];
  const agencyTable = h('div', { class: 'table-wrap' });
  const userTable = h('div', { class: 'table-wrap' });

  async function load() {
    const [a, u] = await Promise.all([get('/api/v1/agencies'), get('/api/v1/users')]);
    agencies = a.data.items ?? [];
    countyAreas = a.data.areas ?? [];
    users = u.data.items ?? [];
  }

  async function setDisabled(kind, item, b) {
    b.disabled = true;
    try {
      await post(`/api/v1/${kind}/${item.id}/${item.disabled ? 'enable' : 'disable'}`, {});
      announce(t('admin.toggled', { name: item.name ?? item.username, state: item.disabled ? t('admin.enabled') : t('admin.disabled_word') }));
      await refresh();
    } catch (e) {
      b.disabled = false;
      if (!(e instanceof ApiError && e.status === 401)) announce(e.message);
      b.after(h('span', { class: 'msg error', role: 'alert' }, e.message));
    }
  }

  function toggle(kind, item) {
    const name = item.name ?? item.username;
    const b = h('button', { type: 'button', class: 'secondary' }, item.disabled ? t('admin.enable') : t('admin.disable'),
      h('span', { class: 'visually-hidden' }, ` ${name}`));
    if (kind !== 'agencies' || item.disabled) {
      b.addEventListener('click', () => setDisabled(kind, item, b));
      return b;
    }
    // an agency: everyone in it stops at once, so say so and ask first
    const people = users.filter((u) => u.agency?.id === item.id && !u.disabled).length;
    const yes = h('button', { type: 'button', class: 'primary danger' }, t('admin.disable_name', { name }));
    const no = h('button', { type: 'button', class: 'secondary' }, t('admin.cancel'));
    const ask = h('div', { class: 'confirm', role: 'group', 'aria-label': t('admin.disable_q', { name }), hidden: true },
      h('p', {}, t('admin.disable_warn', { name, people: t('admin.people', { n: people }) }),
        t('admin.disable_more')),
      h('div', { class: 'actions' }, yes, no));
    b.setAttribute('aria-expanded', 'false');
    b.addEventListener('click', () => { ask.hidden = false; b.hidden = true; b.setAttribute('aria-expanded', 'true'); no.focus(); });
    no.addEventListener('click', () => { ask.hidden = true; b.hidden = false; b.setAttribute('aria-expanded', 'false'); b.focus(); });
    yes.addEventListener('click', () => setDisabled(kind, item, yes));
    return h('div', {}, b, ask);
  }

  // the areas an agency serves: the county's areas to tick, all of them, or new ones typed
  function areasPicker(selected = []) {
    const all = field({ label: t('admin.every_area'), name: 'area_choice', type: 'checkbox', value: selected.includes('*') });
    const boxes = countyAreas.map((a) => field({ label: a.replace(/_/g, ' '), name: 'area_choice', type: 'checkbox',
      value: selected.includes(a), attrs: { value: a } }));
    const known = new Set(['*', ...countyAreas]);
    const other = field({ label: t('admin.other_areas'), name: 'areas_new', mark: false,
      value: selected.filter((a) => !known.has(a)).join(', '),
      hint: t('admin.other_hint'),
      attrs: { autocapitalize: 'none', spellcheck: 'false' } });
    const wrap = h('fieldset', { class: 'field area-picker', dataset: { field: 'areas' } },
      h('legend', {}, t('admin.areas_served')), h('p', { class: 'msg', hidden: true }),
      h('div', { class: 'area-boxes' }, all.wrap, boxes.map((x) => x.wrap)), other.wrap);
    return {
      wrap,
      value: () => [...(all.input.checked ? ['*'] : []), ...boxes.filter((x) => x.input.checked).map((x) => x.input.value),
        ...other.input.value.split(',').map((x) => x.trim()).filter(Boolean)],
    };
  }

  // the home area: one of the county's areas, or a new one typed (a list to choose from)
  function homeField(value) {
    const id = `areas-${Math.random().toString(36).slice(2)}`;
    const f = field({ label: t('admin.home_area'), name: 'home_area', value: value ?? '', mark: false,
      hint: t('admin.home_hint'),
      attrs: { list: id, autocapitalize: 'none', spellcheck: 'false' } });
    f.wrap.append(h('datalist', { id }, countyAreas.map((a) => h('option', { value: a }))));
    return f;
  }

  // an inline form under a row, opened by its "Change" button
  function changeControl(label, build) {
    const open = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false' }, t('admin.change'),
      h('span', { class: 'visually-hidden' }, ` ${label}`));
    const box = h('div', { class: 'inline-form', hidden: true });
    const close = () => { box.hidden = true; open.hidden = false; open.setAttribute('aria-expanded', 'false'); open.focus(); };
    open.addEventListener('click', () => {
      fill(box, build(close));
      box.hidden = false;
      open.hidden = true;
      open.setAttribute('aria-expanded', 'true');
      box.querySelector('input, select')?.focus();
    });
    return h('div', {}, open, box);
  }

  function agencyForm(a, close) {
    const name = field({ label: t('admin.name'), name: 'name', required: true, value: a.name });
    const home = homeField(a.home_area);
    const areas = areasPicker(a.areas ?? []);
    const save = h('button', { type: 'submit', class: 'primary' }, t('admin.save'));
    const cancel = h('button', { type: 'button', class: 'secondary' }, t('admin.cancel'));
    cancel.addEventListener('click', close);
    const form = h('form', { class: 'card', novalidate: true, 'aria-label': t('admin.change_name', { name: a.name }) }, formStatus(),
      h('p', { class: 'hint' }, t('admin.kind_never', { kind: KIND[a.kind] ?? a.kind })),
      name.wrap, home.wrap, areas.wrap, h('div', { class: 'actions' }, save, cancel));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearMessages(form);
      save.disabled = true;
      try {
        await patch(`/api/v1/agencies/${a.id}`, { name: name.input.value.trim(), home_area: home.input.value.trim() || null,
          areas: areas.value() });
        announce(t('admin.agency_changed', { name: name.input.value.trim() }));
        await refresh();
      } catch (e) {
        showProblem(form, e);
        save.disabled = false;
      }
    });
    return form;
  }

  function userForm(u, close) {
    const name = field({ label: t('admin.display'), name: 'display_name', required: true, value: u.display_name });
    const contact = field({ label: t('admin.contact'), name: 'contact', value: u.contact ?? '', hint: t('admin.contact_hint') });
    const role = field({ label: t('admin.role'), name: 'role', type: 'select', required: true, options: ROLES(), value: u.role });
    const agency = field({ label: t('admin.agency'), name: 'agency_id', type: 'select', required: true, value: String(u.agency?.id ?? ''),
      options: agencies.filter((a) => !a.disabled || a.id === u.agency?.id).map((a) => [String(a.id), a.name]),
      hint: t('admin.agency_hint') });
    const save = h('button', { type: 'submit', class: 'primary' }, t('admin.save'));
    const cancel = h('button', { type: 'button', class: 'secondary' }, t('admin.cancel'));
    cancel.addEventListener('click', close);
    const form = h('form', { class: 'card', novalidate: true, 'aria-label': t('admin.change_user', { name: u.username }) }, formStatus(),
      name.wrap, contact.wrap, role.wrap, agency.wrap, h('div', { class: 'actions' }, save, cancel));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearMessages(form);
      // only what changed: an unchanged role or agency ends nobody's session
      const body = {};
      if (name.input.value.trim() !== u.display_name) body.display_name = name.input.value.trim();
      if (contact.input.value.trim() !== (u.contact ?? '')) body.contact = contact.input.value.trim() || null;
      if (role.input.value !== u.role) body.role = role.input.value;
      if (Number(agency.input.value) !== u.agency?.id) body.agency_id = Number(agency.input.value);
      if (!Object.keys(body).length) { setStatus(form, t('admin.nothing'), 'info'); return; }
      save.disabled = true;
      try {
        await patch(`/api/v1/users/${u.id}`, body);
        announce(t('admin.user_changed', { name: u.username }));
        await refresh();
      } catch (e) {
        showProblem(form, e);
        save.disabled = false;
      }
    });
    return form;
  }

  // a lost authenticator app: removed, the person sets up a new one at the next sign-in
  function factorControl(u) {
    if (!u.second_factor) return null;
    const b = h('button', { type: 'button', class: 'secondary' }, t('admin.reset_factor'),
      h('span', { class: 'visually-hidden' }, t('admin.for', { name: u.username })));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await del(`/api/v1/users/${u.id}/totp`);
        announce(t('admin.factor_reset', { name: u.username }));
        await refresh();
      } catch (e) {
        b.disabled = false;
        b.after(h('span', { class: 'msg error', role: 'alert' }, e.message));
      }
    });
    return b;
  }

  function resetControl(u) {
    const open = h('button', { type: 'button', class: 'secondary' }, t('admin.reset_password'),
      h('span', { class: 'visually-hidden' }, t('admin.for', { name: u.username })));
    const pw = field({ label: t('admin.new_password', { name: u.username }), name: 'password', type: 'password', required: true,
      attrs: { autocomplete: 'new-password' } });
    const ok = h('button', { type: 'submit', class: 'primary' }, t('admin.set_password'));
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
        announce(t('admin.password_reset', { name: u.username }));
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
      h('caption', { class: 'visually-hidden' }, t('admin.agencies')),
      h('thead', {}, h('tr', {}, [t('admin.name'), t('admin.kind'), t('admin.home_area'), t('admin.areas'), t('admin.status'), ''].map((label) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, agencies.map((a) => h('tr', { class: a.disabled ? 'muted' : '' },
        h('th', { scope: 'row' }, a.name), h('td', {}, KIND[a.kind] ?? a.kind), h('td', {}, a.home_area ?? '—'),
        h('td', {}, (a.areas ?? []).join(', ') || '—'), h('td', {}, a.disabled ? t('admin.disabled') : t('admin.active')),
        h('td', { class: 'row-actions' }, toggle('agencies', a), changeControl(a.name, (close) => agencyForm(a, close)))))))));
    fill(userTable, stack(h('table', {},
      h('caption', { class: 'visually-hidden' }, t('admin.users')),
      h('thead', {}, h('tr', {}, [t('admin.username'), t('admin.name'), t('admin.agency'), t('admin.role'), t('admin.status'), ''].map((label) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, users.map((u) => h('tr', { class: u.disabled ? 'muted' : '', dataset: { user: u.username } },
        h('th', { scope: 'row' }, u.username), h('td', {}, u.display_name), h('td', {}, u.agency?.name ?? ''),
        h('td', {}, word('role', u.role)), h('td', {}, u.disabled ? t('admin.disabled') : t('admin.active')),
        h('td', { class: 'row-actions' }, toggle('users', u), changeControl(u.username, (close) => userForm(u, close)),
          resetControl(u), factorControl(u))))))));
    fill(agencySelect, ...agencies.filter((a) => !a.disabled).map((a) => h('option', { value: String(a.id) }, a.name)));
  }

  async function refresh() {
    await load();
    if (ctx.current()) { paint(); areaFields(); }
  }

  // add an agency
  const aName = field({ label: t('admin.name'), name: 'name', required: true });
  const aKind = field({ label: t('admin.kind'), name: 'kind', type: 'select', required: true, options: Object.entries(KIND) });
  const aBox = h('div');
  const aStatus = formStatus();
  let aHome, aAreas;
  const aForm = h('form', { class: 'card', novalidate: true }, aStatus, aName.wrap, aKind.wrap, aBox,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('admin.add_agency'))));
  // the area fields are made again after each load: the county's areas may have grown
  const areaFields = () => {
    aHome = homeField('');
    aAreas = areasPicker([]);
    fill(aBox, aHome.wrap, aAreas.wrap);
  };
  aForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(aForm);
    const body = { name: aName.input.value.trim(), kind: aKind.input.value };
    if (aHome.input.value.trim()) body.home_area = aHome.input.value.trim();
    const areas = aAreas.value();
    if (areas.length) body.areas = areas;
    try {
      await post('/api/v1/agencies', body);
      aName.input.value = '';
      await refresh();
      setStatus(aForm, t('admin.added_agency', { name: body.name }), 'ok');
    } catch (e) { showProblem(aForm, e); }
  });

  // add a user
  const agencySelect = h('select', { id: 'new-user-agency', name: 'agency_id', required: true });
  const uAgency = { wrap: h('div', { class: 'field', dataset: { field: 'agency_id' } },
    h('label', { for: 'new-user-agency' }, t('admin.agency')), agencySelect, h('p', { class: 'msg', hidden: true })) };
  const uName = field({ label: t('admin.username'), name: 'username', required: true, hint: t('admin.username_hint'),
    attrs: { autocapitalize: 'none', spellcheck: 'false', autocomplete: 'off' } });
  const uDisplay = field({ label: t('admin.display'), name: 'display_name', required: true });
  const uContact = field({ label: t('admin.contact'), name: 'contact', hint: t('admin.contact_hint2') });
  const uRole = field({ label: t('admin.role'), name: 'role', type: 'select', required: true, options: ROLES() });
  const uPass = field({ label: t('admin.initial'), name: 'password', type: 'password', required: true,
    attrs: { autocomplete: 'new-password' } });
  const uForm = h('form', { class: 'card', novalidate: true }, formStatus(), uAgency.wrap, uName.wrap, uDisplay.wrap,
    uContact.wrap, uRole.wrap, uPass.wrap, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('admin.add_user'))));
  uForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(uForm);
    const body = { agency_id: Number(agencySelect.value), username: uName.input.value.trim(),
      display_name: uDisplay.input.value.trim(), role: uRole.input.value, password: uPass.input.value };
    if (uContact.input.value.trim()) body.contact = uContact.input.value.trim();
    try {
      await post('/api/v1/users', body);
      for (const f of [uName, uDisplay, uContact, uPass]) f.input.value = '';
      setStatus(uForm, t('admin.added_user', { name: body.username }), 'ok');
      await refresh();
    } catch (e) { showProblem(uForm, e); }
  });

  await load();
  if (!ctx.current()) return;
  fill(main,
    h('h1', {}, t('admin.title')),
    h('p', { class: 'lead' }, t('admin.lead')),
    h('h2', {}, t('admin.agencies')), agencyTable,
    h('details', { class: 'add' }, h('summary', {}, t('admin.add_an_agency')), aForm),
    h('h2', {}, t('admin.users')), userTable,
    h('details', { class: 'add' }, h('summary', {}, t('admin.add_a_user')), uForm));
  paint();
  areaFields();
}
