// Sign-in, sign-in again in place when the session has ended, and sign-out. When a
// session ends (a 401, or its time runs out while the page sits open) the case data
// leaves the screen and the tab's storage at once; what was on the screen is kept in
// memory only, and comes back if the same person signs in again.
import { ApiError, del, lastAnswerAt, onSignedOut, post, reauthInProgress, sessionEnded, setCsrf } from './api.js';
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
      setSessionLimits(data.session);
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

let limits = null; // { idle: ms, endsAt: ms } of the current session

// The session's limits as the server gave them ({idle_seconds, ends_at}; null: none).
export function setSessionLimits(s) {
  limits = s ? { idle: s.idle_seconds * 1000, endsAt: Date.parse(s.ends_at) } : null;
}

// Forgets every draft kept in the tab (the identification form keeps one).
export function forgetDrafts() {
  try { sessionStorage.clear(); } catch { /* storage disabled */ }
  try { localStorage.clear(); } catch { /* storage disabled */ }
}

// Takes what the page shows off the screen (into memory only) and forgets the drafts;
// returns the function that puts it back.
function hideScreen() {
  const main = document.getElementById('main');
  const kept = document.createDocumentFragment();
  const title = document.title;
  kept.append(...main.childNodes);
  main.replaceChildren(h('h1', { tabindex: '-1' }, 'Session ended'),
    h('p', { class: 'lead' }, 'What was on the screen is hidden until you sign in again.'));
  document.title = 'Session ended · safeharbor';
  forgetDrafts();
  return () => {
    main.replaceChildren(kept);
    document.title = title;
  };
}

// When a request meets 401, or the session's time runs out, the page is cleared and a
// dialog asks for the password again; once signed in, the page comes back as it was and
// the waiting requests are sent. Resolves once signed in; rejects when the user signs
// out instead.
export function installReauth(getUser) {
  // a session that ran out while nothing was sent: the server has forgotten it already
  // (it refreshes its idea of "last seen" at most once a minute: the margin)
  setInterval(() => {
    if (!getUser() || !limits || reauthInProgress()) return;
    const margin = Math.min(60000, limits.idle / 4);
    if (Date.now() - lastAnswerAt() > limits.idle - margin || Date.now() > limits.endsAt) {
      sessionEnded().catch(() => { /* signed out instead */ });
    }
  }, 1000);
  onSignedOut(() => new Promise((resolve, reject) => {
    const me = getUser();
    if (!me) { reject(new ApiError({ status: 401 })); return; }
    const restore = hideScreen();
    const pass = field({ label: 'Password', name: 'password', type: 'password', required: true,
      attrs: { autocomplete: 'current-password' } });
    const who = h('p', {}, 'Signed in as ', h('strong', {}, me.display_name), ` (${me.username}).`);
    const ok = h('button', { type: 'submit', class: 'primary' }, 'Sign in and continue');
    const out = h('button', { type: 'button', class: 'secondary' }, 'Sign out instead');
    const form = h('form', { method: 'dialog', novalidate: true },
      h('h2', { id: 'reauth-title' }, 'Your session has ended'),
      h('p', {}, 'Sign in again to continue. What you entered comes back, and is sent once you are signed in.'),
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
        setSessionLimits(data.session);
        dialog.close();
        dialog.remove();
        restore();
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
  forgetDrafts();
  setCsrf(null);
  setSessionLimits(null);
  document.body.replaceChildren();
  location.replace('/');
}
