// A supervisor's view of the agency's caseloads: the open cases each person is the named
// worker on, with the steps overdue on them, and those nobody is named on yet.
import { get } from '../api.js';
import { h } from '../dom.js';

export async function caseloads(me) {
  const { data } = await get(`/api/v1/agencies/${me.agency.id}/caseloads`);
  const rows = (data.items ?? []).filter((x) => x.open_cases || !x.user.disabled);
  const num = (n, overdue) => h('td', { class: overdue && n ? 'num late' : 'num' }, String(n));
  return [h('h2', {}, 'Caseloads'),
    h('p', { class: 'muted' }, 'Open cases each person is the named worker on. A member names themselves on a case; a supervisor names anyone of the agency, from the case.'),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Caseloads' },
      h('table', { class: 'caseloads' },
        h('thead', {}, h('tr', {}, ['Worker', 'Open cases', 'Steps overdue'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {},
          rows.map((x) => h('tr', { dataset: { user: x.user.username } },
            h('th', { scope: 'row' }, x.user.name, x.user.disabled ? ' (disabled)' : ''),
            num(x.open_cases), num(x.overdue_steps, true))),
          h('tr', { class: 'unassigned' }, h('th', { scope: 'row' }, 'Nobody named yet'),
            num(data.unassigned?.open_cases ?? 0), num(data.unassigned?.overdue_steps ?? 0, true)))))];
}
