// The app shell: who is signed in, the navigation, and the client-side routes.
// The server answers every page path with index.html; this file picks the view.
import { ApiError, get, setCsrf } from './api.js';
import { continueSignIn, forgetDrafts, installReauth, renderSignIn, setSessionLimits, signOut } from './auth.js';
import { h, setCounty, setCountyZone, startTicker, fill } from './dom.js';
import { browserLanguage, language, setLanguage, t } from './i18n.js';
import * as offline from './offline.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const state = { me: null };
let cleanup = null;
let renderSeq = 0;

// What the signed-in user may do, from GET /api/v1/me.
export function caps(me) {
  const staff = me.role === 'member' || me.role === 'supervisor';
  const kind = me.agency.kind;
  return {
    staff,
    identifies: staff && ['law_enforcement', 'child_welfare', 'probation'].includes(kind) &&
      me.may.write.includes('core'),
    witnesses: staff && ['prosecutor', 'advocacy', 'law_enforcement'].includes(kind),
    reports: !!me.may.reports,
    admin: !!me.may.admin,
  };
}

const routes = [
  [/^\/$/, 'home'],
  [/^\/identify$/, 'identify'],
  [/^\/owed$/, 'owed'],
  [/^\/agenda$/, 'agenda'],
  [/^\/cases$/, 'cases'],
  [/^\/cases\/(SH-[0-9A-Za-z]{1,20})$/, 'case'],
  [/^\/cases\/(SH-[0-9A-Za-z]{1,20})\/print(?:\/(plan|court))?$/, 'print'],
  [/^\/cases\/(SH-[0-9A-Za-z]{1,20})\/youth$/, 'youth'],
  [/^\/witnesses$/, 'witness'],
  [/^\/oncall$/, 'oncall'],
  [/^\/reports$/, 'reports'],
  [/^\/admin$/, 'admin'],
  [/^\/account$/, 'account'],
];
const views = {
  identify: () => import('./views/identify.js'),
  owed: () => import('./views/owed.js'),
  agenda: () => import('./views/agenda.js'),
  cases: () => import('./views/cases.js'),
  case: () => import('./views/case.js'),
  print: () => import('./views/print.js'),
  youth: () => import('./views/youth.js'),
  witness: () => import('./views/witness.js'),
  oncall: () => import('./views/oncall.js'),
  reports: () => import('./views/reports.js'),
  admin: () => import('./views/admin.js'),
  account: () => import('./views/account.js'),
};

// The language: the user's setting (the `language` preference), else the browser's. The
// dates and numbers follow it (dom.js makes its formats again).
export async function useLanguage(lang) {
  await setLanguage(lang ?? browserLanguage());
  setCountyZone();
  document.querySelector('a.skip').textContent = t('shell.skip');
  nav.setAttribute('aria-label', t('shell.nav'));
}

async function userLanguage() {
  try {
    const { data } = await get('/api/v1/me/preferences');
    return data?.language?.language;
  } catch {
    return undefined;
  }
}

// Each role lands on its own first screen: law enforcement identifies; oversight reads the
// reports; a shelter, the office of education and the court see the youth they take part
// for (they owe no protocol step); other case staff what they owe.
function homeFor(me) {
  const c = caps(me);
  const kind = me.agency.kind;
  if (c.identifies && kind === 'law_enforcement') return '/identify';
  if (kind === 'oversight' && c.reports) return '/reports';
  if (c.staff && ['shelter', 'education', 'juvenile_court'].includes(kind)) return '/cases';
  if (c.staff) return '/owed';
  if (c.admin) return '/admin';
  if (c.reports) return '/reports';
  return null;
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  route();
}

