// One item: highlighted title and body, why it was flagged, and the triage buttons.
import type { ExplanationSpan, Label, TextField } from '../../src/domain/classification.ts';
import { canChangeStatus, DISMISS_REASONS, explainPriority, VERDICTS, type ClusterMember, type DismissReason, type Item, type ItemStatus, type TriageEvent, type Verdict } from '../../src/domain/item.ts';
import { escalationState, RESPONSE_CHANNELS, RESPONSE_KINDS, type ItemResponse, type ResponseChannel, type ResponseKind } from '../../src/domain/response.ts';
import type { ResponseTemplate } from '../../src/domain/response-template.ts';
import { diffSentences, type ArticleRevision } from '../../src/domain/revision.ts';
import type { SessionUser } from '../../src/domain/user.ts';
import { formatDate, formatNumber, hasMessage, t, type Locale, type MessageKey } from '../i18n/messages.ts';
import { HighlightedText } from './highlight-spans.tsx';
import { LabelBadges, StatusBadge, VerdictBadge } from './label-badges.tsx';
import { reasonSource } from './reason-source.ts';
import { Layout } from './layout.tsx';
import { safeHttpUrl } from './safe-http-url.ts';
import { denialReason, type DenialRow } from './denials-page.tsx';
import { fieldErrors, type FeedbackFieldError } from './opinion-fields.tsx';

/** Props of ItemPage. `canTriage` comes from the route's role check. */
export interface ItemPageProps {
  user: SessionUser;
  locale: Locale;
  /** The item, with when a response is due when it has a deadline. */
  item: Item & { dueAt?: Date | null };
  canTriage: boolean;
  /** The audit trail, oldest first. */
  events?: readonly TriageEvent[];
  /** Outcome of the last action: `saved` or `conflict`. */
  flash?: string;
  /** What re-checks found at the source, newest first. */
  revisions?: readonly ArticleRevision[];
  /** Every item telling the same story (this one included), oldest first. */
  members?: readonly ClusterMember[];
  /** Who the item is assigned to (a user id), or null. */
  assigneeId?: number | null;
  /** Whom triage may assign the item to (staff and admins); also names the current assignee. */
  assignees?: readonly SessionUser[];
  /** What was done about the item, oldest first. */
  responses?: readonly ItemResponse[];
  /** Response templates offered for the item's verdict. */
  templates?: readonly ResponseTemplate[];
  /** What a chosen template (`?template=ID`) fills the response form with. */
  prefill?: ResponsePrefill;
  /** The instant escalation due dates are compared with. */
  now?: Date;
  /** The citizen's submission this item came from (feedback form), shown to triage roles. */
  feedbackId?: number | null;
  /** Refused actions on this item (stale edits, missing rights), newest first. */
  denials?: readonly DenialRow[];
  /** What was typed in a refused form, shown again with why. */
  forms?: ItemPageForms;
  /**
   * After an edit conflict: the audit-trail entries made since the person's form was shown (what
   * changed meanwhile), or null when the form did not say which entry it had seen.
   */
  meanwhile?: readonly TriageEvent[] | null;
}

/** The response form's fields as typed. */
export interface ResponseFormValues {
  kind: string;
  channel: string;
  text: string;
  link: string;
  respondedAt: string;
  escalatedTo: string;
  dueAt: string;
}

/** A refused form of the item page: what was typed and why it was refused. */
export interface ItemPageForms {
  response?: { values: ResponseFormValues; errors: readonly FeedbackFieldError[] };
  answer?: { responseId: number; values: { answer: string; answeredAt: string }; errors: readonly FeedbackFieldError[] };
  /** The decision form as typed, before an edit conflict (no errors) or a refusal (why). */
  decision?: { note: string; verdict?: Verdict | null; assigneeId?: number | null; errors: readonly FeedbackFieldError[] };
  /** The status chosen (and why it is dismissed), before an edit conflict (no errors) or a refusal (why). */
  status?: { status: ItemStatus; dismissReason?: DismissReason; errors: readonly FeedbackFieldError[] };
}

/** The response form's fields the general refusal banner (item.flash.invalid) speaks of. */
const RESPONSE_MAIN_FIELDS = ['kind', 'channel', 'text', 'link'];

