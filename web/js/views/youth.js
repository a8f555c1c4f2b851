// The page for the youth (/cases/SH-…/youth): shown on the officer's phone or printed and
// handed over, in English or Spanish whatever the officer's own language (?lang=en|es; by
// default Spanish when the identification noted Spanish as the youth's language). Short
// sentences for a 12-year-old reader: not under arrest, not in trouble, who the advocate is
// and when they come (the protocol's own deadline, not a fixed figure), the rights to keep
// the name confidential (PC 293) and to say yes or no to a medical exam (Family Code 6927),
// and the hotlines (the county's setting youth.hotlines).
import { ApiError, get } from '../api.js';
import { countyFacts, countyZoneName, fill, h } from '../dom.js';
import { language, LANGUAGES, locale, t, translator } from '../i18n.js';

const NAMES = { en: 'English', es: 'Español' };

// The language the page speaks: asked in the address, else the youth's as noted, else ours.
function pageLanguage(c) {
  const asked = new URLSearchParams(location.search).get('lang');
  if (LANGUAGES.includes(asked)) return asked;
  if (/^\s*(spanish|espa[nñ]ol|castellano)/i.test(c.encounter?.language ?? '')) return 'es';
  return language();
}

// The advocate's step (the protocol's advocate_on_scene): how many minutes the protocol
// gives from identification, and by when.
function advocateStep(c) {
  const s = (c.steps ?? []).find((x) => x.key === 'advocate_on_scene' && x.state !== 'not_applicable');
  if (!s || !s.due_at || !s.opened_at) return null;
  return { minutes: Math.round((Date.parse(s.due_at) - Date.parse(s.opened_at)) / 60000), due: s.due_at, done: s.state === 'done' };
}

export async function render(main, ctx) {
  const id = ctx.params[0];
  let c;
  try {
    c = (await get(`/api/v1/cases/${encodeURIComponent(id)}?purpose=print`)).data;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
      fill(main, h('h1', {}, t('youth.for_youth')), h('p', { class: 'form-status error', role: 'alert' }, t('case.not_shared')));
      return;
    }
    throw e;
  }
  if (!ctx.current()) return;
  const lang = pageLanguage(c);
  const tr = await translator(lang);
  if (!ctx.current()) return;
  ctx.title(t('youth.for_youth'));

  const advocacy = (c.agencies ?? []).find((a) => a.kind === 'advocacy' && a.active);
  const step = advocateStep(c);
  const clock = new Intl.DateTimeFormat(locale(lang), { timeZone: countyZoneName(), hour: 'numeric', minute: '2-digit' });
  const hotlines = countyFacts().hotlines ?? [];

  const advocate = [
    h('p', {}, tr('youth.advocate_is')),
    advocacy?.worker ? h('p', {}, tr('youth.advocate_name', { name: advocacy.worker.name, agency: advocacy.name }))
      : advocacy ? h('p', {}, tr('youth.advocate_agency', { agency: advocacy.name })) : null,
    step ? h('p', { class: 'youth-when' }, step.done ? tr('youth.advocate_here')
      : tr('youth.advocate_time', { n: step.minutes, time: clock.format(new Date(step.due)) })) : null,
  ];
  const page = h('article', { class: 'youth-page', lang },
    h('h1', {}, tr('youth.title')),
    h('ul', { class: 'youth-first' },
      h('li', {}, tr('youth.not_arrested')),
      h('li', {}, tr('youth.not_trouble')),
      h('li', {}, tr('youth.not_fault'))),
    h('h2', {}, tr('youth.advocate_h')), advocate,
    h('h2', {}, tr('youth.rights_h')),
    h('ul', {},
      h('li', {}, tr('youth.name_right')),
      h('li', {}, tr('youth.exam_right')),
      h('li', {}, tr('youth.ask'))),
    h('h2', {}, tr('youth.help_h')),
    h('p', {}, tr('youth.free')),
    h('ul', { class: 'hotlines' }, hotlines.map((x) => h('li', {},
      h('strong', {}, x.name), h('br'),
      h('a', { href: `tel:${x.phone.replace(/[^\d+]/g, '')}` }, tr('youth.call', { phone: x.phone })),
      x.text ? [h('br'), h('a', { href: `sms:${x.text}` }, tr('youth.text', { number: x.text }))] : null))));

  // for the officer: the page's language, print, back (none of it printed)
  const choose = h('p', { class: 'no-print youth-langs' }, t('youth.show_in'), ' ',
    LANGUAGES.map((l, i) => [i ? ' · ' : '', l === lang ? h('strong', { lang: l }, NAMES[l])
      : h('a', { href: `/cases/${id}/youth?lang=${l}`, lang: l, hreflang: l }, NAMES[l])]));
  const print = h('button', { type: 'button', class: 'primary' }, t('print.print'));
  print.addEventListener('click', () => window.print());
  fill(main, h('div', { class: 'actions no-print' }, print, h('a', { href: `/cases/${id}`, class: 'button' }, t('print.back'))),
    choose, page);
}
