// Summonses that reached nobody (no one on call, nobody with an e-mail address or a webhook,
// every attempt failed) and "I'm on it": anyone of the summoned agency takes the summons
// (POST /api/v1/summons/{id}/ack), which stops it and records who did.
import { ApiError, post } from './api.js';
import { announce, fmtTime, h, nextId } from './dom.js';
import { stepTitle, t } from './i18n.js';

export function onItButton(s, onAck) {
  const b = h('button', { type: 'button', class: 'primary' }, t('summons.on_it'),
    h('span', { class: 'visually-hidden' }, t('summons.on_it_label', { title: stepTitle(s.step, s.title), case: s.case_id })));
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await post(`/api/v1/summons/${s.id}/ack`, {});
      announce(t('summons.took', { title: stepTitle(s.step, s.title), case: s.case_id }));
      onAck?.();
    } catch (e) {
      b.disabled = false;
      if (!(e instanceof ApiError && e.status === 401)) b.after(h('span', { class: 'msg error', role: 'alert' }, e.message));
    }
  });
  return b;
}

// Why a summons reached nobody, in words.
export function unreachableWhy(s) {
  return s.no_one_on_call ? t('summons.nobody_on_call')
    : t('summons.no_page');
}

// "What we owe now": the agency's summonses that reached nobody, each with "I'm on it".
export function unreachableList(items, { onAck }) {
  if (!items.length) return [];
  const id = nextId('unreachable');
  return [h('section', { class: 'alarm card', 'aria-labelledby': id },
    h('h2', { id }, items.length === 1 ? t('summons.one') : t('summons.many', { n: items.length })),
    h('p', {}, t('summons.clock_runs')),
    h('ul', { class: 'unreachable' }, items.map((s) => h('li', { dataset: { summons: String(s.id), case: s.case_id } },
      h('p', {}, h('strong', {}, stepTitle(s.step, s.title)), ' · ', h('a', { href: `/cases/${s.case_id}`, class: 'case-id' }, s.case_id),
        s.due_at ? t('summons.due', { when: fmtTime(s.due_at) }) : ''),
      h('p', { class: 'muted' }, t('summons.summoned', { when: fmtTime(s.created_at), why: unreachableWhy(s) })),
      onItButton(s, onAck)))))];
}
