// Response templates: ready texts per verdict, offered on an item's response form.
import { VERDICTS } from '../../src/domain/item.ts';
import { RESPONSE_CHANNELS, RESPONSE_KINDS } from '../../src/domain/response.ts';
import type { ResponseTemplate } from '../../src/domain/response-template.ts';
import type { SessionUser } from '../../src/domain/user.ts';
import { formatDate, t, type Locale } from '../i18n/messages.ts';
import { FormActions } from './form-actions.tsx';
import { VerdictBadge } from './label-badges.tsx';
import { Layout } from './layout.tsx';
import type { FieldError } from './rules-page.tsx';

/** What the template form shows: a stored template being edited, or what was just submitted. */
export interface TemplateFormValues {
  id?: number;
  verdict: string;
  kind: string;
  channel: string;
  title: string;
  text: string;
  enabled: boolean;
}

/** Props of TemplatesPage. */
export interface TemplatesPageProps {
  user: SessionUser;
  locale: Locale;
  templates: readonly ResponseTemplate[];
  canEdit: boolean;
  form?: TemplateFormValues;
  errors?: readonly FieldError[];
  flash?: 'saved';
}

const EMPTY_FORM: TemplateFormValues = { verdict: 'false', kind: 'correction', channel: 'ward_portal', title: '', text: '', enabled: true };

/** Returns the message of a template field's error (a duplicate name's names the existing template). */
export function templateErrorText(locale: Locale, error: FieldError): string {
  if (error.code === 'duplicate' || error.code === 'duplicate_disabled') {
    return t(locale, error.code === 'duplicate' ? 'templates.error.duplicate' : 'templates.error.duplicate_disabled', { id: error.existingId ?? '' });
  }
  return t(locale, error.field === 'title' || error.field === 'text' ? 'templates.error.required' : 'templates.error.choose');
}

function ErrorFor({ errors, field, locale }: { errors: readonly FieldError[]; field: string; locale: Locale }) {
  const error = errors.find((candidate) => candidate.field === field);
  if (!error) return null;
  return (
    <p class="field-error" id={`template-${field}-error`}>
      {templateErrorText(locale, error)}
      {/* A duplicate links to the template it repeats, to change (or switch on) that one instead. */}
      {error.existingId !== undefined && (
        <>
          {' '}
          <a href={`/templates/${error.existingId}`}>{t(locale, 'templates.openExisting', { id: error.existingId })}</a>
        </>
      )}
    </p>
  );
}

function TemplateForm({ locale, form, errors }: { locale: Locale; form: TemplateFormValues; errors: readonly FieldError[] }) {
  const described = (field: string) => (errors.some((error) => error.field === field) ? `template-${field}-error` : undefined);
  return (
    <form class="stack-form card" method="post" action={form.id ? `/templates/${form.id}` : '/templates'}>
      <h2>{form.id ? t(locale, 'templates.edit', { id: form.id }) : t(locale, 'templates.add')}</h2>
      {errors.length > 0 && (
        <p class="alert alert-error" role="alert">
          {t(locale, 'templates.invalid')}
        </p>
      )}
      <label for="template-verdict">{t(locale, 'templates.field.verdict')}</label>
      <select id="template-verdict" name="verdict" aria-describedby={described('verdict')}>
        {VERDICTS.map((verdict) => (
          <option value={verdict} selected={form.verdict === verdict}>
            {t(locale, `verdict.${verdict}`)}
          </option>
        ))}
      </select>
      <ErrorFor errors={errors} field="verdict" locale={locale} />
      <label for="template-kind">{t(locale, 'item.responseKind')}</label>
      <select id="template-kind" name="kind" aria-describedby={described('kind')}>
        {RESPONSE_KINDS.map((kind) => (
          <option value={kind} selected={form.kind === kind}>
            {t(locale, `responseKind.${kind}`)}
          </option>
        ))}
      </select>
      <ErrorFor errors={errors} field="kind" locale={locale} />
      <label for="template-channel">{t(locale, 'item.responseChannel')}</label>
      <select id="template-channel" name="channel" aria-describedby={described('channel')}>
        {RESPONSE_CHANNELS.map((channel) => (
          <option value={channel} selected={form.channel === channel}>
            {t(locale, `responseChannel.${channel}`)}
          </option>
        ))}
      </select>
      <ErrorFor errors={errors} field="channel" locale={locale} />
      <label for="template-title">{t(locale, 'templates.field.title')}</label>
      <input id="template-title" name="title" type="text" maxlength={200} required value={form.title} aria-describedby={described('title')} />
      <ErrorFor errors={errors} field="title" locale={locale} />
      <label for="template-text">{t(locale, 'item.responseText')}</label>
      <textarea id="template-text" name="text" rows={5} maxlength={5000} required aria-describedby={described('text')}>
        {form.text}
      </textarea>
      <ErrorFor errors={errors} field="text" locale={locale} />
      <label class="checkbox">
        <input type="checkbox" name="enabled" value="true" checked={form.enabled} /> {t(locale, 'templates.field.enabled')}
      </label>
      <FormActions locale={locale} cancelHref={form.id ? '/templates' : undefined} />
    </form>
  );
}

/** Returns the templates page: the templates by verdict, and the add/edit form for those who may edit. */
export function TemplatesPage(props: TemplatesPageProps) {
  const { user, locale, templates, canEdit, errors = [] } = props;
  return (
    <Layout title={t(locale, 'templates.title')} user={user} locale={locale} section="templates">
      <h1>{t(locale, 'templates.title')}</h1>
      <p class="muted">{t(locale, 'templates.intro')}</p>
      {props.flash && (
        <p class="alert alert-ok" role="status">
          {t(locale, 'templates.saved')}
        </p>
      )}
      {templates.length === 0 ? (
        <p class="muted">{t(locale, 'templates.empty')}</p>
      ) : (
        <ul class="claim-list">
          {templates.map((template) => (
            <li class={`card ${template.enabled ? '' : 'row-disabled'}`} id={`template-${template.id}`}>
              <p>
                <strong>{template.title}</strong> <VerdictBadge verdict={template.verdict} locale={locale} />{' '}
                <span class="muted">
                  {t(locale, `responseKind.${template.kind}`)} · {t(locale, `responseChannel.${template.channel}`)} ·{' '}
                  {t(locale, template.enabled ? 'common.enabled' : 'common.disabled')} · {formatDate(template.updatedAt, locale)}
                </span>
              </p>
              <p class="preserve">{template.text}</p>
              {canEdit && (
                <p>
                  <a class="button" href={`/templates/${template.id}`}>
                    {t(locale, 'common.edit')}
                  </a>
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && <TemplateForm locale={locale} form={props.form ?? EMPTY_FORM} errors={errors} />}
    </Layout>
  );
}
