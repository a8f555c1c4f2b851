// Your account: change your password, and your second factor (set up an authenticator app;
// how many recovery codes are left).
import { get, post, setCsrf } from '../api.js';
import { setSessionLimits } from '../auth.js';
import { renderEnrol } from '../factor.js';
import { announce, clearMessages, field, formStatus, h, setStatus, showProblem, fill } from '../dom.js';

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
      setStatus(form, 'Password changed. You were signed out everywhere else, and your bearer tokens ended.', 'ok');
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

  fill(main, h('h1', {}, 'Your account'),
    h('p', { class: 'lead' }, `${me.user.display_name} (${me.user.username}), ${me.user.role} at ${me.user.agency.name}.`),
    h('h2', {}, 'Second factor'), factor,
    me.session?.method === 'oidc' ? null : [h('h2', {}, 'Password'), form]);
}
