// Sign-in, sign-in again in place when the session has ended, and sign-out.
import { ApiError, del, onSignedOut, post, setCsrf } from './api.js';
import { clearMessages, field, formStatus, h, setStatus, showProblem, fill } from './dom.js';

// The sign-in screen. onDone(user, county) runs after a successful sign-in.
export function renderSignIn(main, onDone) {
  const user = field({ label: 'Username', name: 'username', required: true,
    attrs: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' } });
  const pass = field({ label: 'Password', name: 'password', type: 'password', required: true,
    attrs: { autocomplete: 'current-password' } });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'card signin', novalidate: true },
    formStatus(), user.wrap, pass.wrap, button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    if (!user.input.value || !pass.input.value) {
      setStatus(form, 'Enter your username and password.', 'error');
      (user.input.value ? pass.input : user.input).focus();
      return;
    }
    button.disabled = true;
    setStatus(form, 'Signing in…');
    try {
      const { data } = await post('/api/v1/session',
        { username: user.input.value.trim(), password: pass.input.value }, { auth: false });
      pass.input.value = '';
      setCsrf(data.csrf_token);
      onDone(data.user, data.county);
    } catch (e) {
      pass.input.value = '';
      showProblem(form, e instanceof ApiError && e.status === 401
        ? { problem: { detail: 'Wrong username or password, or the account is disabled.' } } : e);
    } finally {
      button.disabled = false;
    }
  });
  fill(main,
    h('h1', { tabindex: '-1' }, 'Sign in'),
    h('p', { class: 'lead' }, 'First Responder Protocol for commercially sexually exploited children.'),
    form);
  user.input.focus();
}

// When a request meets 401, ask for the password again in a dialog over the page,
// so whatever the user was typing stays where it is. Resolves once signed in;
// rejects when the user signs out instead.
export function installReauth(getUser) {
  onSignedOut(() => new Promise((resolve, reject) => {
    const me = getUser();
    if (!me) { reject(new ApiError({ status: 401 })); return; }
    const pass = field({ label: 'Password', name: 'password', type: 'password', required: true,
      attrs: { autocomplete: 'current-password' } });
    const who = h('p', {}, 'Signed in as ', h('strong', {}, me.display_name), ` (${me.username}).`);
    const ok = h('button', { type: 'submit', class: 'primary' }, 'Sign in and continue');
    const out = h('button', { type: 'button', class: 'secondary' }, 'Sign out instead');
    const form = h('form', { method: 'dialog', novalidate: true },
      h('h2', { id: 'reauth-title' }, 'Your session has ended'),
      h('p', {}, 'Sign in again to continue. What you entered is kept and will be sent once you are signed in.'),
      who,
      h('input', { type: 'text', name: 'username', value: me.username, autocomplete: 'username', hidden: true, readOnly: true }),
      formStatus(), pass.wrap,
      h('div', { class: 'actions' }, ok, out));
    const dialog = h('dialog', { class: 'reauth', 'aria-labelledby': 'reauth-title' }, form);
    document.body.append(dialog);
    // Escape would close the dialog with the request still waiting: treat it as "not yet"
    dialog.addEventListener('cancel', (ev) => ev.preventDefault());
    out.addEventListener('click', () => {
      dialog.close();
      dialog.remove();
      reject(new ApiError({ status: 401, message: 'Signed out.' }));
      signOut();
    });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearMessages(form);
      ok.disabled = true;
      try {
        const { data } = await post('/api/v1/session',
          { username: me.username, password: pass.input.value }, { auth: false });
        setCsrf(data.csrf_token);
        dialog.close();
        dialog.remove();
        resolve();
      } catch (e) {
        pass.input.value = '';
        showProblem(form, e instanceof ApiError && e.status === 401
          ? { problem: { detail: 'That password did not work.' } } : e);
        pass.input.focus();
      } finally {
        ok.disabled = false;
      }
    });
    dialog.showModal();
    pass.input.focus();
  }));
}

// Ends the session, forgets every draft and reloads: nothing personal stays in the
// tab's storage or memory, and the page left behind is blanked so "back" shows nothing.
export async function signOut() {
  try { await del('/api/v1/session', { auth: false }); } catch { /* already ended */ }
  try { sessionStorage.clear(); } catch { /* storage disabled */ }
  setCsrf(null);
  document.body.replaceChildren();
  location.replace('/');
}
