// The fields of an opinion shared by the MTTQ form and the public form: the opinion, topic,
// residential group and school, each with its label and its errors beside it.
import { CURRENT_CONSENT_VERSION, MAX_FEEDBACK_CHARS } from '../../src/domain/feedback.ts';
import { hasMessage, t, type Locale, type MessageKey } from '../i18n/messages.ts';

/** A field-level validation problem: `code` names the message. */
export interface FeedbackFieldError {
  field: string;
  code: string;
}

/** Returns the message for a feedback validation error code. */
export function feedbackErrorText(locale: Locale, code: string): string {
  const key = `feedbackError.${code}`;
  return hasMessage(key) ? t(locale, key) : t(locale, 'feedbackError.invalid');
}

/** Returns helpers that tie a form's fields to their errors: `aria-invalid`, `aria-describedby`, the error text (`textOf`: the feedback forms' messages unless given). */
export function fieldErrors(
  prefix: string,
  locale: Locale,
  errors: readonly FeedbackFieldError[],
  textOf: (locale: Locale, code: string) => string = feedbackErrorText,
) {
  const errorsFor = (field: string) => errors.filter((error) => error.field === field || error.field.startsWith(`${field}.`));
  const errorId = (field: string) => `${prefix}-${field.replace('.', '-')}-error`;
  const described = (field: string, hint?: string) => (errorsFor(field).length > 0 ? [errorId(field), hint].filter(Boolean).join(' ') : hint);
  const invalid = (field: string) => (errorsFor(field).length > 0 ? 'true' : undefined);
  const ErrorFor = ({ field }: { field: string }) => {
    const mine = errorsFor(field);
    if (mine.length === 0) return null;
    return (
      <p class="field-error" id={errorId(field)}>
        {[...new Set(mine.map((error) => textOf(locale, error.code)))].join(' ')}
      </p>
    );
  };
  return { described, invalid, ErrorFor };
}

/** Returns the opinion, topic, residential group and school fields with ids `${prefix}-<field>`. */
export function OpinionFields(props: {
  prefix: string;
  locale: Locale;
  values: { content: string; topic: string; residentialGroup: string; school: string };
  errors: readonly FeedbackFieldError[];
  residentialGroups: readonly string[];
  schools: readonly string[];
  contentLabel: MessageKey;
  groupLabel: MessageKey;
}) {
  const { prefix, locale, values, residentialGroups, schools } = props;
  const { described, invalid, ErrorFor } = fieldErrors(prefix, locale, props.errors);
  const groupKnown = residentialGroups.length > 0 && (values.residentialGroup === '' || residentialGroups.includes(values.residentialGroup));
  return (
    <>
      <label for={`${prefix}-content`}>{t(locale, props.contentLabel)}</label>
      <textarea
        id={`${prefix}-content`}
        name="content"
        rows={8}
        required
        maxlength={MAX_FEEDBACK_CHARS}
        aria-invalid={invalid('content')}
        aria-describedby={described('content')}
      >
        {values.content}
      </textarea>
      <ErrorFor field="content" />
      <label for={`${prefix}-topic`}>{t(locale, 'feedback.field.topic')}</label>
      <input id={`${prefix}-topic`} name="topic" type="text" maxlength={200} value={values.topic} aria-invalid={invalid('topic')} aria-describedby={described('topic')} />
      <ErrorFor field="topic" />
      <label for={`${prefix}-residentialGroup`}>{t(locale, props.groupLabel)}</label>
      {groupKnown ? (
        <select id={`${prefix}-residentialGroup`} name="residentialGroup" aria-invalid={invalid('residentialGroup')} aria-describedby={described('residentialGroup')}>
          <option value="">{t(locale, 'feedback.choose')}</option>
          {residentialGroups.map((group) => (
            <option value={group} selected={values.residentialGroup === group}>
              {group}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={`${prefix}-residentialGroup`}
          name="residentialGroup"
          type="text"
          maxlength={200}
          value={values.residentialGroup}
          aria-invalid={invalid('residentialGroup')}
          aria-describedby={described('residentialGroup')}
        />
      )}
      <ErrorFor field="residentialGroup" />
      <label for={`${prefix}-school`}>{t(locale, 'feedback.field.school')}</label>
      <input
        id={`${prefix}-school`}
        name="school"
        type="text"
        maxlength={300}
        value={values.school}
        list={schools.length > 0 ? `${prefix}-schools` : undefined}
        aria-invalid={invalid('school')}
        aria-describedby={described('school')}
      />
      {schools.length > 0 && (
        <datalist id={`${prefix}-schools`}>
          {schools.map((school) => (
            <option value={school} />
          ))}
        </datalist>
      )}
      <ErrorFor field="school" />
    </>
  );
}

/** Returns the citizen's name and contact fieldset (optional, personal data: the hint says why it is asked). */
export function CitizenFields(props: {
  prefix: string;
  locale: Locale;
  values: { citizenName: string; citizenContact: string };
  errors: readonly FeedbackFieldError[];
  text: { legend: MessageKey; hint: MessageKey; name: MessageKey; contact: MessageKey };
  /** `off` when an officer types someone else's details; `name`/`tel` when citizens type their own. */
  autocomplete: { name: string; contact: string };
}) {
  const { prefix, locale, values, text } = props;
  const { described, invalid, ErrorFor } = fieldErrors(prefix, locale, props.errors);
  const hint = `${prefix}-citizen-hint`;
  return (
    <fieldset>
      <legend>{t(locale, text.legend)}</legend>
      <p class="muted" id={hint}>
        {t(locale, text.hint)}
      </p>
      <label for={`${prefix}-citizenName`}>{t(locale, text.name)}</label>
      <input
        id={`${prefix}-citizenName`}
        name="citizenName"
        type="text"
        maxlength={200}
        autocomplete={props.autocomplete.name}
        value={values.citizenName}
        aria-invalid={invalid('citizen.name')}
        aria-describedby={described('citizen.name', hint)}
      />
      <ErrorFor field="citizen.name" />
      <label for={`${prefix}-citizenContact`}>{t(locale, text.contact)}</label>
      <input
        id={`${prefix}-citizenContact`}
        name="citizenContact"
        type="text"
        maxlength={200}
        autocomplete={props.autocomplete.contact}
        value={values.citizenContact}
        aria-invalid={invalid('citizen.contact')}
        aria-describedby={described('citizen.contact', hint)}
      />
      <ErrorFor field="citizen.contact" />
    </fieldset>
  );
}

/** Returns the consent fieldset: the purpose text of the current version and the box that gives consent. */
export function ConsentField(props: {
  prefix: string;
  locale: Locale;
  checked: boolean;
  errors: readonly FeedbackFieldError[];
  text: { legend: MessageKey; check: MessageKey };
}) {
  const { prefix, locale } = props;
  const { described, invalid, ErrorFor } = fieldErrors(prefix, locale, props.errors);
  const purpose = `${prefix}-consent-text`;
  return (
    <fieldset>
      <legend>{t(locale, props.text.legend, { version: CURRENT_CONSENT_VERSION })}</legend>
      <p id={purpose}>{t(locale, 'feedback.consentText.1')}</p>
      <label class="checkbox">
        <input
          type="checkbox"
          name="consent"
          value={CURRENT_CONSENT_VERSION}
          checked={props.checked}
          required
          aria-invalid={invalid('consent')}
          aria-describedby={described('consent', purpose)}
        />{' '}
        {t(locale, props.text.check, { version: CURRENT_CONSENT_VERSION })}
      </label>
      <ErrorFor field="consent" />
    </fieldset>
  );
}
