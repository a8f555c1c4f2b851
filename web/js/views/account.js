// Your account: change your password, your second factor (set up an authenticator app;
// how many recovery codes are left), and the link that shows your agenda in a calendar app.
import { del, get, post, setCsrf } from '../api.js';
import { setSessionLimits } from '../auth.js';
import { renderEnrol } from '../factor.js';
import { announce, clearMessages, field, fmtTime, formStatus, h, setStatus, showProblem, fill } from '../dom.js';

export async function render(main, ctx) {
  ctx.title('Your account');
  const { data: me } = await get('/api/v1/me');
  if (!ctx.current()) return;
  const f = me.second_factor;

  const old = field({ label: 'Current password', name: 'old_password', type: 'password', required: true,
    attrs: { autocomplete: 'current-password' } });
  const pw = field({ label: 'New password', name: 'password', type: 'password', required: true,
    hint: 'At least 12 characters; not a common password, and not your username or agency.',
    attrs: { autocomplete: 'new-password' } });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Change password');
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
      setStatus(form, 'Password changed. You were signed out everywhere else, and your bearer tokens and calendar link ended.', 'ok');
      calendar?.reload();
      announce('Password changed.');
    } catch (e) {
      showProblem(form, e);
    } finally {
      save.disabled = false;
    }
  });

  const factor = h('div', { class: 'card' });
  if (f.enrolled) {
    fill(factor, h('p', {}, 'An authenticator app gives your code after the password. ',
      `Recovery codes left: ${f.recovery_codes_left}.`),
    h('p', { class: 'hint' }, 'Lost the phone? An admin resets it; your agency\'s supervisors are told.'));
  } else {
    // the password again: a session left open must not tie the account to someone else's phone
    const again = me.session?.method === 'oidc' ? null : field({ label: 'Your password', name: 'password',
      type: 'password', required: true, attrs: { autocomplete: 'current-password' } });
    const start = h('button', { type: 'submit', class: 'primary' }, 'Set up an authenticator app');
    const setup = h('form', { class: 'factor-setup', novalidate: true }, formStatus(), again?.wrap, h('div', { class: 'actions' }, start));
    setup.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearMessages(setup);
      start.disabled = true;
      try {
        await renderEnrol(main, 'A code from an app on your phone after the password keeps your account safe even if the password leaks.',
          () => ctx.navigate('/account', { replace: true }), () => ctx.navigate('/account', { replace: true }),
          again ? { password: again.input.value } : {});
      } catch (e) {
        start.disabled = false;
        showProblem(setup, e);
      }
    });
    fill(factor, h('p', {}, f.required ? 'Your account needs an authenticator app.' : 'No authenticator app is set up (your role does not need one).'), setup);
  }

  const staff = me.user.role === 'member' || me.user.role === 'supervisor';
  const calendar = staff ? await calendarCard() : null;
  if (!ctx.current()) return;
  fill(main, h('h1', {}, 'Your account'),
    h('p', { class: 'lead' }, `${me.user.display_name} (${me.user.username}), ${me.user.role} at ${me.user.agency.name}.`),
    h('h2', {}, 'Second factor'), factor,
    me.session?.method === 'oidc' ? null : [h('h2', {}, 'Password'), form],
    calendar ? [h('h2', { id: 'calendar' }, 'Calendar'), calendar] : null);
  if (location.hash === '#calendar') document.getElementById('calendar')?.scrollIntoView();
}

// The calendar link (GET|POST|DELETE /api/v1/me/calendar): made anew (the old one stops),
// shown once, ended.
async function calendarCard() {
  const card = h('div', { class: 'card calendar-link' });
  const mine = field({ label: 'Only my cases and my shifts', name: 'mine', type: 'checkbox' });
  const make = h('button', { type: 'submit', class: 'primary' });
  const end = h('button', { type: 'button', class: 'secondary' }, 'End the link');
  const state = h('p', { role: 'status' });
  const shown = h('div');
  const form = h('form', { novalidate: true }, formStatus(), mine.wrap, h('div', { class: 'actions' }, make, end));

  function paint(f) {
    state.textContent = f.active
      ? `A calendar link is in use, made ${fmtTime(f.created_at)}${f.mine ? ' (only your cases and shifts)' : ''}; ` +
        (f.used_at ? `last read by a calendar app ${fmtTime(f.used_at)}.` : 'no calendar app has read it yet.')
      : 'You have no calendar link.';
    make.textContent = f.active ? 'Make a new link (the old one stops working)' : 'Make a calendar link';
    end.hidden = !f.active;
    mine.input.checked = !!f.mine;
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    make.disabled = true;
    try {
      const { data } = await post('/api/v1/me/calendar', { mine: mine.input.checked });
      const url = field({ label: 'Your calendar link', name: 'calendar_url', value: data.url,
        mark: false, hint: 'Add it in your calendar app as a calendar "from the internet" or "by URL". It is shown only now: keep it to yourself.',
        attrs: { readOnly: true } });
      const copy = h('button', { type: 'button', class: 'secondary' }, 'Copy the link');
      copy.addEventListener('click', async () => {
        url.input.select();
        try { await navigator.clipboard.writeText(data.url); announce('Link copied.'); } catch { announce('Select the link and copy it.'); }
      });
      fill(shown, url.wrap, copy);
      url.input.focus();
      url.input.select();
      paint({ active: true, mine: data.mine, created_at: data.created_at });
      announce('Calendar link made. The old link, if any, no longer works.');
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
      announce('Calendar link ended.');
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
    h('p', {}, 'Your agenda (deadlines, MDT meetings, hearings, on-call shifts, from a week back to twelve weeks ahead) in a calendar app, through a private link. ',
      'It shows case numbers and what is due, never a youth\'s name; anyone with the link sees it, so keep it to yourself, and make a new one if it gets out.'),
    state, form, shown);
}
