// Protocol steps: their clocks, and "done" with a time that can be changed before confirming.
import { post } from './api.js';
import {
  announce, clearMessages, clock, field, fmtDue, fmtTime, formStatus, fromLocalInput, h, KIND, lateEntryField,
  now, showProblem, toLocalInput,
} from './dom.js';
import { stepTitle, t, word } from './i18n.js';

// A "Done" button that opens a small confirm form (time = now, editable).
// onDone(answer) gets the API's answer ({ event, steps }).
export function doneControl({ caseId, step, label, onDone }) {
  const open = h('button', { type: 'button', class: 'primary done-open', 'aria-expanded': 'false' },
    t('steps.done'), h('span', { class: 'visually-hidden' }, `: ${label}`));
  const at = field({ label: t('steps.done_at'), name: 'at', type: 'datetime-local', required: true });
  const late = lateEntryField(at.input);
  const confirm = h('button', { type: 'submit', class: 'primary' }, t('steps.confirm'));
  const cancel = h('button', { type: 'button', class: 'secondary' }, t('steps.cancel'));
  const form = h('form', { class: 'done-form', hidden: true, novalidate: true },
    formStatus(), at.wrap, late.wrap, h('div', { class: 'actions' }, confirm, cancel));
  const box = h('div', { class: 'done' }, open, form);

  open.addEventListener('click', () => {
    at.input.value = toLocalInput(now());
    at.input.max = toLocalInput(now() + 60000);
    late.sync();
    clearMessages(form);
    form.hidden = false;
    open.hidden = true;
    open.setAttribute('aria-expanded', 'true');
    confirm.focus();
  });
  cancel.addEventListener('click', () => {
    form.hidden = true;
    open.hidden = false;
    open.setAttribute('aria-expanded', 'false');
    open.focus();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(form);
    const when = fromLocalInput(at.input.value);
    if (!when) {
      showProblem(form, { message: t('steps.correct'), problem: null });
      return;
    }
    confirm.disabled = true;
    try {
      const { data } = await post(`/api/v1/cases/${encodeURIComponent(caseId)}/events`,
        { type: 'step_done', at: when, step: step.key, episode: step.episode ?? 0, late_entry_reason: late.value() });
      announce(t('steps.marked', { label }));
      onDone?.(data);
    } catch (e) {
      if (e.problem?.errors?.some((x) => x.field === 'late_entry_reason')) late.show();
      showProblem(form, e);
    } finally {
      confirm.disabled = false;
    }
  });
  box.isOpen = () => !form.hidden;
  return box;
}

// The steps of one case as a list: title, owner, state and clock; "Done" on the
// pending steps the caller's agency owns (when caseId and myKind are given). On a
// closed case nothing is owed any more: no clocks, no "Done".
export function stepList(steps, { caseId, myKind, onDone, closed = false } = {}) {
  const order = { pending: 0, done: 1, waived: 2, not_applicable: 3 };
  const sorted = [...steps].filter((s) => s.state !== 'not_applicable').sort((a, b) =>
    (order[a.state] - order[b.state]) ||
    ((a.due_at ? Date.parse(a.due_at) : Infinity) - (b.due_at ? Date.parse(b.due_at) : Infinity)));
  return h('ul', { class: 'steps' }, sorted.map((s) => {
    const mine = caseId && myKind && !closed && s.state === 'pending' && s.owner === myKind;
    return h('li', { class: `step step-${s.state}`, dataset: { step: s.key } },
      h('div', { class: 'step-main' },
        h('span', { class: 'step-title' }, stepTitle(s.key, s.title)),
        h('span', { class: 'step-owner' }, s.owner ? KIND[s.owner] ?? s.owner : t('steps.no_agency'))),
      h('div', { class: 'step-when' },
        s.state === 'pending' && closed
          ? h('span', { class: 'state state-pending' }, t('steps.not_done_closed'))
          : s.state === 'pending'
          ? [clock(s.opened_at, s.due_at), s.due_at ? h('span', { class: 'due' }, t('steps.due', { when: fmtDue(s.due_at) })) : null]
          : h('span', { class: `state state-${s.state}` }, word('step_state', s.state),
            s.done_at ? ` ${fmtTime(s.done_at)}` : '')),
      mine ? doneControl({ caseId, step: s, label: stepTitle(s.key, s.title), onDone }) : null);
  }));
}
