// A supervisor's view of the agency's caseloads: the open cases each person is the named
// worker on, with the steps overdue on them, and those nobody is named on yet.
import { get } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

export async function caseloads(me) {
  const { data } = await get(`/api/v1/agencies/${me.agency.id}/caseloads`);
  const rows = (data.items ?? []).filter((x) => x.open_cases || !x.user.disabled);
  const num = (n, overdue) => h('td', { class: overdue && n ? 'num late' : 'num' }, String(n));
  return [h('h2', {}, t('caseloads.title')),
    h('p', { class: 'muted' }, t('caseloads.lead')),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('caseloads.title') },
      h('table', { class: 'caseloads' },
        h('thead', {}, h('tr', {}, [t('caseloads.worker'), t('caseloads.open'), t('caseloads.overdue')].map((label) => h('th', { scope: 'col' }, label)))),
        h('tbody', {},
          rows.map((x) => h('tr', { dataset: { user: x.user.username } },
            h('th', { scope: 'row' }, x.user.name, x.user.disabled ? t('caseloads.disabled') : ''),
            num(x.open_cases), num(x.overdue_steps, true))),
          h('tr', { class: 'unassigned' }, h('th', { scope: 'row' }, t('caseloads.nobody')),
            num(data.unassigned?.open_cases ?? 0), num(data.unassigned?.overdue_steps ?? 0, true)))))];
}
