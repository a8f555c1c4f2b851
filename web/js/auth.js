// Sign-in, sign-in again in place when the session has ended, and sign-out. When a
// session ends (a 401, or its time runs out while the page sits open) the case data
// leaves the screen and the tab's storage at once; what was on the screen is kept in
// memory only, and comes back if the same person signs in again.
import { ApiError, del, get, lastAnswerAt, onSignedOut, post, reauthInProgress, sessionEnded, setCsrf } from './api.js';
import { clearMessages, field, formStatus, h, setStatus, showProblem, fill } from './dom.js';
import { renderCodeStep, renderEnrol } from './factor.js';
import { wipe as wipeOffline } from './offline.js';
import { t } from './i18n.js';

// What a failed sign-in with the county account says (the callback names a reason, never
// the provider's own words).
const SSO_ERRORS = ['provider', 'expired', 'token', 'not_provisioned', 'disabled', 'groups', 'off'];

// The sign-in screen. onDone(user, county) runs after a successful sign-in.
export function renderSignIn(main, onDone) {
  const user = field({ label: t('auth.username'), name: 'username', required: true,
    attrs: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' } });
  const pass = field({ label: t('auth.password'), name: 'password', type: 'password', required: true,
    attrs: { autocomplete: 'current-password' } });
  const button = h('button', { type: 'submit', class: 'primary' }, t('auth.signin'));
  const form = h('form', { class: 'card signin', novalidate: true },
    formStatus(), user.wrap, pass.wrap, button);
  const sso = h('p', { class: 'signin-sso', hidden: true },
    h('a', { class: 'button secondary', href: '/api/v1/oidc/start' }, t('auth.signin_county')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    if (!user.input.value || !pass.input.value) {
      setStatus(form, t('auth.enter_both'), 'error');
      (user.input.value ? pass.input : user.input).focus();
      return;
    }
    button.disabled = true;
    setStatus(form, t('auth.signing_in'));
    try {
      const { data } = await post('/api/v1/session',
        { username: user.input.value.trim(), password: pass.input.value }, { auth: false });
      pass.input.value = '';
      continueSignIn(main, data, onDone);
    } catch (e) {
      pass.input.value = '';
      showProblem(form, e instanceof ApiError && e.status === 401
        ? { message: t('auth.wrong') } : e);
    } finally {
      button.disabled = false;
    }
  });
  fill(main,
    h('h1', { tabindex: '-1' }, t('auth.signin')),
    h('p', { class: 'lead' }, t('auth.lead')),
    form, sso);
  const failed = new URLSearchParams(location.search).get('signin_error');
  if (failed) setStatus(form, t(`sso.${SSO_ERRORS.includes(failed) ? failed : 'provider'}`), 'error');
  get('/api/v1/signin/options', { auth: false })
    .then(({ data }) => { sso.hidden = !data.oidc; })
    .catch(() => { /* passwords only */ });
  user.input.focus();
}

// After the password (or at a reload during sign-in): the code, or setting up an
// authenticator app first, then onDone(user, county). data: a sign-in or /me answer.
export function continueSignIn(main, data, onDone) {
  setCsrf(data.csrf_token);
  setSessionLimits(data.session);
  const done = (d) => {
    setCsrf(d.csrf_token);
    setSessionLimits(d.session);
    history.replaceState(null, '', location.pathname);
    onDone(d.user, d.county);
  };
  const cancel = async () => {
    try { await del('/api/v1/session', { auth: false }); } catch { /* ended already */ }
    location.replace('/');
  };
  if (data.signin === 'code') {
    document.title = t('auth.title_code');
    renderCodeStep(main, done, cancel);
  } else if (data.signin === 'enrol') {
    document.title = t('auth.title_enrol');
    renderEnrol(main, t('auth.enrol_why'),
      (d) => done(d), cancel).catch((e) => fill(main, h('h1', {}, t('auth.cannot_enrol')),
      h('p', { class: 'form-status error', role: 'alert' }, e.message),
      h('p', {}, h('button', { type: 'button', onclick: cancel }, t('auth.start_again')))));
  } else {
    done(data);
  }
}

let limits = null; // { idle: ms, endsAt: ms } of the current session

// The session's limits as the server gave them ({idle_seconds, ends_at}; null: none).
export function setSessionLimits(s) {
  limits = s ? { idle: s.idle_seconds * 1000, endsAt: Date.parse(s.ends_at), method: s.method } : null;
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
  main.replaceChildren(h('h1', { tabindex: '-1' }, t('auth.ended')),
    h('p', { class: 'lead' }, t('auth.hidden')));
  document.title = t('auth.title_ended');
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
    const sso = limits?.method === 'oidc';
    const restore = hideScreen();
    const pass = field({ label: t('auth.password'), name: 'password', type: 'password', required: true,
      attrs: { autocomplete: 'current-password' } });
    const code = field({ label: t('auth.code'), name: 'code', required: true,
      hint: t('auth.code_hint'),
      attrs: { autocomplete: 'one-time-code', autocapitalize: 'none', spellcheck: 'false' } });
    code.wrap.hidden = true;
    const who = h('p', {}, t('auth.signed_in_as'), h('strong', {}, me.display_name), ` (${me.username}).`);
    const ok = h('button', { type: 'submit', class: 'primary' }, sso ? t('auth.signin_county') : t('auth.continue'));
    const out = h('button', { type: 'button', class: 'secondary' }, t('auth.signout_instead'));
    const form = h('form', { method: 'dialog', novalidate: true },
      h('h2', { id: 'reauth-title' }, t('auth.session_ended')),
      h('p', {}, t('auth.again')),
      who,
      h('input', { type: 'text', name: 'username', value: me.username, autocomplete: 'username', hidden: true, readOnly: true }),
      formStatus(), sso ? null : pass.wrap, code.wrap,
      h('div', { class: 'actions' }, ok, out));
    const dialog = h('dialog', { class: 'reauth', 'aria-labelledby': 'reauth-title' }, form);
    document.body.append(dialog);
    const channel = new BroadcastChannel('safeharbor-signin');
    const finish = (data) => {
      setCsrf(data.csrf_token);
      setSessionLimits(data.session);
      channel.close();
      dialog.close();
      dialog.remove();
      restore();
      resolve();
    };
    // the county account signs in in a window of its own, so this page (and what was typed
    // into it) stays as it is; the window says when it is done
    channel.onmessage = async (ev) => {
      if (ev.data !== 'signed-in') return;
      try {
        const { data } = await get('/api/v1/me', { auth: false });
        if (data.user.id !== me.id) throw new ApiError({ status: 403, message: t('auth.someone_else') });
        finish(data);
      } catch (e) { showProblem(form, e); }
    };
    // Escape would close the dialog with the request still waiting: treat it as "not yet"
    dialog.addEventListener('cancel', (ev) => ev.preventDefault());
    out.addEventListener('click', () => {
      channel.close();
      dialog.close();
      dialog.remove();
      reject(new ApiError({ status: 401, message: t('auth.signed_out') }));
      signOut();
    });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearMessages(form);
      if (sso) {
        window.open('/api/v1/oidc/start?popup=1', 'safeharbor-signin', 'popup,width=520,height=640');
        return;
      }
      ok.disabled = true;
      try {
        if (!code.wrap.hidden) {
          const { data } = await post('/api/v1/session/code', { code: code.input.value }, { auth: false });
          finish(data);
          return;
        }
        const { data } = await post('/api/v1/session',
          { username: me.username, password: pass.input.value }, { auth: false });
        pass.input.value = '';
        if (data.signin === 'done') { finish(data); return; }
        setCsrf(data.csrf_token);
        if (data.signin === 'code') {
          pass.wrap.hidden = true;
          code.wrap.hidden = false;
          code.input.focus();
        } else {
          setStatus(form, t('auth.needs_app'), 'error');
        }
      } catch (e) {
        const which = code.wrap.hidden ? pass : code;
        which.input.value = '';
        showProblem(form, e instanceof ApiError && e.status === 401
          ? { message: code.wrap.hidden ? t('auth.bad_password') : t('auth.bad_code') } : e);
        which.input.focus();
      } finally {
        ok.disabled = false;
      }
    });
    dialog.showModal();
    (sso ? ok : pass.input).focus();
  }));
}

// Ends the session, forgets every draft and what waits offline (with its key), and
// reloads: nothing personal stays in the tab's storage or memory, and the page left
// behind is blanked so "back" shows nothing.
export async function signOut() {
  try { await del('/api/v1/session', { auth: false }); } catch { /* already ended */ }
  forgetDrafts();
  await wipeOffline({ signOut: true }).catch(() => { /* no IndexedDB here */ });
  setCsrf(null);
  setSessionLimits(null);
  document.body.replaceChildren();
  location.replace('/');
}
