// GET /api/openapi.json: the API described for clients (OpenAPI 3.1).
import { Hono } from 'hono';
import { LABELS } from '../domain/classification.ts';
import { DISMISS_REASONS, ITEM_STATUSES, VERDICTS } from '../domain/item.ts';
import { RESPONSE_CHANNELS, RESPONSE_KINDS } from '../domain/response.ts';
import { CONSENT_VERSIONS, FEEDBACK_CHANNELS, MAX_FEEDBACK_CHARS } from '../domain/feedback.ts';
import { PUBLIC_STATUSES } from '../domain/public-feedback.ts';
import { ROLES } from '../domain/user.ts';
import type { AppEnv } from './context.ts';
import { FEEDBACK_ATTACHMENTS_SCHEMA, PRIVACY_OPENAPI_PATHS } from './openapi-privacy.ts';
import { API_ERROR_CODES } from './errors.ts';
import { errors, idParam, json, ref } from './openapi-parts.ts';


// The weekly summary for leadership (src/api/reports.ts).
const weekParam = {
  name: 'week',
  in: 'query',
  required: false,
  description: 'ISO week in Asia/Ho_Chi_Minh, e.g. 2026-W48 (2026-w48 is read the same); default: the last complete week. Malformed → 400 invalid_week; not begun → 422 week_in_future.',
  schema: { type: 'string', pattern: '^\\d{4}-[Ww]\\d{2}$' },
};
const itemStoryCount = { items: { type: 'integer' }, stories: { type: 'integer', description: 'Clusters: the same story in several sources counts once.' } };
const sentimentShares = {
  type: 'object',
  properties: {
    stories: { type: 'integer' },
    negative: { type: 'integer' },
    positive: { type: 'integer' },
    neutral: { type: 'integer' },
    negativeShare: { type: 'number' },
    positiveShare: { type: 'number' },
    neutralShare: { type: 'number' },
  },
};
const storySummary = {
  type: 'object',
  properties: {
    itemId: { type: 'integer' },
    title: { type: 'string' },
    url: { type: ['string', 'null'] },
    sourceName: { type: 'string' },
    copies: { type: 'integer' },
    labels: { type: 'array', items: { type: 'string' } },
    status: { enum: [...ITEM_STATUSES] },
    verdict: { enum: [...VERDICTS, null] },
    responses: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { enum: [...RESPONSE_KINDS] },
          channel: { enum: [...RESPONSE_CHANNELS] },
          respondedAt: { type: 'string', format: 'date-time' },
          link: { type: ['string', 'null'] },
        },
      },
    },
  },
};
const weeklySummary = {
  type: 'object',
  required: ['week', 'from', 'to', 'generatedAt', 'empty', 'totals', 'narrative', 'snapshot'],
  properties: {
    week: { type: 'string' },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    generatedAt: { type: 'string', format: 'date-time' },
    snapshot: { type: 'boolean', description: 'True when this is the stored snapshot (generated Mondays 07:00), false when computed now.' },
    empty: { type: 'boolean' },
    totals: {
      type: 'object',
      properties: { ...itemStoryCount, flaggedStories: { type: 'integer' }, concernStories: { type: 'integer' }, positiveStories: { type: 'integer' } },
    },
    byDay: { type: 'array', items: { type: 'object', properties: { date: { type: 'string', format: 'date' }, ...itemStoryCount } } },
    bySource: { type: 'array', items: { type: 'object', properties: { sourceId: { type: 'integer' }, sourceName: { type: 'string' }, ...itemStoryCount } } },
    byTopic: { type: 'array', items: { type: 'object', properties: { topic: { type: 'string' }, ...itemStoryCount } } },
    sentiment: sentimentShares,
    previousSentiment: { oneOf: [sentimentShares, { type: 'null' }] },
    sentimentChange: {
      type: ['object', 'null'],
      description: 'Percentage points from the week before.',
      properties: { negative: { type: 'number' }, positive: { type: 'number' }, neutral: { type: 'number' } },
    },
    topConcerns: { type: 'array', items: storySummary },
    positiveStories: { type: 'array', items: storySummary },
    responsesByChannel: { type: 'array', items: { type: 'object', properties: { channel: { enum: [...RESPONSE_CHANNELS] }, count: { type: 'integer' } } } },
    responseTime: {
      type: 'object',
      properties: {
        responded: { type: 'integer' },
        medianHours: { type: ['number', 'null'] },
        withinDeadlineShare: { type: ['number', 'null'] },
        overdue: { type: 'integer' },
      },
    },
    feedback: {
      type: 'object',
      properties: {
        received: { type: 'integer' },
        byStatus: { type: 'array', items: { type: 'object', properties: { status: { enum: [...ITEM_STATUSES] }, count: { type: 'integer' } } } },
      },
    },
    narrative: { type: 'array', items: { type: 'string' }, description: 'Vietnamese paragraphs written from the figures by templates.' },
  },
};
const reportSettings = {
  type: 'object',
  required: ['wardName', 'place', 'recipients', 'signerTitle', 'signerName'],
  additionalProperties: false,
  properties: {
    wardName: { type: 'string', maxLength: 100, description: 'Written after "UBND PHƯỜNG".' },
    place: { type: 'string', maxLength: 100 },
    recipients: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 200 } },
    signerTitle: { type: 'string', maxLength: 100 },
    signerName: { type: 'string', maxLength: 100 },
  },
};
// The 409 of a definition that repeats an existing one, enabled or not.
const DUPLICATE_DETAILS =
  '`error.details` holds {field, code: `duplicate` (or `duplicate_disabled` when the existing one is switched off: switch it on instead), existingId, message}; ' +
  '`error.message` is that message (naming the existing id, in the request\'s language). The check reads then writes: two identical saves in the same instant may both pass.';
const RULE_DUPLICATE_NOTE =
  'A rule repeating another of its kind, enabled or not, is refused with 409 `conflict`: the same phrase, or label of an any_of/all_of_within rule ' +
  '(NFC, trimmed, spaces collapsed, lowercase, diacritics folded: `Học  Phí` = `hoc phi`; field `pattern`), the same terms in any order with the same window ' +
  '(folded the same way; field `terms`), or the same regex (letter case aside, escapes kept; field `pattern`). ' +
  DUPLICATE_DETAILS;
