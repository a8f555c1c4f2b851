// The second factor: the code after the password, setting up an authenticator app (a QR
// code drawn with the DOM from the path the server sends; Trusted Types forbid markup from
// strings), and the recovery codes shown once.
import { ApiError, post } from './api.js';
import { clearMessages, field, formStatus, h, showProblem, fill } from './dom.js';
import { t } from './i18n.js';

const SVG = 'http://www.w3.org/2000/svg';

// The QR code of an otpauth:// URI: { size, path } from POST /api/v1/me/totp.
function qrCode(qr) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `-4 -4 ${qr.size + 8} ${qr.size + 8}`);
  svg.setAttribute('class', 'qr');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('factor.qr_label'));
  const bg = document.createElementNS(SVG, 'rect');
  for (const [k, v] of [['x', -4], ['y', -4], ['width', qr.size + 8], ['height', qr.size + 8], ['fill', '#fff']]) bg.setAttribute(k, v);
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', qr.path);
  path.setAttribute('fill', '#000');
  svg.append(bg, path);
  return svg;
}

function codeField(label, hint) {
  return field({ label, name: 'code', required: true, hint,
    attrs: { autocomplete: 'one-time-code', inputmode: 'text', autocapitalize: 'none', spellcheck: 'false' } });
}

// The step after the password: the code from the app (or a recovery code). data: the
// sign-in answer. onDone(answer) once signed in; onCancel() to start again.
export function renderCodeStep(main, onDone, onCancel) {
  const code = codeField(t('factor.code'), t('factor.code_hint'));
  const ok = h('button', { type: 'submit', class: 'primary' }, t('factor.continue'));
  const cancel = h('button', { type: 'button', class: 'secondary' }, t('factor.cancel'));
  const form = h('form', { class: 'card signin', novalidate: true }, formStatus(), code.wrap,
    h('div', { class: 'actions' }, ok, cancel));
  cancel.addEventListener('click', onCancel);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    ok.disabled = true;
    try {
      const { data } = await post('/api/v1/session/code', { code: code.input.value }, { auth: false });
      onDone(data);
    } catch (e) {
      code.input.value = '';
      showProblem(form, e instanceof ApiError && e.status === 401
        ? { message: t('factor.bad_code') } : e);
      code.input.focus();
    } finally {
      ok.disabled = false;
    }
  });
  fill(main, h('h1', { tabindex: '-1' }, t('factor.enter_code')),
    h('p', { class: 'lead' }, t('factor.open_app')),
    form);
  code.input.focus();
}

// The recovery codes, once; onContinue() when the person has kept them.
function renderRecovery(main, codes, onContinue) {
  const go = h('button', { type: 'button', class: 'primary' }, t('factor.kept'));
  go.addEventListener('click', onContinue);
  fill(main, h('h1', { tabindex: '-1' }, t('factor.recovery')),
    h('p', { class: 'lead' }, t('factor.recovery_lead')),
    h('ol', { class: 'recovery-codes' }, codes.map((c) => h('li', {}, h('code', {}, c)))),
    go);
  main.querySelector('h1').focus();
}

// Setting up an authenticator app: the QR code and the key, then its first code.
// onDone(answer) after the recovery codes (answer: the confirm's, with the new session when
// this finished a sign-in). why: the sentence saying why. body: what POST /api/v1/me/totp
// needs ({ password } from a session signed in earlier).
export async function renderEnrol(main, why, onDone, onCancel, body = {}) {
  const { data: totp } = await post('/api/v1/me/totp', body, { auth: false });
  const code = codeField(t('factor.code_from_app'), t('factor.after_scan'));
  const ok = h('button', { type: 'submit', class: 'primary' }, t('factor.confirm'));
  const cancel = onCancel ? h('button', { type: 'button', class: 'secondary', onclick: onCancel }, t('factor.cancel')) : null;
  const form = h('form', { class: 'card signin', novalidate: true }, formStatus(), code.wrap,
    h('div', { class: 'actions' }, ok, cancel));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    ok.disabled = true;
    try {
      const { data } = await post('/api/v1/me/totp/confirm', { code: code.input.value }, { auth: false });
      renderRecovery(main, data.recovery_codes, () => onDone(data));
    } catch (e) {
      showProblem(form, e);
      code.input.focus();
    } finally {
      ok.disabled = false;
    }
  });
  fill(main, h('h1', { tabindex: '-1' }, t('factor.setup')),
    h('p', { class: 'lead' }, why),
    h('ol', { class: 'steps' },
      h('li', {}, t('factor.install')),
      h('li', {}, t('factor.scan'), qrCode(totp.qr),
        h('p', {}, t('factor.type_key'),
          h('code', { class: 'totp-secret' }, totp.secret.match(/.{1,4}/g).join(' ')))),
      h('li', {}, t('factor.enter_digits'))),
    form);
  main.querySelector('h1').focus();
}
