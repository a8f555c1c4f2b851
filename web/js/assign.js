// The agency's named worker on a case (worker_assigned): a member takes the case or steps
// down; a supervisor names anyone of the agency. The worker gets the agency's summonses and
// alerts on the case first.
import { ApiError, get, post } from './api.js';
import { announce, h, nextId, now } from './dom.js';
import { t } from './i18n.js';

let people = null; // the agency's people, loaded once per page for a supervisor

async function colleagues() {
  people ??= get('/api/v1/users').then(({ data }) => (data.items ?? [])
    .filter((u) => !u.disabled && (u.role === 'member' || u.role === 'supervisor')))
    .catch(() => []);
  return people;
}

async function assign(caseId, userId, label, box, refresh) {
  try {
    await post(`/api/v1/cases/${encodeURIComponent(caseId)}/events`,
      { type: 'worker_assigned', at: new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z'), user_id: userId });
    announce(label);
    await refresh();
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) {
      box.querySelector('.msg')?.remove();
      box.append(h('span', { class: 'msg error', role: 'alert' }, e.message));
    }
  }
}

// The control beside my agency in "Agencies taking part".
export function workerControl(me, caseId, agency, refresh) {
  const box = h('span', { class: 'worker-control' });
  const worker = agency.worker;
  if (me.role !== 'supervisor') {
    if (!worker || worker.id !== me.id) {
      box.append(h('button', { type: 'button', class: 'secondary small',
        onclick: () => assign(caseId, me.id, t('assign.you_are'), box, refresh) },
      worker ? t('assign.take_over') : t('assign.ill_be')));
    } else {
      box.append(h('button', { type: 'button', class: 'link',
        onclick: () => assign(caseId, null, t('assign.no_longer'), box, refresh) },
      t('assign.step_down')));
    }
    return box;
  }
  const id = nextId('worker');
  const pick = h('select', { id }, h('option', { value: '' }, worker ? t('assign.nobody_step_down') : t('assign.choose')));
  const save = h('button', { type: 'button', class: 'secondary small' }, t('assign.name'));
  colleagues().then((list) => {
    for (const u of list) {
      if (u.id !== worker?.id) pick.append(h('option', { value: String(u.id) }, u.display_name));
    }
  });
  save.addEventListener('click', () => {
    const v = pick.value ? Number(pick.value) : null;
    if (v === null && !worker) return;
    assign(caseId, v, v ? t('assign.is_worker', { name: pick.selectedOptions[0].textContent }) : t('assign.nobody_now'), box, refresh);
  });
  box.append(h('label', { for: id, class: 'visually-hidden' }, t('assign.our_worker')), pick, save);
  return box;
}
