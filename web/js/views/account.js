// Your account: change your password, your second factor (set up an authenticator app;
// how many recovery codes are left), and the link that shows your agenda in a calendar app.
import { del, get, post, put, setCsrf } from '../api.js';
import { setSessionLimits } from '../auth.js';
import { renderEnrol } from '../factor.js';
import { announce, clearMessages, field, fmtTime, formStatus, h, setStatus, showProblem, fill } from '../dom.js';
import { language, t, word } from '../i18n.js';

// The language of the app, and of the e-mails and webhooks sent to the person: the
// `language` preference (PUT /api/v1/me/preferences/language).
function languageCard(ctx) {
  const pick = field({ label: t('account.language'), name: 'language', type: 'select', value: language(),
    options: [['en', 'English'], ['es', 'Español']], mark: false });
  for (const o of pick.input.options) o.lang = o.value;
  const form = h('form', { class: 'card', novalidate: true }, formStatus(), pick.wrap);
  pick.input.addEventListener('change', async () => {
    clearMessages(form);
    try {
      await put('/api/v1/me/preferences/language', { language: pick.input.value });
      await ctx.useLanguage(pick.input.value);
    } catch (e) {
      showProblem(form, e);
    }
  });
  return form;
}

export async function render(main, ctx) {
  ctx.title(t('account.title'));
  const { data: me } = await get('/api/v1/me');
  if (!ctx.current()) return;
  const f = me.second_factor;

  const old = field({ label: t('account.current'), name: 'old_password', type: 'password', required: true,
    attrs: { autocomplete: 'current-password' } });
  const pw = field({ label: t('account.new'), name: 'password', type: 'password', required: true,
    hint: t('account.pw_hint'),
    attrs: { autocomplete: 'new-password' } });
  const save = h('button', { type: 'submit', class: 'primary' }, t('account.change'));
  const form = h('form', { class: 'card', novalidate: true }, formStatus(), old.wrap, pw.wrap,
    h('div', { class: 'actions' }, save));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    save.disabled = true;
    try {
      const { data } = await post('/api/v1/me/password', { old_password: old.input.value, password: pw.input.value });
      setCsrf(data.csrf_token);
      setSessionLimits(data.session);
      old.input.value = '';
      pw.input.value = '';
      setStatus(form, t('account.changed_long'), 'ok');
      calendar?.reload();
      announce(t('account.changed'));
    } catch (e) {
      showProblem(form, e);
    } finally {
      save.disabled = false;
    }
  });

  const factor = h('div', { class: 'card' });
  if (f.enrolled) {
    fill(factor, h('p', {}, t('account.app_gives'),
      t('account.codes_left', { n: f.recovery_codes_left })),
    h('p', { class: 'hint' }, t('account.lost')));
  } else {
    // the password again: a session left open must not tie the account to someone else's phone
    const again = me.session?.method === 'oidc' ? null : field({ label: t('account.your_password'), name: 'password',
      type: 'password', required: true, attrs: { autocomplete: 'current-password' } });
    const start = h('button', { type: 'submit', class: 'primary' }, t('account.setup'));
    const setup = h('form', { class: 'factor-setup', novalidate: true }, formStatus(), again?.wrap, h('div', { class: 'actions' }, start));
    setup.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearMessages(setup);
      start.disabled = true;
      try {
        await renderEnrol(main, t('account.setup_why'),
          () => ctx.navigate('/account', { replace: true }), () => ctx.navigate('/account', { replace: true }),
          again ? { password: again.input.value } : {});
      } catch (e) {
        start.disabled = false;
        showProblem(setup, e);
      }
    });
    fill(factor, h('p', {}, f.required ? t('account.needs_app') : t('account.no_app')), setup);
  }

  const staff = me.user.role === 'member' || me.user.role === 'supervisor';
  const calendar = staff ? await calendarCard() : null;
  if (!ctx.current()) return;
  fill(main, h('h1', {}, t('account.title')),
    h('p', { class: 'lead' }, t('account.lead', { name: me.user.display_name, username: me.user.username, role: word('role', me.user.role), agency: me.user.agency.name })),
    h('h2', {}, t('account.language')), languageCard(ctx),
    h('h2', {}, t('account.second')), factor,
    me.session?.method === 'oidc' ? null : [h('h2', {}, t('account.password')), form],
    calendar ? [h('h2', { id: 'calendar' }, t('account.calendar')), calendar] : null);
  if (location.hash === '#calendar') document.getElementById('calendar')?.scrollIntoView();
}

// The calendar link (GET|POST|DELETE /api/v1/me/calendar): made anew (the old one stops),
// shown once, ended.
async function calendarCard() {
  const card = h('div', { class: 'card calendar-link' });
  const mine = field({ label: t('account.mine'), name: 'mine', type: 'checkbox' });
  const make = h('button', { type: 'submit', class: 'primary' });
  const end = h('button', { type: 'button', class: 'secondary' }, t('account.end'));
  const state = h('p', { role: 'status' });
  const shown = h('div');
  const form = h('form', { novalidate: true }, formStatus(), mine.wrap, h('div', { class: 'actions' }, make, end));

  function paint(f) {
    state.textContent = f.active
      ? t('account.state', { when: fmtTime(f.created_at), mine: f.mine ? t('account.state_mine') : '',
        read: f.used_at ? t('account.read', { when: fmtTime(f.used_at) }) : t('account.unread') })
      : t('account.no_link');
    make.textContent = f.active ? t('account.make_new') : t('account.make');
    end.hidden = !f.active;
    mine.input.checked = !!f.mine;
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    make.disabled = true;
    try {
      const { data } = await post('/api/v1/me/calendar', { mine: mine.input.checked });
      const url = field({ label: t('account.your_link'), name: 'calendar_url', value: data.url,
        mark: false, hint: t('account.link_hint'),
        attrs: { readOnly: true } });
      const copy = h('button', { type: 'button', class: 'secondary' }, t('account.copy'));
      copy.addEventListener('click', async () => {
        url.input.select();
        try { await navigator.clipboard.writeText(data.url); announce(t('account.copied')); } catch { announce(t('account.select_copy')); }
      });
      fill(shown, url.wrap, copy);
      url.input.focus();
      url.input.select();
      paint({ active: true, mine: data.mine, created_at: data.created_at });
      announce(t('account.made'));
    } catch (e) {
      showProblem(form, e);
    } finally {
      make.disabled = false;
    }
  });
  end.addEventListener('click', async () => {
    end.disabled = true;
    try {
      await del('/api/v1/me/calendar');
      fill(shown);
      paint({ active: false });
      announce(t('account.ended'));
      make.focus();
    } catch (e) {
      showProblem(form, e);
    } finally {
      end.disabled = false;
    }
  });
  card.reload = async () => { fill(shown); paint((await get('/api/v1/me/calendar')).data); };
  await card.reload();
  return fill(card,
    h('p', {}, t('account.cal1'),
      t('account.cal2')),
    state, form, shown);
}