const CLAIM_DUPLICATE_NOTE =
  'A statement repeating another claim\'s, enabled or not (NFC, trimmed, spaces collapsed, lowercase, diacritics folded), is refused with 409 `conflict` on field `statement`. ' +
  DUPLICATE_DETAILS;
const TEMPLATE_DUPLICATE_NOTE =
  'A name (title) repeating another template\'s, of any verdict, enabled or not (NFC, trimmed, spaces collapsed, lowercase, diacritics folded), is refused with 409 `conflict` on field `title`. ' +
  DUPLICATE_DETAILS;
const fileOf = (type: string, description: string) => ({ description, content: { [type]: { schema: { type: 'string', format: 'binary' } } } });
// CSV/XLSX downloads are documents for people by default; programs ask for the stored form.
const downloadFormatParam = {
  name: 'format',
  in: 'query',
  schema: { type: 'string', enum: ['raw'] },
  description:
    'Absent: a document for people in the request\'s language (`lang` query parameter, else the language cookie, else Vietnamese): ' +
    'translated column headers, labels, statuses and kinds, times as `dd/MM/yyyy HH:mm` in Asia/Ho_Chi_Minh. ' +
    '`raw`: the machine-readable form: English column names, stored codes, times in ISO 8601 UTC. Any other value: 400.',
} as const;
const REPORT_PATHS = {
  '/api/reports/weekly': {
    get: {
      summary: 'The weekly summary: the stored snapshot when there is one, else computed now',
      parameters: [weekParam],
      responses: { '200': json(weeklySummary), ...errors(400, 401, 403, 422) },
    },
  },
  '/api/reports/weekly.csv': {
    get: {
      summary: "The week's items as CSV (no text body, no citizen's contact)",
      parameters: [weekParam, downloadFormatParam],
      responses: { '200': fileOf('text/csv', 'CSV, UTF-8 with BOM'), ...errors(400, 401, 403, 422) },
    },
  },
  '/api/reports/weekly.xlsx': {
    get: {
      summary: "The week's items as XLSX",
      parameters: [weekParam, downloadFormatParam],
      responses: {
        '200': fileOf('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'XLSX workbook'),
        ...errors(400, 401, 403, 422),
      },
    },
  },
  '/api/reports/weekly.docx': {
    get: {
      summary: 'The weekly report as an official document (Decree 30/2020/NĐ-CP format)',
      parameters: [weekParam],
      responses: {
        '200': fileOf('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'DOCX document'),
        ...errors(400, 401, 403, 422),
      },
    },
  },
  '/api/reports/weekly/{week}/regenerate': {
    post: {
      summary: 'Replace the stored snapshot of a past week with one computed now (admin)',
      parameters: [{ ...weekParam, in: 'path', required: true }],
      responses: { '200': json(weeklySummary), ...errors(400, 401, 403, 422) },
    },
  },
  '/api/settings/report': {
    get: { summary: "The official report's issuing body, place, recipients and signer", responses: { '200': json(reportSettings), ...errors(401, 403) } },
    put: {
      summary: "Replace the official report's header details (admin)",
      requestBody: json(reportSettings),
      responses: { '200': json(reportSettings), ...errors(401, 403, 422) },
    },
  },
} as const;

/** The OpenAPI document of the JSON API. */
export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'duluan API',
    version: '0.1.0',
    description:
      'Public opinion on local education: collected items, their classification and triage. ' +
      'Every state-changing request must send Content-Type: application/json; the session cookie comes from /api/auth/login.',
  },
  components: {
    securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'duluan_session' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { enum: [...API_ERROR_CODES] }, message: { type: 'string' }, details: {} },
          },
        },
      },
      Alert: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          kind: { enum: ['digest', 'claim_match', 'surge'] },
          dedupeKey: { type: 'string', description: 'What makes two alerts the same, e.g. claim:12:cluster:345 or digest:2026-11-28' },
          itemId: { type: ['integer', 'null'] },
          subject: { type: 'string' },
          body: { type: 'string' },
          link: { type: 'string', description: 'The queue address the alert points to' },
          createdAt: { type: 'string', format: 'date-time' },
          deliveredAt: { type: ['string', 'null'], format: 'date-time' },
          attempts: { type: 'integer' },
          lastError: { type: ['string', 'null'], description: 'One `channel: error` line per channel that failed the last attempt' },
          state: { enum: ['delivered', 'pending', 'failing'] },
        },
      },
      AlertSettings: {
        type: 'object',
        additionalProperties: false,
        description: 'On PUT, omitted fields keep their value. The SMTP password is never stored: it comes from SMTP_PASSWORD.',
        properties: {
          emailEnabled: { type: 'boolean', default: false },
          smtpHost: { type: 'string', maxLength: 253 },
          smtpPort: { type: 'integer', minimum: 1, maximum: 65535, default: 587 },
          smtpSecure: { type: 'boolean', default: false, description: 'TLS from the first byte (port 465); otherwise STARTTLS when offered' },
          smtpUser: { type: 'string', maxLength: 200 },
          emailFrom: { type: 'string', description: 'An e-mail address, or empty' },
          recipients: { type: 'array', maxItems: 50, items: { type: 'string', format: 'email' } },
          webhookEnabled: { type: 'boolean', default: false },
          webhookUrl: {
            type: 'string',
            description:
              'http(s) URL, or empty; loopback/private addresses only when listed in ALERT_WEBHOOK_ALLOW_HOSTS. A host that is a non-public IP literal (or localhost) not listed there is refused on save: 422 with webhookUrl/blocked_address; a user or password in the URL: webhookUrl/credentials',
          },
          digestHour: { type: 'integer', minimum: 0, maximum: 23, default: 7, description: 'Local hour (Asia/Ho_Chi_Minh)' },
          surgeMinCount: { type: 'integer', minimum: 1, maximum: 10000, default: 5 },
          surgeSigma: { type: 'number', minimum: 0, maximum: 20, default: 3 },
          locale: { enum: ['vi', 'en'], default: 'vi' },
          secrets: {
            type: 'object',
            readOnly: true,
            description: 'Whether SMTP_PASSWORD and ALERT_WEBHOOK_SECRET are set (answers only)',
            properties: { smtpPassword: { type: 'boolean' }, webhookSecret: { type: 'boolean' } },
          },
        },
      },
      Deadlines: {
        type: 'object',
        required: ['misinformation', 'negative', 'offensive', 'feedback'],
        additionalProperties: false,
        properties: {
          misinformation: { type: 'integer', minimum: 1, maximum: 2000, default: 24 },
          negative: { type: 'integer', minimum: 1, maximum: 2000, default: 72 },
          offensive: { type: 'integer', minimum: 1, maximum: 2000, default: 72 },
          feedback: { type: 'integer', minimum: 1, maximum: 2000, default: 168, description: 'Citizen feedback (form and import sources)' },
        },
      },
      SavedView: {
        type: 'object',
        properties: { id: { type: 'integer' }, name: { type: 'string' }, query: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } },
      },
      ResponseTemplateInput: {
        type: 'object',
        required: ['verdict', 'kind', 'channel', 'title', 'text'],
        additionalProperties: false,
        properties: {
          verdict: { enum: [...VERDICTS] },
          kind: { enum: [...RESPONSE_KINDS] },
          channel: { enum: [...RESPONSE_CHANNELS] },
          title: { type: 'string', minLength: 1, maxLength: 200 },
          text: { type: 'string', minLength: 1, maxLength: 5000 },
          enabled: { type: 'boolean', default: true },
        },
      },
      ResponseTemplate: {
        allOf: [
          { $ref: '#/components/schemas/ResponseTemplateInput' },
          { type: 'object', properties: { id: { type: 'integer' }, updatedAt: { type: 'string', format: 'date-time' } } },
        ],
      },
      DryRunReport: {
        type: 'object',
        properties: {
          label: { enum: [...LABELS], description: 'The label the draft gives what it matches' },
          scanned: { type: 'integer', description: 'Items scanned, most recent first' },
          totalItems: { type: 'integer' },
          stoppedBy: { enum: ['item_limit', 'time_limit', null] },
          matched: { type: 'integer' },
          newlyFlagged: { type: 'integer', description: 'Matched items not yet carrying the label' },
          agreement: {
            type: 'object',
            properties: {
              decided: { type: 'integer' },
              confirmed: { type: 'integer', description: 'Status responded/escalated or verdict fake/false' },
              falsePositive: { type: 'integer', description: 'Dismissed as false positive' },
              dismissedOther: { type: 'integer' },
              precision: { type: ['number', 'null'], description: 'confirmed / (confirmed + falsePositive)' },
            },
          },
          sample: {
            type: 'array',
            maxItems: 20,
            items: {
              type: 'object',
              properties: {
                id: { type: 'integer' },
                title: { type: 'string' },
                status: { enum: [...ITEM_STATUSES] },
                verdict: { enum: [...VERDICTS, null] },
                newlyFlagged: { type: 'boolean' },
                score: { type: 'number' },
                excerpt: {
                  type: 'object',
                  properties: {
                    field: { enum: ['title', 'body'] },
                    text: { type: 'string' },
                    highlights: { type: 'array', items: { type: 'object', properties: { start: { type: 'integer' }, end: { type: 'integer' } } } },
                  },
                },
              },
            },
          },
          elapsedMs: { type: 'integer' },
        },
      },
      Span: {
        type: 'object',
        properties: {
          field: { enum: ['title', 'body'] },
          start: { type: 'integer' },
          end: { type: 'integer' },
          text: { type: 'string' },
          category: { type: 'string' },
          ruleId: { type: 'string' },
          weight: { type: 'number' },
        },
      },
      Item: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          sourceId: { type: 'integer' },
          sourceName: { type: 'string' },
          url: { type: ['string', 'null'] },
          title: { type: 'string' },
          body: { type: 'string', description: 'Plain text (first 400 characters in lists).' },
          author: { type: ['string', 'null'] },
          publishedAt: { type: ['string', 'null'], format: 'date-time' },
          collectedAt: { type: 'string', format: 'date-time' },
          labels: { type: 'array', items: { enum: [...LABELS] } },
          classification: {
            type: ['object', 'null'],
            properties: {
              labels: { type: 'array', items: { type: 'string' } },
              scores: { type: 'object', additionalProperties: { type: 'number' } },
              spans: { type: 'array', items: ref('Span') },
              version: { type: 'string' },
            },
          },
          priority: { type: 'integer' },
          status: { enum: [...ITEM_STATUSES] },
          verdict: { enum: [...VERDICTS, null] },
          dismissReason: { enum: [...DISMISS_REASONS, null] },
          version: { type: 'integer', description: 'Send it back in PATCH to detect conflicting edits.' },
          assigneeId: { type: ['integer', 'null'] },
          dueAt: { type: ['string', 'null'], format: 'date-time', description: 'When a response is due; null: no deadline' },
        },
      },
      TriageEvent: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          itemId: { type: 'integer' },
          userId: { type: ['integer', 'null'] },
          username: { type: ['string', 'null'] },
          at: { type: 'string', format: 'date-time' },
          field: { type: 'string', description: '`status`, `verdict`, `assignee`, `note` or `response`' },
          fromValue: { type: ['string', 'null'] },
          toValue: { type: ['string', 'null'] },
          note: { type: ['string', 'null'] },
        },
      },
      Response: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          itemId: { type: 'integer' },
          kind: { enum: [...RESPONSE_KINDS] },
          channel: { enum: [...RESPONSE_CHANNELS] },
          text: { type: 'string' },
          link: { type: ['string', 'null'] },
          respondedAt: { type: 'string', format: 'date-time' },
          escalatedTo: { type: ['string', 'null'] },
          dueAt: { type: ['string', 'null'], format: 'date-time' },
          answer: { type: ['string', 'null'], description: 'For an escalation: what the body answered (recorded once)' },
          answeredAt: { type: ['string', 'null'], format: 'date-time' },
          createdBy: { type: ['integer', 'null'] },
          createdByName: { type: ['string', 'null'] },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
      Source: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          kind: { enum: ['rss', 'html', 'form', 'import'] },
          name: { type: 'string' },
          url: { type: ['string', 'null'] },
          enabled: { type: 'boolean' },
          pollIntervalSeconds: { type: 'integer' },
          lastSuccessAt: { type: ['string', 'null'], format: 'date-time' },
          lastErrorAt: { type: ['string', 'null'], format: 'date-time' },
          lastError: { type: ['string', 'null'] },
          lastErrorCode: { type: ['string', 'null'] },
          consecutiveFailures: { type: 'integer' },
          nextFetchAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
      Selectors: {
        type: 'object',
        description: 'CSS selectors of a web-page source (never XPath)',
        properties: { item: { type: 'string' }, link: { type: 'string' }, title: { type: 'string' }, date: { type: 'string' }, body: { type: 'string' } },
      },
      RuleInput: {
        type: 'object',
        properties: {
          kind: { enum: ['phrase', 'any_of', 'all_of_within', 'regex'] },
          category: { enum: ['negative', 'misinformation', 'relevant'] },
          pattern: { type: 'string', maxLength: 500 },
          terms: { type: 'array', items: { type: 'string' }, maxItems: 50 },
          windowWords: { type: ['integer', 'null'], minimum: 1, maximum: 50 },
          weight: { type: 'number' },
          enabled: { type: 'boolean' },
          note: { type: ['string', 'null'] },
        },
      },
      ClaimInput: {
        type: 'object',
        properties: {
          statement: { type: 'string', maxLength: 2000, description: 'At least 3 syllables with letters (422 statement/too_short otherwise)' },
          verdict: { enum: [...VERDICTS] },
          correction: { type: ['string', 'null'] },
          references: { type: 'array', items: { type: 'string', format: 'uri' } },
          enabled: { type: 'boolean' },
        },
      },
      RefreshResult: {
        type: 'object',
        properties: {
          sourceId: { type: 'integer' },
          status: { enum: ['ok', 'not_modified', 'error'] },
          fetched: { type: 'integer' },
          stored: { type: 'integer' },
          skipped: { type: 'integer' },
          failedEntries: { type: 'integer' },
          error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
  security: [{ session: [] }],
  paths: {
    ...PRIVACY_OPENAPI_PATHS,
    '/health': {
      get: {
        summary: 'Database and queue status',
        security: [],
        responses: { '200': { description: 'Healthy' }, '503': { description: 'Degraded' } },
      },
    },
    '/api/auth/login': {
      post: {
        summary: 'Sign in; sets the session cookie',
        security: [],
        requestBody: json({
          type: 'object',
          required: ['username', 'password'],
          properties: { username: { type: 'string' }, password: { type: 'string' } },
        }),
        responses: { '200': { description: 'Signed in' }, ...errors(400, 401, 403, 429) },
      },
    },
    '/api/auth/logout': { post: { summary: 'Sign out', responses: { '200': { description: 'Signed out' } } } },
    '/api/items': {
      get: {
        summary: 'The triage list (keyset pagination)',
        parameters: [
          { name: 'status', in: 'query', schema: { enum: [...ITEM_STATUSES, 'open', 'all'], default: 'open' } },
          { name: 'label', in: 'query', schema: { enum: [...LABELS] } },
          { name: 'source', in: 'query', schema: { type: 'integer' } },
          { name: 'from', in: 'query', schema: { type: 'string', format: 'date' }, description: 'First day, Asia/Ho_Chi_Minh' },
          { name: 'to', in: 'query', schema: { type: 'string', format: 'date' }, description: 'Last day, Asia/Ho_Chi_Minh' },
          { name: 'q', in: 'query', schema: { type: 'string' }, description: 'Text, matched with or without diacritics' },
          { name: 'order', in: 'query', schema: { enum: ['priority', 'newest'], default: 'priority' } },
          {
            name: 'overdue',
            in: 'query',
            schema: { enum: ['true', 'false'] },
            description: 'true: only open items (new, in_review) past their response deadline, earliest deadline first',
          },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
        ],
        responses: {
          '200': json({
            type: 'object',
            properties: { items: { type: 'array', items: ref('Item') }, nextCursor: { type: ['string', 'null'] } },
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    '/api/items/bulk': {
      post: {
        summary:
          'Apply one change (status, verdict, assignee, note) to up to 200 items, without a version check; ' +
          'each item changes in its own transaction and is logged like a single change. ' +
          'Dismissing (`status: dismissed`) needs a `dismissReason`: without one nothing changes (422, code `dismiss_reason_required`)',
        requestBody: json({
          type: 'object',
          required: ['ids'],
          additionalProperties: false,
          properties: {
            ids: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, maxItems: 200 },
            status: { enum: [...ITEM_STATUSES] },
            verdict: { enum: [...VERDICTS, null] },
            assigneeId: { type: ['integer', 'null'] },
            dismissReason: { enum: [...DISMISS_REASONS] },
            note: { type: 'string', maxLength: 2000 },
          },
        }),
        responses: {
          '200': json({
            type: 'object',
            properties: {
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['id', 'ok'],
                  properties: {
                    id: { type: 'integer' },
                    ok: { type: 'boolean' },
                    error: { enum: ['not_found', 'invalid_transition', 'unknown_assignee'] },
                  },
                },
              },
            },
          }),
          ...errors(401, 403, 422),
        },
      },
    },
    '/api/items/{id}': {
      get: { summary: 'One item', parameters: [idParam], responses: { '200': json(ref('Item')), ...errors(401, 403, 404) } },
      patch: {
        summary:
          'Change an item’s status, verdict or assignee, or add a note (at least one); each changed field is logged. ' +
          'With `version`, a stale edit gets 409 and nothing changes; without it, the change applies. ' +
          'Dismissing (`status: dismissed`) needs a `dismissReason` (422, code `dismiss_reason_required`).',
        parameters: [idParam],
        requestBody: json({
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: {
            status: { enum: [...ITEM_STATUSES] },
            verdict: { enum: [...VERDICTS, null], description: 'null clears the verdict' },
            assigneeId: { type: ['integer', 'null'], description: 'An active staff or admin user; null unassigns' },
            note: { type: 'string', maxLength: 2000 },
            dismissReason: { enum: [...DISMISS_REASONS] },
            version: { type: 'integer' },
          },
        }),
        responses: { '200': json(ref('Item')), ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    '/api/items/{id}/events': {
      get: {
        summary: 'The item’s audit trail (append-only: no route edits or deletes an event)',
        parameters: [idParam],
        responses: {
          '200': json({ type: 'object', properties: { events: { type: 'array', items: ref('TriageEvent') } } }),
          ...errors(401, 403, 404),
        },
      },
    },
    '/api/items/{id}/events.csv': {
      get: {
        summary: 'The item’s audit trail as CSV (UTF-8 with BOM; formula-like cells prefixed with `\'`)',
        parameters: [idParam, downloadFormatParam],
        responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors(400, 401, 403, 404) },
      },
    },
    '/api/events.csv': {
      get: {
        summary: 'The audit trail of all items between two days as CSV (UTF-8 with BOM; formula-like cells prefixed with `\'`)',
        parameters: [
          { name: 'from', in: 'query', schema: { type: 'string', format: 'date' }, description: 'First day, Asia/Ho_Chi_Minh' },
          { name: 'to', in: 'query', schema: { type: 'string', format: 'date' }, description: 'Last day, Asia/Ho_Chi_Minh' },
          downloadFormatParam,
        ],
        responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors(400, 401, 403) },
      },
    },
    '/api/items/{id}/responses': {
      get: {
        summary: 'What was done about the item, oldest first',
        parameters: [idParam],
        responses: {
          '200': json({ type: 'object', properties: { responses: { type: 'array', items: ref('Response') } } }),
          ...errors(401, 403, 404),
        },
      },
      post: {
        summary:
          'Record a response; also logged in the audit trail as a `response` event. On an open item (new, in review) a reply, ' +
          'correction or clarification sets the status to `responded`, an escalation to `escalated` (a `status` event, a new version); ' +
          'a report up leaves it open',
        parameters: [idParam],
        requestBody: json({
          type: 'object',
          required: ['kind', 'channel', 'text'],
          additionalProperties: false,
          properties: {
            kind: { enum: [...RESPONSE_KINDS] },
            channel: { enum: [...RESPONSE_CHANNELS] },
            text: { type: 'string', minLength: 1, maxLength: 5000 },
            link: { type: ['string', 'null'], format: 'uri', description: 'http(s) only' },
            respondedAt: { type: 'string', format: 'date-time', description: 'Defaults to now' },
            escalatedTo: { type: ['string', 'null'], description: 'For an escalation: the body it went to' },
            dueAt: { type: ['string', 'null'], format: 'date', description: 'For an escalation: the day an answer is due (Asia/Ho_Chi_Minh)' },
          },
        }),
        responses: { '201': json(ref('Response')), ...errors(401, 403, 404, 422) },
      },
    },
    '/api/sources': {
      get: {
        summary: 'Sources with their health',
        responses: { '200': json({ type: 'object', properties: { sources: { type: 'array', items: ref('Source') } } }) },
      },
      post: {
        summary: 'Add a feed or web-page source (admin)',
        requestBody: json({
          type: 'object',
          required: ['kind', 'name', 'url'],
          properties: {
            kind: { enum: ['rss', 'html'] },
            name: { type: 'string' },
            url: { type: 'string', format: 'uri' },
            selectors: ref('Selectors'),
            pollIntervalSeconds: { type: 'integer', minimum: 60 },
          },
        }),
        responses: { '201': json(ref('Source')), ...errors(401, 403, 422) },
      },
    },
    '/api/sources/{id}': {
      get: { summary: 'One source with its health', parameters: [idParam], responses: { '200': json(ref('Source')), ...errors(401, 403, 404) } },
      patch: {
        summary:
          'Edit a source (admin), checked as when it was added. A new url forgets the caching validators and the health so the next fetch is a full one; new selectors refetch in full; enabled: false stops scheduling; the job runner reschedules the source. Form and import sources take no url or selectors.',
        parameters: [idParam],
        requestBody: json({
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200, description: 'Stored in Unicode NFC' },
            url: { type: 'string', format: 'uri', maxLength: 2000, description: 'http(s); loopback and private addresses refused unless allowed (COLLECTOR_ALLOW_HOSTS)' },
            selectors: { oneOf: [ref('Selectors'), { type: 'null' }], description: 'Web-page sources only; null or {} clears them' },
            enabled: { type: 'boolean' },
            pollIntervalSeconds: {
              type: 'integer',
              minimum: 60,
              maximum: 604800,
              description: 'Fetched (rss, html) sources only: form and import sources are never polled, and are refused with pollIntervalSeconds/not_allowed',
            },
          },
        }),
        // A 422 (validation_failed) lists {field, code} in error.details, e.g. url/blocked_address, url/not_allowed, pollIntervalSeconds/not_allowed, selectors.item/xpath.
        responses: { '200': json(ref('Source')), ...errors(401, 403, 404, 422) },
      },
    },
    '/api/sources/{id}/fetch': {
      post: {
        summary: 'Fetch a source now; returns counts (422 kind/not_fetchable for form and import sources, which are not fetched)',
        parameters: [idParam],
        responses: { '200': json(ref('RefreshResult')), ...errors(401, 403, 404, 422) },
      },
    },
    '/api/sources/preview': {
      post: {
        summary: 'What a feed or web page would yield now, storing nothing (admin)',
        requestBody: json({
          type: 'object',
          required: ['kind', 'url'],
          properties: { kind: { enum: ['rss', 'html'] }, url: { type: 'string', format: 'uri' }, selectors: ref('Selectors') },
        }),
        responses: { '200': { description: '{input, feed, items} or {input, error}' }, ...errors(401, 403, 422) },
      },
    },
    '/api/items/{id}/revisions': {
      get: { summary: 'What re-checks found at the source: corrections and takedowns', parameters: [idParam], responses: { '200': { description: 'Revisions, newest first' }, ...errors(401, 403, 404) } },
    },
    '/api/rules': {
      get: { summary: 'Staff rules', responses: { '200': { description: '{rules}' }, ...errors(401, 403) } },
      post: {
        summary: 'Add a rule (staff, admin): phrase, any_of, all_of_within or regex; validated, never a pattern that can hang',
        description: RULE_DUPLICATE_NOTE,
        requestBody: json(ref('RuleInput')),
        responses: { '201': { description: 'The rule' }, ...errors(400, 401, 403, 409, 422) },
      },
    },
    '/api/rules/{id}': {
      patch: {
        summary: 'Change or disable a rule; stored items are reclassified',
        description: `${RULE_DUPLICATE_NOTE} Only what the edit changes is checked: a rule keeping its pattern and terms can always be edited.`,
        parameters: [idParam],
        requestBody: json(ref('RuleInput')),
        responses: { '200': { description: 'The rule' }, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    '/api/claims': {
      get: { summary: 'The register of known claims', responses: { '200': { description: '{claims}' }, ...errors(401, 403) } },
      post: {
        summary: 'Record a claim with its verdict and correction',
        description: CLAIM_DUPLICATE_NOTE,
        requestBody: json(ref('ClaimInput')),
        responses: { '201': { description: 'The claim' }, ...errors(401, 403, 409, 422) },
      },
    },
    '/api/claims/{id}': {
      patch: {
        summary: 'Change or disable a claim; stored items are matched again',
        description: `${CLAIM_DUPLICATE_NOTE} An edit keeping the statement is not checked.`,
        parameters: [idParam],
        requestBody: json(ref('ClaimInput')),
        responses: { '200': { description: 'The claim' }, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    '/api/rules/dry-run': {
      post: {
        summary: 'Run a draft rule (the body of a new rule) over the most recent stored items (at most 20,000, 10 s); nothing is saved',
        requestBody: json(ref('RuleInput')),
        responses: { '200': json(ref('DryRunReport')), ...errors(400, 401, 403, 422) },
      },
    },
    '/api/claims/dry-run': {
      post: {
        summary: 'Run a draft claim (the body of a new claim) over the most recent stored items (at most 20,000, 10 s); nothing is saved',
        requestBody: json(ref('ClaimInput')),
        responses: { '200': json(ref('DryRunReport')), ...errors(401, 403, 422) },
      },
    },
    '/api/views': {
      get: {
        summary: 'The signed-in person\'s saved queue views, by name',
        responses: { '200': json({ type: 'object', properties: { views: { type: 'array', items: ref('SavedView') } } }), ...errors(401, 403) },
      },
      post: {
        summary: 'Save the queue\'s filter under a name (NFC, 1–80 characters, unique per person: 409 view_name_taken); the query is checked by the queue\'s own schema',
        requestBody: json({
          type: 'object',
          required: ['name', 'query'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 80 },
            query: { type: 'string', maxLength: 1000, example: '?status=open&label=negative&q=hoc%20phi', description: 'The /items query string; paging (cursor, limit) is dropped' },
          },
        }),
        responses: { '201': json(ref('SavedView')), ...errors(401, 403, 409, 422) },
      },
    },
    '/api/views/{id}': {
      delete: { summary: 'Delete one of your own saved views (another person\'s answers 404)', parameters: [idParam], responses: { '204': { description: 'Deleted' }, ...errors(401, 403, 404) } },
    },
    '/api/response-templates': {
      get: {
        summary: 'Response templates, by verdict then title',
        parameters: [{ name: 'verdict', in: 'query', schema: { enum: [...VERDICTS] } }],
        responses: { '200': json({ type: 'object', properties: { templates: { type: 'array', items: ref('ResponseTemplate') } } }), ...errors(400, 401, 403) },
      },
      post: {
        summary: 'Add a response template (staff, admin)',
        description: TEMPLATE_DUPLICATE_NOTE,
        requestBody: json(ref('ResponseTemplateInput')),
        responses: { '201': json(ref('ResponseTemplate')), ...errors(401, 403, 409, 422) },
      },
    },
    '/api/response-templates/{id}': {
      patch: {
        summary: 'Change or disable a response template (fields not sent stay as they are)',
        description: `${TEMPLATE_DUPLICATE_NOTE} An edit keeping the name is not checked.`,
        parameters: [idParam],
        requestBody: json(ref('ResponseTemplateInput')),
        responses: { '200': json(ref('ResponseTemplate')), ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    '/api/items/{id}/responses/{responseId}/answer': {
      post: {
        summary: 'Record the answer of an escalation, once (a second answer: 409 answer_exists; not an escalation: 409 not_escalation); logged as an `answer` event',
        parameters: [idParam, { name: 'responseId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
        requestBody: json({
          type: 'object',
          required: ['answer'],
          additionalProperties: false,
          properties: {
            answer: { type: 'string', minLength: 1, maxLength: 5000 },
            answeredAt: { type: 'string', format: 'date-time', description: 'Defaults to now; never in the future' },
          },
        }),
        responses: { '200': json(ref('Response')), ...errors(401, 403, 404, 409, 422) },
      },
    },
    '/api/settings/public-form': {
      get: {
        summary: 'Whether the public feedback form is open (admin)',
        responses: { '200': json({ type: 'object', required: ['enabled'], properties: { enabled: { type: 'boolean', default: false } } }), ...errors(401, 403) },
      },
      put: {
        summary: 'Open or close the public feedback form (admin). While closed every /api/public and /public route answers 404.',
        requestBody: json({ type: 'object', required: ['enabled'], additionalProperties: false, properties: { enabled: { type: 'boolean' } } }),
        responses: { '200': json({ type: 'object', properties: { enabled: { type: 'boolean' } } }), ...errors(401, 403, 422) },
      },
    },
    '/api/public/feedback': {
      post: {
        summary:
          "A citizen's opinion without an account (public form; 404 while it is closed). Same body and checks as POST /api/feedback, without `channel` and `receivedAt` (an officer's to record: 422 not_allowed); " +
          'committed in one transaction; answers a receipt code. Limited to 20 posts per client address in 10 minutes (429 with Retry-After). ' +
          'The client address is the connection\'s, or X-Forwarded-For\'s right-most untrusted entry when the connection comes from a TRUSTED_PROXIES address.',
        security: [],
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,200}$' },
            description: 'A retry with the same key and the same body answers the first submission (200) and stores nothing new',
          },
        ],
        requestBody: {
          description: 'As POST /api/feedback',
          ...json({
            type: 'object',
            required: ['content', 'consent'],
            additionalProperties: false,
            properties: {
              content: { type: 'string', minLength: 1, maxLength: MAX_FEEDBACK_CHARS },
              topic: { type: ['string', 'null'], maxLength: 200 },
              residentialGroup: { type: ['string', 'null'], maxLength: 200 },
              school: { type: ['string', 'null'], maxLength: 300 },
              channel: { enum: [...FEEDBACK_CHANNELS, null] },
              receivedAt: { type: ['string', 'null'] },
              citizen: {
                type: ['object', 'null'],
                additionalProperties: false,
                properties: { name: { type: ['string', 'null'], maxLength: 200 }, contact: { type: ['string', 'null'], maxLength: 200 } },
              },
              consent: {
                type: 'object',
                required: ['given', 'version'],
                additionalProperties: false,
                properties: { given: { const: true }, version: { enum: [...CONSENT_VERSIONS] } },
              },
            },
          }),
        },
        responses: {
          '201': json({ type: 'object', required: ['receipt'], properties: { receipt: { type: 'string', example: 'PA-7KQ2M9XD' } } }),
          '200': { description: 'The same Idempotency-Key and body were sent before: the first receipt', ...json({ type: 'object', properties: { receipt: { type: 'string' } } }) },
          ...errors(400, 404, 422, 429),
        },
      },
    },
    '/api/public/feedback/{receipt}': {
      get: {
        summary:
          "The status of a submission and the ward's published responses (text, channel, date) by receipt code, compared case-insensitively " +
          '(public form; 404 while it is closed or for an unknown code). Never the opinion, contacts, staff notes or assignee. ' +
          'Limited to 60 lookups per client address in 10 minutes.',
        security: [],
        parameters: [{ name: 'receipt', in: 'path', required: true, schema: { type: 'string', example: 'PA-7KQ2M9XD' } }],
        responses: {
          '200': json({
            type: 'object',
            properties: {
              receipt: { type: 'string' },
              submittedAt: { type: 'string', format: 'date-time' },
              status: { enum: [...PUBLIC_STATUSES] },
              responses: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { channel: { enum: [...RESPONSE_CHANNELS] }, text: { type: 'string' }, respondedAt: { type: 'string', format: 'date-time' } },
                },
              },
            },
          }),
          ...errors(404, 429),
        },
      },
    },
    '/api/settings/gazetteer': {
      get: { summary: "The ward's places used for relevance", responses: { '200': { description: '{wardNames, schools, residentialGroups}' }, ...errors(401, 403) } },
      put: {
        summary: "Replace the ward's places; stored items are reclassified",
        requestBody: json({
          type: 'object',
          required: ['wardNames', 'schools', 'residentialGroups'],
          properties: {
            wardNames: { type: 'array', items: { type: 'string' } },
            schools: { type: 'array', items: { type: 'string' } },
            residentialGroups: { type: 'array', items: { type: 'string' } },
          },
        }),
        responses: { '200': { description: 'The places' }, ...errors(401, 403, 422) },
      },
    },
    '/api/users': {
      get: {
        summary: 'Every user account, by name (admin). Last sign-in is not stored; passwords never leave the server',
        responses: {
          '200': json({
            type: 'object',
            properties: {
              users: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    username: { type: 'string' },
                    role: { type: 'string', enum: [...ROLES] },
                    disabled: { type: 'boolean' },
                    createdAt: { type: 'string', format: 'date-time' },
                  },
                },
              },
            },
          }),
          ...errors(401, 403),
        },
      },
      post: {
        summary:
          'Add an account (admin). Username: 1–64 letters, digits or . _ - @ (NFC, no spaces or control characters); names differing only in case count as taken (409). ' +
          'Without a password a strong one is generated and returned once as `password`; a given one needs 8–1000 characters',
        requestBody: json({
          type: 'object',
          required: ['username', 'role'],
          properties: {
            username: { type: 'string', maxLength: 64 },
            role: { type: 'string', enum: [...ROLES] },
            password: { type: 'string', minLength: 8, maxLength: 1000 },
          },
        }),
        responses: {
          '201': json({ type: 'object', properties: { user: { type: 'object' }, password: { type: 'string', description: 'Only when generated; shown this once' } } }),
          ...errors(400, 401, 403, 409, 422),
        },
      },
    },
    '/api/users/{id}': {
      patch: {
        summary:
          'Change an account (admin): role, password (given, or `generatePassword: true` to get a new one back once), disabled. ' +
          'A new role or password, or disabling, ends the user’s sessions (the acting admin keeps their own). ' +
          'Taking the admin role from, or disabling, the only active admin answers 409',
        parameters: [idParam],
        requestBody: json({
          type: 'object',
          properties: {
            role: { type: 'string', enum: [...ROLES] },
            password: { type: 'string', minLength: 8, maxLength: 1000 },
            generatePassword: { type: 'boolean' },
            disabled: { type: 'boolean' },
          },
        }),
        responses: {
          '200': json({ type: 'object', properties: { user: { type: 'object' }, password: { type: 'string', description: 'Only when generated; shown this once' } } }),
          ...errors(400, 401, 403, 404, 409, 422),
        },
      },
    },
    '/api/audit/denials': {
      get: {
        summary: 'Refused requests, newest first (conflicting edits, stale sessions, missing rights, ids one may not see, cross-site requests); read-only',
        responses: {
          '200': json({
            type: 'object',
            properties: {
              denials: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    at: { type: 'string', format: 'date-time' },
                    userId: { type: ['integer', 'null'] },
                    username: { type: ['string', 'null'] },
                    method: { type: 'string' },
                    path: { type: 'string' },
                    status: { type: 'integer' },
                    code: { type: 'string' },
                    itemId: { type: ['integer', 'null'] },
                  },
                },
              },
            },
          }),
          ...errors(401, 403),
        },
      },
    },
    '/api/alerts': {
      get: {
        summary: 'Recent alerts (digest, known false claim, surge), newest first, with their delivery state',
        parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } }],
        responses: {
          '200': json({ type: 'object', properties: { alerts: { type: 'array', items: ref('Alert') }, pending: { type: 'integer' } } }),
          ...errors(401, 403, 422),
        },
      },
    },
    '/api/alerts/test': {
      post: {
        summary: 'Send a test alert through every enabled channel now (admin); nothing is stored',
        requestBody: json({ type: 'object' }),
        responses: {
          '200': json({
            type: 'object',
            properties: {
              ok: { type: 'boolean' },
              email: { type: 'object', properties: { ok: { type: 'boolean' }, error: { type: 'string' }, reason: { enum: ['dns', 'auth', 'tls', 'refused', 'timeout', 'http', 'blocked', 'other'], description: 'How it failed, read from error' } } },
              webhook: {
                type: 'object',
                properties: { ok: { type: 'boolean' }, status: { type: 'integer' }, error: { type: 'string' }, reason: { enum: ['dns', 'auth', 'tls', 'refused', 'timeout', 'http', 'blocked', 'other'], description: 'How it failed, read from error' } },
              },
            },
          }),
          ...errors(401, 403, 409, 422),
        },
      },
    },
    '/api/settings/alerts': {
      get: { summary: 'Alert settings (admin)', responses: { '200': json(ref('AlertSettings')), ...errors(401, 403) } },
      put: {
        summary: 'Change the alert settings (admin): channels, SMTP server, recipients, webhook, digest hour, surge thresholds',
        requestBody: json(ref('AlertSettings')),
        responses: { '200': json(ref('AlertSettings')), ...errors(400, 401, 403, 422) },
      },
    },
    '/api/settings/deadlines': {
      get: { summary: 'Response deadlines in hours per severity', responses: { '200': json(ref('Deadlines')), ...errors(401, 403) } },
      put: {
        summary: 'Replace the response deadlines (admin); items stored from now on get the new due dates',
        requestBody: json(ref('Deadlines')),
        responses: { '200': json(ref('Deadlines')), ...errors(401, 403, 422) },
      },
    },
    ...REPORT_PATHS,
    '/api/reclassification': {
      get: { summary: 'Progress of the last or current reclassification', responses: { '200': { description: '{progress}' }, ...errors(401, 403) } },
    },
    '/api/imports/preview': {
      post: {
        summary: 'Read an uploaded CSV/XLSX file: encoding, delimiter, headers, first rows, suggested mapping',
        requestBody: json({ type: 'object', required: ['filename', 'contentBase64'], properties: { filename: { type: 'string' }, contentBase64: { type: 'string' } } }),
        responses: { '200': { description: 'The preview' }, ...errors(401, 403, 413, 422) },
      },
    },
    '/api/imports': {
      get: { summary: 'Recent imports', responses: { '200': { description: '{imports}' }, ...errors(401, 403) } },
      post: {
        summary: 'Start an import with a column mapping; all valid rows are stored together or none',
        requestBody: json({
          type: 'object',
          required: ['filename', 'contentBase64', 'mapping'],
          properties: { filename: { type: 'string' }, contentBase64: { type: 'string' }, sourceName: { type: 'string' }, mapping: { type: 'object' } },
        }),
        responses: { '202': { description: '{id}' }, ...errors(401, 403, 413, 422) },
      },
    },
    '/api/imports/{id}': {
      get: { summary: "An import's progress and per-row errors", parameters: [idParam], responses: { '200': { description: 'The import' }, ...errors(401, 403, 404) } },
    },
    '/api/feedback': {
      post: {
        summary:
          "Pass on a citizen's opinion (mttq, admin). Committed in one transaction before anything else; " +
          'answers a receipt code. Name and contact are stored apart and never answered back.',
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,200}$' },
            description:
              'A retry with the same key from the same user answers the first submission (200) and stores nothing new; ' +
              'the same key with a different opinion (content, topic, residential group, school, channel or date received, after normalisation) is refused with 409',
          },
        ],
        requestBody: json({
          type: 'object',
          required: ['content', 'consent'],
          additionalProperties: false,
          properties: {
            content: { type: 'string', minLength: 1, maxLength: MAX_FEEDBACK_CHARS, description: 'Stored NFC; zero-width and direction-override characters removed' },
            topic: { type: ['string', 'null'], maxLength: 200 },
            residentialGroup: { type: ['string', 'null'], maxLength: 200 },
            school: { type: ['string', 'null'], maxLength: 300 },
            channel: { enum: [...FEEDBACK_CHANNELS, null] },
            receivedAt: { type: ['string', 'null'], description: 'yyyy-mm-dd (Asia/Ho_Chi_Minh) or an ISO date-time with offset' },
            citizen: {
              type: ['object', 'null'],
              additionalProperties: false,
              properties: {
                name: { type: ['string', 'null'], maxLength: 200, description: 'No control characters' },
                contact: { type: ['string', 'null'], maxLength: 200, description: 'No control characters' },
              },
            },
            attachments: FEEDBACK_ATTACHMENTS_SCHEMA,
            consent: {
              type: 'object',
              required: ['given', 'version'],
              additionalProperties: false,
              properties: { given: { const: true }, version: { enum: [...CONSENT_VERSIONS] } },
            },
          },
        }),
        responses: {
          '201': json({ type: 'object', required: ['receipt', 'id'], properties: { receipt: { type: 'string', example: 'PA-7KQ2M9XD' }, id: { type: 'integer' } } }),
          '200': { description: 'The same Idempotency-Key was used before: the first submission', ...json({ type: 'object', properties: { receipt: { type: 'string' }, id: { type: 'integer' } } }) },
          ...errors(400, 401, 403, 422),
          '409': {
            description:
              'The Idempotency-Key was used before by this user for a different opinion: nothing is stored. ' +
              "Code `idempotency_key_reused`; send the opinion with a new key",
            ...json(ref('Error')),
          },
          '429': { description: 'More than 60 submissions in a minute from this officer at this client address (Retry-After says when to try again)', ...json(ref('Error')) },
        },
      },
    },
    '/api/feedback/mine': {
      get: {
        summary: "The caller's own submissions, newest first, 50 a page, with the item's status and the ward's responses, and a count per month",
        parameters: [{ name: 'before', in: 'query', description: 'The olderThan of the previous page: the page starts after that submission (400 when not an id)', schema: { type: 'integer', minimum: 1 } }],
        responses: {
          '200': json({
            type: 'object',
            properties: {
              olderThan: { type: ['integer', 'null'], description: 'Pass as before for the next, older page; null on the last page' },
              feedback: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    receipt: { type: 'string' },
                    itemId: { type: 'integer' },
                    content: { type: 'string' },
                    topic: { type: ['string', 'null'] },
                    residentialGroup: { type: ['string', 'null'] },
                    school: { type: ['string', 'null'] },
                    channel: { enum: [...FEEDBACK_CHANNELS, null] },
                    receivedAt: { type: ['string', 'null'], format: 'date-time' },
                    createdAt: { type: 'string', format: 'date-time' },
                    status: { enum: [...ITEM_STATUSES] },
                    responses: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {
                          kind: { enum: [...RESPONSE_KINDS] },
                          channel: { enum: [...RESPONSE_CHANNELS] },
                          text: { type: 'string' },
                          respondedAt: { type: 'string', format: 'date-time' },
                        },
                      },
                    },
                  },
                },
              },
              monthly: {
                type: 'array',
                items: { type: 'object', properties: { month: { type: 'string', example: '2026-11' }, count: { type: 'integer' } } },
              },
            },
          }),
          ...errors(400, 401, 403),
        },
      },
    },
  },
} as const;

/** Returns the route serving the OpenAPI document (public, like /health). */
export function openapiRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get('/api/openapi.json', (c) => c.json(OPENAPI_DOCUMENT));
  return routes;
}