function renderNav() {
  const me = state.me;
  nav.replaceChildren();
  who.replaceChildren();
  if (!me) return;
  const c = caps(me);
  const links = [
    c.identifies && ['/identify', t('nav.identify')],
    c.staff && ['/owed', t('nav.owed')],
    c.staff && ['/cases', me.agency.kind === 'shelter' ? t('nav.our_youth') : t('nav.find')],
    c.staff && ['/agenda', t('nav.agenda')],
    c.witnesses && ['/witnesses', t('nav.witnesses')],
    c.staff && ['/oncall', t('nav.oncall')],
    c.reports && ['/reports', t('nav.reports')],
    c.admin && ['/admin', t('nav.admin')],
  ].filter(Boolean);
  nav.append(h('ul', {}, links.map(([href, label]) => h('li', {},
    h('a', { href, 'aria-current': location.pathname === href ? 'page' : null }, label)))));
  who.append(
    h('a', { class: 'who-name', href: '/account', title: t('nav.account') }, me.display_name, h('span', { class: 'who-agency' }, ` · ${me.agency.name}`)),
    h('button', { type: 'button', class: 'link', onclick: () => signOut() }, t('nav.signout')));
}

function showError(e) {
  fill(main, h('h1', { tabindex: '-1' }, t('main.error')),
    h('p', { class: 'form-status error', role: 'alert' }, e?.message ?? String(e)),
    h('p', {}, h('a', { href: '/' }, t('main.back'))));
}

async function route() {
  const seq = ++renderSeq;
  shown = location.pathname + location.search;
  cleanup?.();
  cleanup = null;
  renderNav();
  if (!state.me) {
    const onDone = async (user, county) => {
      state.me = user;
      setCounty(county);
      offline.startSession(user, county);
      await useLanguage(await userLanguage());
      offline.remember({ language: language() });
      route();
    };
    document.title = t('main.title_signin');
    if (state.pending) continueSignIn(main, state.pending, onDone);
    else renderSignIn(main, onDone);
    state.pending = null;
    return;
  }
  let name = null, params = [];
  for (const [re, n] of routes) {
    const m = location.pathname.match(re);
    if (m) { name = n; params = m.slice(1); break; }
  }
  if (name === 'home') {
    const home = homeFor(state.me);
    if (home) { navigate(home, { replace: true }); return; }
    fill(main, h('h1', { tabindex: '-1' }, t('main.nothing')),
      h('p', {}, t('main.no_screens')));
    return;
  }
  if (!name) {
    document.title = t('main.title_notfound');
    fill(main, h('h1', { tabindex: '-1' }, t('main.no_page')), h('p', {}, h('a', { href: '/' }, t('main.go_start'))));
    main.querySelector('h1').focus();
    return;
  }
  main.setAttribute('aria-busy', 'true');
  try {
    const mod = await views[name]();
    if (seq !== renderSeq) return;
    const ctx = {
      me: state.me, caps: caps(state.me), params, navigate,
      title: (t) => { document.title = `${t} · safeharbor`; },
      current: () => seq === renderSeq,
      // the user chose another language (saved already): the page again, in it
      useLanguage: async (lang) => { await useLanguage(lang); offline.remember({ language: language() }); route(); },
    };
    const done = await mod.render(viewBox(), ctx);
    if (seq !== renderSeq) { if (typeof done === 'function') done(); return; }
    cleanup = typeof done === 'function' ? done : null;
    const h1 = main.querySelector('h1');
    if (h1 && !main.contains(document.activeElement)) { h1.tabIndex = -1; h1.focus(); }
  } catch (e) {
    if (seq === renderSeq && !(e instanceof ApiError && e.status === 401)) showError(e);
  } finally {
    main.removeAttribute('aria-busy');
  }
}

// The box a page renders into. A page fills it after its requests answer; a newer page
// takes its place at once, so an older, slower page (the first screen after sign-in, still
// loading when the person chose another) fills a box that is no longer shown instead of
// replacing the newer page. The page shown stays until the new one has something to show.
function viewBox() {
  for (const old of main.querySelectorAll(':scope > .view-pending')) old.remove();
  const box = h('div', { class: 'view view-pending' });
  new MutationObserver((_, obs) => {
    obs.disconnect();
    if (!box.isConnected) return;
    box.classList.remove('view-pending');
    for (const other of [...main.childNodes]) if (other !== box) other.remove();
  }).observe(box, { childList: true });
  main.append(box);
  return box;
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest?.('a[href]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  if (a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || /^\/(api|assets)\//.test(url.pathname)) return;
  if (url.hash && url.pathname === location.pathname) return;
  ev.preventDefault();
  if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search);
});
// a jump link (#timeline) changes only the fragment: the page stays as it is
let shown = null;
window.addEventListener('popstate', () => {
  if (location.pathname + location.search !== shown) route();
});
// a page restored from the back/forward cache may show what a signed-out user saw: reload it
window.addEventListener('pageshow', (ev) => { if (ev.persisted) location.reload(); });

