// What produced an explanation span, in words staff understand. The rule ids the classifier stores
// (`seed:…`, `staff:<id>`, `place:<name>`, `model:<name>`, see src/classifiers/classify.ts) mean
// nothing to staff; views show this text and keep the raw id in a `title` for technical support.
import { t, type Locale } from '../i18n/messages.ts';

/** A span's origin as shown: the text, and where to read the rule when it has a page. */
export interface ReasonSource {
  text: string;
  /** The staff rule's row on /rules (an anchor), for `staff:<id>` only. */
  href?: string;
}

/** Returns what produced a span with this rule id; an id of an unknown kind is shown as is. */
export function reasonSource(locale: Locale, ruleId: string): ReasonSource {
  const colon = ruleId.indexOf(':');
  const kind = colon === -1 ? ruleId : ruleId.slice(0, colon);
  const rest = colon === -1 ? '' : ruleId.slice(colon + 1);
  switch (kind) {
    case 'seed':
      // The seed rule's own id names only its category and phrase, which the span already shows.
      return { text: t(locale, 'reason.seed') };
    case 'staff':
      if (/^\d+$/.test(rest)) return { text: t(locale, 'reason.staff', { id: rest }), href: `/rules#rule-${rest}` };
      break;
    case 'place':
      return { text: t(locale, 'reason.place') };
    case 'model':
      if (rest === 'sentiment') return { text: t(locale, 'reason.modelSentiment') };
      if (rest === 'offensive') return { text: t(locale, 'reason.modelOffensive') };
      break;
  }
  return { text: ruleId };
}