/** Returns the banner of a refused form, naming only that form's fields. */
function refusalBanner(forms: ItemPageForms): MessageKey {
  if (forms.answer) return 'items.flash.answerInvalid';
  if (forms.status && forms.status.errors.length > 0) return 'items.fieldError.dismiss_reason_required';
  if (forms.decision && forms.decision.errors.length > 0) return 'items.flash.decisionInvalid';
  const fields = forms.response?.errors.map((error) => error.field);
  // Only the time, agency or due date refused: the general banner would name none of them.
  if (fields && !fields.some((field) => RESPONSE_MAIN_FIELDS.includes(field))) return 'items.flash.responseDetailsInvalid';
  return 'item.flash.invalid';
}

/** Returns the message of an item form's field error. */
function itemErrorText(locale: Locale, code: string): string {
  const key = `items.fieldError.${code}`;
  return hasMessage(key) ? t(locale, key) : t(locale, 'items.fieldError.invalid');
}

/** The response form's values from a chosen template. */
export interface ResponsePrefill {
  templateId: number;
  kind: ResponseKind;
  channel: ResponseChannel;
  text: string;
}

function RevisionList({ revisions, locale }: { revisions: readonly ArticleRevision[]; locale: Locale }) {
  const changes = revisions.filter((revision) => revision.change !== 'baseline');
  if (changes.length === 0) return null;
  return (
    <ol class="revision-list">
      {changes.map((revision) => {
        // What changed: against the next older revision that had content.
        const older = revisions.slice(revisions.indexOf(revision) + 1).find((candidate) => candidate.body !== null);
        const diff = revision.body !== null && older?.body != null ? diffSentences(older.body, revision.body) : null;
        return (
          <li>
            <time>{formatDate(revision.fetchedAt, locale)}</time> {t(locale, `revision.${revision.change}` as 'revision.edited')}
            {revision.httpStatus !== null && revision.change === 'removed' && <span class="muted"> (HTTP {String(revision.httpStatus)})</span>}
            {diff && (diff.added.length > 0 || diff.removed.length > 0) && (
              <div class="revision-diff">
                {diff.removed.map((sentence) => (
                  <p class="diff-removed">− {sentence}</p>
                ))}
                {diff.added.map((sentence) => (
                  <p class="diff-added">+ {sentence}</p>
                ))}
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/** Returns what an audit-trail entry says, e.g. "lan changed Status from New to In review". */
function eventLine(event: TriageEvent, locale: Locale): string {
  const valueText = (field: string, value: string | null) => {
    if (!value) return t(locale, 'common.none');
    if (field === 'status') return t(locale, `status.${value}` as 'status.new');
    if (field === 'verdict') return t(locale, `verdict.${value}` as 'verdict.fake');
    return value;
  };
  const fieldText = (field: string) =>
    field === 'status' || field === 'verdict' || field === 'assignee'
      ? t(locale, `item.eventField.${field}`)
      : field;
  const lineOf = (event: TriageEvent) => {
    const who = event.username ?? '—';
    if (event.field === 'note') return t(locale, 'item.eventNote', { who });
    if (event.field === 'response') return t(locale, 'item.eventResponse', { who, what: event.toValue ?? '—' });
    if (event.field === 'answer') return t(locale, 'escalation.eventAnswer', { who, from: event.toValue ?? '—' });
    return t(locale, 'item.eventLine', {
      who,
      field: fieldText(event.field),
      from: valueText(event.field, event.fromValue),
      to: valueText(event.field, event.toValue),
    });
  };
  return lineOf(event);
}

function EventList({ events, locale }: { events: readonly TriageEvent[]; locale: Locale }) {
  if (events.length === 0) return <p class="muted">{t(locale, 'item.eventsEmpty')}</p>;
  return (
    <ol class="event-list">
      {events.map((event) => (
        <li>
          <time>{formatDate(event.at, locale)}</time> {eventLine(event, locale)}
          {event.note && <span class="muted preserve"> · {event.note}</span>}
        </li>
      ))}
    </ol>
  );
}

function DecisionForm({
  item,
  locale,
  assigneeId: storedAssignee,
  assignees,
  typed,
  seenEvent,
}: {
  item: Item;
  locale: Locale;
  assigneeId: number | null;
  assignees: readonly SessionUser[];
  typed?: ItemPageForms['decision'];
  seenEvent: number;
}) {
  const { described, invalid, ErrorFor } = fieldErrors('decision', locale, typed?.errors ?? [], itemErrorText);
  // What the person chose stays chosen after a conflict or a refusal: nothing is reset to the stored values.
  const verdict = typed?.verdict !== undefined ? typed.verdict : item.verdict;
  const assigneeId = typed?.assigneeId !== undefined ? typed.assigneeId : storedAssignee;
  return (
    <form method="post" action={`/items/${item.id}/decision`} class="decision-form">
      <input type="hidden" name="version" value={String(item.version)} />
      <input type="hidden" name="seen" value={String(seenEvent)} />
      <label>
        {t(locale, 'item.verdict')}
        <select name="verdict" aria-invalid={invalid('verdict')} aria-describedby={described('verdict')}>
          <option value="" selected={verdict === null}>
            {t(locale, 'item.noVerdict')}
          </option>
          {VERDICTS.map((value) => (
            <option value={value} selected={verdict === value}>
              {t(locale, `verdict.${value}`)}
            </option>
          ))}
        </select>
      </label>
      <ErrorFor field="verdict" />
      <label>
        {t(locale, 'item.assignee')}
        <select name="assigneeId" aria-invalid={invalid('assigneeId')} aria-describedby={described('assigneeId')}>
          <option value="" selected={assigneeId === null}>
            {t(locale, 'item.unassigned')}
          </option>
          {assignees.map((assignee) => (
            <option value={String(assignee.id)} selected={assigneeId === assignee.id}>
              {assignee.username}
            </option>
          ))}
          {/* Someone no longer able to triage stays selected, so saving the form does not unassign them by accident. */}
          {assigneeId !== null && !assignees.some((assignee) => assignee.id === assigneeId) && (
            <option value={String(assigneeId)} selected>
              #{String(assigneeId)}
            </option>
          )}
        </select>
      </label>
      <ErrorFor field="assigneeId" />
      <label>
        {t(locale, 'item.note')}
        <textarea name="note" rows={2} maxlength={2000} aria-invalid={invalid('note')} aria-describedby={described('note')}>
          {typed?.note ?? ''}
        </textarea>
      </label>
      <ErrorFor field="note" />
      <button type="submit" class="button">
        {t(locale, 'item.saveDecision')}
      </button>
    </form>
  );
}

function TemplateLinks({ item, locale, templates, prefill }: { item: Item; locale: Locale; templates: readonly ResponseTemplate[]; prefill?: ResponsePrefill }) {
  if (templates.length === 0) {
    return (
      <p class="muted">
        {t(locale, 'templates.noneForItem')} <a href="/templates">{t(locale, 'templates.manage')}</a>
      </p>
    );
  }
  return (
    <nav class="template-links" aria-label={t(locale, 'templates.offered')}>
      <p>
        {t(locale, item.verdict ? 'templates.offeredFor' : 'templates.offeredAll', {
          verdict: item.verdict ? t(locale, `verdict.${item.verdict}`) : '',
        })}
      </p>
      <ul>
        {templates.map((template) => (
          <li>
            <a
              href={`/items/${item.id}?template=${template.id}#respond`}
              aria-current={prefill?.templateId === template.id ? 'true' : undefined}
            >
              {template.title}
            </a>{' '}
            <span class="muted">
              · {t(locale, `responseKind.${template.kind}`)} · {t(locale, `responseChannel.${template.channel}`)}
            </span>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function ResponseForm({
  item,
  locale,
  prefill,
  refused,
}: {
  item: Item;
  locale: Locale;
  prefill?: ResponsePrefill;
  refused?: ItemPageForms['response'];
}) {
  const values: Partial<ResponseFormValues> = refused?.values ?? prefill ?? {};
  const { described, invalid, ErrorFor } = fieldErrors('respond', locale, refused?.errors ?? [], itemErrorText);
  return (
    <form method="post" action={`/items/${item.id}/responses`} class="response-form" id="respond">
      <label>
        {t(locale, 'item.responseKind')}
        <select name="kind" required aria-invalid={invalid('kind')} aria-describedby={described('kind')}>
          {RESPONSE_KINDS.map((kind) => (
            <option value={kind} selected={values.kind === kind}>
              {t(locale, `responseKind.${kind}`)}
            </option>
          ))}
        </select>
      </label>
      <ErrorFor field="kind" />
      <label>
        {t(locale, 'item.responseChannel')}
        <select name="channel" required aria-invalid={invalid('channel')} aria-describedby={described('channel')}>
          {RESPONSE_CHANNELS.map((channel) => (
            <option value={channel} selected={values.channel === channel}>
              {t(locale, `responseChannel.${channel}`)}
            </option>
          ))}
        </select>
      </label>
      <ErrorFor field="channel" />
      <label>
        {t(locale, 'item.responseText')}
        <textarea name="text" rows={prefill || refused ? 6 : 3} maxlength={5000} required aria-invalid={invalid('text')} aria-describedby={described('text')}>
          {values.text ?? ''}
        </textarea>
      </label>
      <ErrorFor field="text" />
      <label>
        {t(locale, 'item.responseLink')}
        <input type="url" name="link" maxlength={2000} value={values.link ?? ''} aria-invalid={invalid('link')} aria-describedby={described('link')} />
      </label>
      <ErrorFor field="link" />
      <label>
        {t(locale, 'item.respondedAt')}
        <input
          type="datetime-local"
          name="respondedAt"
          value={values.respondedAt ?? ''}
          aria-invalid={invalid('respondedAt')}
          aria-describedby={described('respondedAt')}
        />
      </label>
      <ErrorFor field="respondedAt" />
      <label>
        {t(locale, 'item.escalatedTo')}
        <input
          type="text"
          name="escalatedTo"
          maxlength={300}
          value={values.escalatedTo ?? ''}
          aria-invalid={invalid('escalatedTo')}
          aria-describedby={described('escalatedTo')}
        />
      </label>
      <ErrorFor field="escalatedTo" />
      <label>
        {t(locale, 'item.escalationDue')}
        <input type="date" name="dueAt" value={values.dueAt ?? ''} aria-invalid={invalid('dueAt')} aria-describedby={described('dueAt')} />
      </label>
      <ErrorFor field="dueAt" />
      <button type="submit" class="button">
        {t(locale, 'item.saveResponse')}
      </button>
    </form>
  );
}

function EscalationAnswer({
  item,
  response,
  locale,
  now,
  canTriage,
  refused,
}: {
  item: Item;
  response: ItemResponse;
  locale: Locale;
  now: Date;
  canTriage: boolean;
  refused?: ItemPageForms['answer'];
}) {
  const state = escalationState(response, now);
  if (state === 'none') return null;
  if (state === 'answered') {
    return (
      <div class="escalation-answer">
        <p>
          <span class="badge escalation-answered">{t(locale, 'escalation.answered')}</span>{' '}
          {t(locale, 'escalation.answeredOn', { date: formatDate(response.answeredAt ?? null, locale) })}
        </p>
        <p class="preserve">{response.answer}</p>
      </div>
    );
  }
  const due = response.dueAt ? formatDate(response.dueAt, locale) : null;
  const mine = refused?.responseId === response.id ? refused : undefined;
  const { described, invalid, ErrorFor } = fieldErrors(`answer-${response.id}`, locale, mine?.errors ?? [], itemErrorText);
  return (
    <div class="escalation-answer">
      <p>
        <span class={`badge escalation-${state}`}>
          {state === 'overdue' ? t(locale, 'escalation.overdue', { due: due ?? '—' }) : due ? t(locale, 'escalation.awaitingDue', { due }) : t(locale, 'escalation.awaiting')}
        </span>
      </p>
      {canTriage && (
        <form method="post" action={`/items/${item.id}/responses/${response.id}/answer`} class="answer-form">
          <label>
            {t(locale, 'escalation.answer')}
            <textarea name="answer" rows={2} maxlength={5000} required aria-invalid={invalid('answer')} aria-describedby={described('answer')}>
              {mine?.values.answer ?? ''}
            </textarea>
          </label>
          <ErrorFor field="answer" />
          <label>
            {t(locale, 'escalation.answeredAt')}
            <input
              type="datetime-local"
              name="answeredAt"
              value={mine?.values.answeredAt ?? ''}
              aria-invalid={invalid('answeredAt')}
              aria-describedby={described('answeredAt')}
            />
          </label>
          <ErrorFor field="answeredAt" />
          <button type="submit" class="button">
            {t(locale, 'escalation.saveAnswer')}
          </button>
        </form>
      )}
    </div>
  );
}

function ResponseList({
  item,
  responses,
  locale,
  now,
  canTriage,
  refused,
}: {
  item: Item;
  responses: readonly ItemResponse[];
  locale: Locale;
  now: Date;
  canTriage: boolean;
  refused?: ItemPageForms['answer'];
}) {
  if (responses.length === 0) return <p class="muted">{t(locale, 'item.responsesEmpty')}</p>;
  return (
    <ol class="response-list">
      {responses.map((response) => {
        const link = response.link ? safeHttpUrl(response.link) : null;
        return (
          <li id={`response-${response.id}`}>
            <time>{formatDate(response.respondedAt, locale)}</time> {t(locale, `responseKind.${response.kind}`)} ·{' '}
            {t(locale, `responseChannel.${response.channel}`)}{' '}
            <span class="muted">· {t(locale, 'item.responseBy', { who: response.createdByName ?? '—' })}</span>
            {response.escalatedTo && (
              <p>
                {t(locale, 'item.escalatedToLine', {
                  to: response.escalatedTo,
                  due: response.dueAt ? formatDate(response.dueAt, locale) : t(locale, 'common.none'),
                })}
              </p>
            )}
            <p class="preserve">{response.text}</p>
            {link && (
              <p class="break">
                <a href={link} rel="noopener noreferrer nofollow" target="_blank">
                  {response.link}
                </a>
              </p>
            )}
            <EscalationAnswer item={item} response={response} locale={locale} now={now} canTriage={canTriage} refused={refused} />
          </li>
        );
      })}
    </ol>
  );
}

/** The status buttons triage offers, in the order shown. */
const TRIAGE_TARGETS = [
  'in_review',
  'responded',
  'escalated',
  'dismissed',
] as const satisfies readonly ItemStatus[];

function spansOf(item: Item, field: TextField): ExplanationSpan[] {
  return (item.classification?.spans ?? []).filter((span) => span.field === field);
}

/** Returns the priority spelled out from its parts, e.g. "Tin sai lệch +300 · Tiêu cực +200 · then newer first". */
export function priorityExplanation(item: Pick<Item, 'labels'>, locale: Locale): string {
  return explainPriority(item.labels)
    .map((part) =>
      part.reason === 'recency'
        ? t(locale, 'item.priorityRecency')
        : t(locale, 'item.priorityPart', { label: t(locale, `label.${part.reason}`), points: part.points }),
    )
    .join(' · ');
}

function formatScore(score: number, locale: Locale): string {
  return formatNumber(score, locale, { digits: 2, fixed: true });
}

function OriginalLink({ url, locale }: { url: string | null; locale: Locale }) {
  if (!url) return <>{t(locale, 'common.none')}</>;
  const safe = safeHttpUrl(url);
  if (safe) {
    return (
      <a class="original-link" href={safe} rel="noopener noreferrer nofollow" target="_blank">
        {url}
      </a>
    );
  }
  return (
    <>
      <span class="unsafe-url">{url}</span> <span class="muted">{t(locale, 'item.unsafeLink')}</span>
    </>
  );
}

/** Returns what the person chose on a status form that was not saved (conflict), said against where the item now is. */
function chosenStatusText(item: Item, chosen: NonNullable<ItemPageForms['status']>, locale: Locale): string[] {
  const status = t(locale, `status.${chosen.status}`);
  const lines = [
    chosen.status === 'dismissed' && chosen.dismissReason
      ? t(locale, 'item.conflict.chosenStatusReason', { status, reason: t(locale, `dismissReason.${chosen.dismissReason}`) })
      : t(locale, 'item.conflict.chosenStatus', { status }),
  ];
  if (chosen.status === item.status) lines.push(t(locale, 'item.conflict.statusAlready', { status: t(locale, `status.${item.status}`) }));
  else if (!canChangeStatus(item.status, chosen.status)) {
    lines.push(t(locale, 'item.conflict.statusNotAllowed', { status: t(locale, `status.${item.status}`), target: status }));
  }
  return lines;
}

function StatusForms({ item, locale, chosen, seenEvent }: { item: Item; locale: Locale; chosen?: ItemPageForms['status']; seenEvent: number }) {
  const targets = TRIAGE_TARGETS.filter(
    (target) => target !== item.status && canChangeStatus(item.status, target),
  );
  const { described, invalid, ErrorFor } = fieldErrors('status', locale, chosen?.errors ?? [], itemErrorText);
  if (targets.length === 0) return <p class="muted">{t(locale, 'item.noActions')}</p>;
  return (
    <div class="status-actions">
      {targets.map((target) => {
        const mine = chosen?.status === target;
        return (
          <form
            method="post"
            action={`/items/${item.id}/status`}
            data-confirm={target === 'dismissed' ? t(locale, 'item.confirmDismiss') : undefined}
            class={mine ? 'status-chosen' : undefined}
          >
            <input type="hidden" name="status" value={target} />
            <input type="hidden" name="version" value={String(item.version)} />
            <input type="hidden" name="seen" value={String(seenEvent)} />
            {target === 'dismissed' && (
              // Why it is dismissed decides whether the weekly report still counts it and whether
              // retraining learns from it: the form asks every time.
              <>
                <label class="dismiss-reason">
                  {t(locale, 'items.bulk.dismissReason')}{' '}
                  <select name="dismissReason" required aria-invalid={invalid('dismissReason')} aria-describedby={described('dismissReason')}>
                    <option value="">{t(locale, 'common.none')}</option>
                    {DISMISS_REASONS.map((reason) => (
                      <option value={reason} selected={mine && chosen?.dismissReason === reason}>
                        {t(locale, `dismissReason.${reason}`)}
                      </option>
                    ))}
                  </select>
                </label>
                <ErrorFor field="dismissReason" />
              </>
            )}
            <button type="submit" class={`button action-${target}`} aria-current={mine ? 'true' : undefined} title={mine ? t(locale, 'item.chosenTarget') : undefined}>
              {t(locale, `item.action.${target}`)}
            </button>
          </form>
        );
      })}
    </div>
  );
}

/** How the item page says a form was not saved because the item changed: what the person chose (still in the forms) and what changed meanwhile. */
function ConflictDetails({
  item,
  locale,
  forms,
  meanwhile,
}: {
  item: Item;
  locale: Locale;
  forms: ItemPageForms;
  meanwhile: readonly TriageEvent[] | null | undefined;
}) {
  return (
    <div class="alert alert-error conflict-details" role="alert">
      <p>{t(locale, 'item.flash.conflict')}</p>
      {forms.status && chosenStatusText(item, forms.status, locale).map((line) => <p class="conflict-chosen">{line}</p>)}
      {(forms.status || forms.decision) && <p>{t(locale, 'item.conflict.kept')}</p>}
      {meanwhile && meanwhile.length > 0 ? (
        <>
          <p>{t(locale, 'item.conflict.meanwhile')}</p>
          <ul class="conflict-meanwhile">
            {meanwhile.map((event) => (
              <li>
                <time>{formatDate(event.at, locale)}</time> {eventLine(event, locale)}
                {event.note && <span class="preserve"> · {event.note}</span>}
              </li>
            ))}
          </ul>
        </>
      ) : (
        meanwhile !== undefined && <p class="muted">{t(locale, 'item.conflict.meanwhileUnknown')}</p>
      )}
    </div>
  );
}

/**
 * Returns the reasons shown under "why it was flagged": each matched span once per category and kind
 * of source (built-in keyword, staff rule, place, model), as two seed rules matching the same words
 * would list it twice; the heavier rule is the one shown. A model and a rule agreeing on the same
 * words are both shown: each is a reason of its own.
 */
export function distinctReasons(spans: readonly ExplanationSpan[]): ExplanationSpan[] {
  const keyOf = (span: ExplanationSpan) => [span.field, span.start, span.end, span.category, span.ruleId.split(':', 1)[0]].join('\u0000');
  const kept = new Map<string, ExplanationSpan>();
  for (const span of spans) {
    const seen = kept.get(keyOf(span));
    if (!seen || span.weight > seen.weight) kept.set(keyOf(span), span);
  }
  return spans.filter((span) => kept.get(keyOf(span)) === span);
}

/** Returns the item page: highlighted text, labels, scores, source, safe link, status and actions. */
export function ItemPage({
  user,
  locale,
  item,
  canTriage,
  events = [],
  flash,
  revisions = [],
  members = [],
  assigneeId = null,
  assignees = [],
  responses = [],
  templates = [],
  prefill,
  now = new Date(),
  feedbackId = null,
  denials = [],
  forms = {},
  meanwhile,
}: ItemPageProps) {
  const classification = item.classification;
  const title = item.title.trim() || t(locale, 'items.noTitle');
  const scoreEntries = Object.entries(classification?.scores ?? {}) as [Label, number][];
  const spans = distinctReasons(classification?.spans ?? []).sort(
    (a, b) => (a.field === b.field ? a.start - b.start : a.field === 'title' ? -1 : 1),
  );
  // The newest audit-trail entry the forms were made after: a conflict lists the ones since.
  const seenEvent = events.reduce((last, event) => Math.max(last, event.id), 0);
  // The whole story, as the queue counts it; the list may hold only the first of them.
  const storySize = Math.max(item.clusterSize, members.length);
  return (
    <Layout title={title} user={user} locale={locale} section="items" backPath={`/items/${item.id}`}>
      <p>
        <a href="/items">← {t(locale, 'item.back')}</a>
      </p>
      {flash === 'saved' && (
        <p class="alert alert-ok" role="status">
          {t(locale, 'item.flash.saved')}
        </p>
      )}
      {flash === 'conflict' && <ConflictDetails item={item} locale={locale} forms={forms} meanwhile={meanwhile} />}
      {flash === 'answer_exists' && (
        <p class="alert alert-error" role="alert">
          {t(locale, 'escalation.flash.exists')}
        </p>
      )}
      {flash === 'invalid' && (
        <p class="alert alert-error" role="alert">
          {t(locale, refusalBanner(forms))}
        </p>
      )}
      {item.revisionState && (
        <p class={`alert ${item.revisionState === 'removed' ? 'alert-error' : 'alert-info'}`} role="status">
          {t(locale, item.revisionState === 'removed' ? 'item.sourceRemoved' : 'item.sourceEdited')}
        </p>
      )}
      <article class="item">
        <h1 class="item-title preserve">
          {item.title.trim() ? (
            <HighlightedText text={item.title} spans={spansOf(item, 'title')} locale={locale} />
          ) : (
            title
          )}
        </h1>
        <p class="item-meta">
          <StatusBadge status={item.status} locale={locale} />
          {item.verdict && <VerdictBadge verdict={item.verdict} locale={locale} />}
          <LabelBadges labels={item.labels} locale={locale} />
        </p>

        {canTriage && (
          <section class="card triage" aria-labelledby="triage-heading">
            <h2 id="triage-heading">{t(locale, 'item.actions')}</h2>
            <StatusForms item={item} locale={locale} chosen={forms.status} seenEvent={seenEvent} />
            <h3>{t(locale, 'item.decision')}</h3>
            <DecisionForm item={item} locale={locale} assigneeId={assigneeId} assignees={assignees} typed={forms.decision} seenEvent={seenEvent} />
          </section>
        )}

        {(classification?.claimMatches ?? []).length > 0 && (
          <section aria-labelledby="claims-heading">
            <h2 id="claims-heading">{t(locale, 'item.claims')}</h2>
            {classification!.claimMatches!.map((match) => (
              <div class="claim-match">
                <p>
                  <a href={`/claims#claim-${match.claimId}`}>
                    {t(locale, 'item.claimMatch', { id: match.claimId, score: formatScore(match.score, locale) })}
                  </a>{' '}
                  <VerdictBadge verdict={match.verdict} locale={locale} />
                </p>
                {match.correction && (
                  <p class="preserve">
                    <strong>{t(locale, 'item.claimCorrection')}:</strong> {match.correction}
                  </p>
                )}
              </div>
            ))}
          </section>
        )}

        {members.length > 1 && (
          <section aria-labelledby="members-heading">
            <h2 id="members-heading">{t(locale, 'item.members', { count: formatNumber(storySize, locale) })}</h2>
            {members.length < storySize && (
              <p class="muted members-capped">
                {t(locale, 'item.membersCapped', { shown: formatNumber(members.length, locale), count: formatNumber(storySize, locale) })}
              </p>
            )}
            <ul class="member-list">
              {members.map((member) => (
                <li>
                  {member.id === item.id ? (
                    <strong>{member.title}</strong>
                  ) : (
                    <a href={`/items/${member.id}`}>{member.title}</a>
                  )}{' '}
                  <span class="muted">
                    · {member.sourceName} · {formatDate(member.publishedAt, locale)} · {t(locale, `status.${member.status}`)}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        )}

        <section aria-labelledby="body-heading">
          <h2 id="body-heading">{t(locale, 'item.body')}</h2>
          <div class="item-body preserve">
            {item.body ? (
              <HighlightedText text={item.body} spans={spansOf(item, 'body')} locale={locale} />
            ) : (
              <span class="muted">{t(locale, 'item.emptyBody')}</span>
            )}
          </div>
        </section>

        <section aria-labelledby="why-heading">
          <h2 id="why-heading">{t(locale, 'item.why')}</h2>
          {!classification ? (
            <p class="muted">{t(locale, 'item.notClassified')}</p>
          ) : spans.length === 0 ? (
            <p class="muted">{t(locale, 'item.whyEmpty')}</p>
          ) : (
            <ul class="why-list">
              {spans.map((span) => {
                const source = reasonSource(locale, span.ruleId);
                return (
                  <li>
                    <span class={`badge reason flag-${span.category}`}>{span.text}</span>{' '}
                    {t(locale, `category.${span.category}`)}
                    {' · '}
                    {t(locale, span.field === 'title' ? 'item.inTitle' : 'item.inBody')}
                    <span class="muted">
                      {' · '}
                      {/* The raw rule id stays in the tooltip for whoever debugs the classifier. */}
                      {source.href ? (
                        <a href={source.href} title={span.ruleId}>
                          {source.text}
                        </a>
                      ) : (
                        <span title={span.ruleId}>{source.text}</span>
                      )}{' '}
                      ({formatScore(span.weight, locale)})
                    </span>
                  </li>
                );
              })}
            </ul>
          )}
        </section>

        {revisions.some((revision) => revision.change !== 'baseline') && (
          <section aria-labelledby="revisions-heading">
            <h2 id="revisions-heading">{t(locale, 'item.revisions')}</h2>
            <RevisionList revisions={revisions} locale={locale} />
          </section>
        )}

        <section aria-labelledby="responses-heading">
          <h2 id="responses-heading">{t(locale, 'item.responses')}</h2>
          <ResponseList item={item} responses={responses} locale={locale} now={now} canTriage={canTriage} refused={forms.answer} />
          {canTriage && (
            <>
              <h3>{t(locale, 'item.responseForm')}</h3>
              <TemplateLinks item={item} locale={locale} templates={templates} prefill={prefill} />
              <ResponseForm item={item} locale={locale} prefill={prefill} refused={forms.response} />
            </>
          )}
        </section>

        <section aria-labelledby="events-heading">
          <h2 id="events-heading">{t(locale, 'item.events')}</h2>
          <EventList events={events} locale={locale} />
          {denials.length > 0 && (
            <>
              <h3>{t(locale, 'item.denials')}</h3>
              <ol class="event-list">
                {denials.map((denial) => (
                  <li>
                    <time>{formatDate(denial.at, locale)}</time>{' '}
                    {t(locale, 'item.denialLine', { who: denial.username ?? t(locale, 'denials.signedOut'), reason: denialReason(locale, denial.status, denial.code) })}
                  </li>
                ))}
              </ol>
            </>
          )}
          <p>
            <a href={`/api/items/${item.id}/events.csv`} download>
              {t(locale, 'item.exportEvents')}
            </a>
          </p>
        </section>

        <section aria-labelledby="details-heading">
          <h2 id="details-heading">{t(locale, 'item.details')}</h2>
          <dl class="details">
            <dt>{t(locale, 'item.source')}</dt>
            <dd>
              {item.sourceName}
              {feedbackId ? (
                <>
                  {' · '}
                  <a href={`/feedback/${feedbackId}`}>{t(locale, 'item.feedbackSubmission')}</a>
                </>
              ) : null}
            </dd>
            <dt>{t(locale, 'item.originalLink')}</dt>
            <dd class="break">
              <OriginalLink url={item.url} locale={locale} />
            </dd>
            <dt>{t(locale, 'item.author')}</dt>
            <dd>{item.author ?? t(locale, 'common.none')}</dd>
            <dt>{t(locale, 'item.published')}</dt>
            <dd>{formatDate(item.publishedAt, locale)}</dd>
            <dt>{t(locale, 'item.collected')}</dt>
            <dd>{formatDate(item.collectedAt, locale)}</dd>
            <dt>{t(locale, 'item.status')}</dt>
            <dd>{t(locale, `status.${item.status}`)}</dd>
            <dt>{t(locale, 'item.verdict')}</dt>
            <dd>{item.verdict ? t(locale, `verdict.${item.verdict}`) : t(locale, 'common.none')}</dd>
            <dt>{t(locale, 'item.assignee')}</dt>
            <dd>
              {assigneeId === null
                ? t(locale, 'item.unassigned')
                : (assignees.find((assignee) => assignee.id === assigneeId)?.username ?? `#${assigneeId}`)}
            </dd>
            {item.dismissReason && (
              <>
                <dt>{t(locale, 'item.dismissReason')}</dt>
                <dd>{t(locale, `dismissReason.${item.dismissReason}`)}</dd>
              </>
            )}
            <dt>{t(locale, 'item.priority')}</dt>
            <dd>
              {String(item.priority)}
              <span class="muted priority-explained"> = {priorityExplanation(item, locale)}</span>
            </dd>
            <dt>{t(locale, 'item.dueAt')}</dt>
            <dd>{formatDate(item.dueAt ?? null, locale)}</dd>
            <dt>{t(locale, 'item.scores')}</dt>
            <dd>
              {scoreEntries.length === 0 ? (
                t(locale, 'common.none')
              ) : (
                <ul class="scores">
                  {scoreEntries.map(([label, score]) => (
                    <li>
                      <span class={`badge label-${label}`}>{t(locale, `label.${label}`)}</span>{' '}
                      {formatScore(score, locale)}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
            <dt>{t(locale, 'item.classifierVersion')}</dt>
            <dd>{classification?.version ?? t(locale, 'common.none')}</dd>
          </dl>
        </section>
      </article>
    </Layout>
  );
}
