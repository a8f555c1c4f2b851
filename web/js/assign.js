// The agency's named worker on a case (worker_assigned): a member takes the case or steps
// down; a supervisor names anyone of the agency. The worker gets the agency's summonses and
// alerts on the case first.
import { ApiError, get, post } from './api.js';
import { announce, h, nextId, now } from './dom.js';

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
        onclick: () => assign(caseId, me.id, 'You are the worker on this case.', box, refresh) },
      worker ? 'Take over as worker' : 'I’ll be the worker'));
    } else {
      box.append(h('button', { type: 'button', class: 'link',
        onclick: () => assign(caseId, null, 'You are no longer the worker on this case.', box, refresh) },
      'Step down as worker'));
    }
    return box;
  }
  const id = nextId('worker');
  const pick = h('select', { id }, h('option', { value: '' }, worker ? 'Nobody (step down)' : 'Choose a person'));
  const save = h('button', { type: 'button', class: 'secondary small' }, 'Name the worker');
  colleagues().then((list) => {
    for (const u of list) {
      if (u.id !== worker?.id) pick.append(h('option', { value: String(u.id) }, u.display_name));
    }
  });
  save.addEventListener('click', () => {
    const v = pick.value ? Number(pick.value) : null;
    if (v === null && !worker) return;
    assign(caseId, v, v ? `${pick.selectedOptions[0].textContent} is the worker on this case.` : 'Nobody is the worker now.', box, refresh);
  });
  box.append(h('label', { for: id, class: 'visually-hidden' }, 'Our worker on this case'), pick, save);
  return box;
}