installReauth(() => state.me);
startTicker();

// The app shell offline (web/sw.js): registered from the site's root, so its scope is every
// page. Browsers without service workers, or a blocked registration, work online only.
// Trusted Types (the page's CSP) lets one policy turn this one URL into a script URL.
try {
  const sw = globalThis.trustedTypes?.createPolicy('safeharbor-sw', {
    createScriptURL: (u) => { if (u !== '/sw.js') throw new TypeError('not the service worker'); return u; },
  });
  navigator.serviceWorker?.register(sw ? sw.createScriptURL('/sw.js') : '/sw.js').catch(() => { /* online only */ });
} catch { /* online only */ }

// A page opened without a connection by someone signed in on this device: the screens
// that work offline (identification) with what was kept at sign-in; once the connection
// returns, the session is checked (an ended one asks for the password first, and what
// waits stays) and the queue is sent.
async function bootOffline() {
  const p = await offline.profile();
  if (!p?.me) return false;
  state.me = p.me;
  setCounty(p.county);
  if (p.language) await useLanguage(p.language).catch(() => { /* the catalogue is not kept: the browser's */ });
  let timer = null;
  const back = async () => {
    clearTimeout(timer);
    window.removeEventListener('online', back);
    try {
      const { data } = await get('/api/v1/me'); // a 401 asks for the password (auth.js)
      state.me = data.user;
      setCounty(data.county);
      setCsrf(data.csrf_token ?? null);
      setSessionLimits(data.session ?? null);
      offline.startSession(data.user, data.county);
      renderNav();
    } catch (e) {
      // still no server: when the browser says it is online again, or in 15 s (a
      // connection that is "online" but reaches nothing says nothing)
      if (e instanceof ApiError && e.network) {
        window.addEventListener('online', back);
        timer = setTimeout(back, 15000);
      }
    }
  };
  window.addEventListener('online', back);
  if (navigator.onLine) back();
  route();
  return true;
}

(async function boot() {
  try {
    await useLanguage();
  } catch {
    // the catalogue could not be fetched: the server is not reachable (said below)
  }
  // the window the county account signed in (a session ended while a page was open): tell
  // that page (a channel: the page's Cross-Origin-Opener-Policy cut this window off from it
  // when it went to the provider), and close
  if (location.pathname === '/signed-in') {
    const channel = new BroadcastChannel('safeharbor-signin');
    channel.postMessage('signed-in');
    channel.close();
    window.close();
    fill(main, h('h1', {}, t('main.signed_in')), h('p', {}, t('main.close_window')));
    return;
  }
  try {
    const { data } = await get('/api/v1/me', { auth: false });
    if (data.signin !== 'done') {
      // a reload in the middle of signing in: the code, or the set-up, is still owed
      state.pending = data;
      route();
      return;
    }
    state.me = data.user;
    setCounty(data.county);
    await useLanguage(await userLanguage());
    setCsrf(data.csrf_token ?? null);
    setSessionLimits(data.session ?? null);
    offline.startSession(data.user, data.county);
    offline.remember({ language: language() });
  } catch (e) {
    if (e instanceof ApiError && e.network && await bootOffline()) return;
    // signed out (an ended session, a reload after it): no draft of it may stay
    if (e instanceof ApiError && e.status === 401) forgetDrafts();
    if (!(e instanceof ApiError && e.status === 401)) {
      fill(main, h('h1', {}, t('main.no_server')),
        h('p', { class: 'form-status error', role: 'alert' }, e.message),
        h('p', {}, h('button', { type: 'button', onclick: () => location.reload() }, t('main.try_again'))));
      return;
    }
  }
  route();
})();

