// The OpenAPI paths of attachments, the pseudonymised export, data-subject requests and retention.
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_ATTACHMENTS_TOTAL_BYTES } from '../domain/attachment.ts';
import { DATA_REQUEST_KINDS, MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from '../domain/privacy.ts';
import { FEEDBACK_BODY_LIMIT_BYTES } from './feedback.ts';
import { errors, idParam, json } from './openapi-parts.ts';


/** The `attachments` property of POST /api/feedback. */
export const FEEDBACK_ATTACHMENTS_SCHEMA = {
  type: ['array', 'null'],
  maxItems: MAX_ATTACHMENTS,
  description:
    `Images (JPEG, PNG, GIF, WebP) or PDF, the type found by content; at most ${MAX_ATTACHMENT_BYTES} bytes each and ` +
    `${MAX_ATTACHMENTS_TOTAL_BYTES} together. A PDF with scripts, open actions, launches, embedded files or encryption is refused (422); ` +
    `one bad attachment refuses the whole submission. A body over ${FEEDBACK_BODY_LIMIT_BYTES / (1024 * 1024)} MB gets 413.`,
  items: {
    type: 'object',
    required: ['filename', 'data'],
    additionalProperties: false,
    properties: { filename: { type: 'string', maxLength: 1000 }, data: { type: 'string', contentEncoding: 'base64' } },
  },
} as const;

const contactSchema = { type: ['object', 'null'], properties: { name: { type: ['string', 'null'] }, contact: { type: ['string', 'null'] } } };

/** The paths, merged into the OpenAPI document. */
export const PRIVACY_OPENAPI_PATHS = {
  '/api/feedback/{id}': {
    get: {
      summary:
        'One submission: admin and staff see the citizen\'s contact (null once deleted), attachments and deletion state; ' +
        'an MTTQ officer sees their own, without the contact',
      parameters: [idParam],
      responses: {
        '200': json({
          type: 'object',
          properties: {
            id: { type: 'integer' },
            receipt: { type: 'string' },
            content: { type: 'string' },
            contact: contactSchema,
            contactDeletedAt: { type: ['string', 'null'], format: 'date-time' },
            contactDeletedReason: { enum: ['retention', 'request', null] },
            attachments: {
              type: 'array',
              items: { type: 'object', properties: { id: { type: 'integer' }, filename: { type: 'string' }, contentType: { enum: [...ATTACHMENT_TYPES] }, size: { type: 'integer' } } },
            },
          },
        }),
        ...errors(401, 403, 404),
      },
    },
  },
  '/api/feedback/{id}/attachments/{attachmentId}': {
    get: {
      summary: 'Download an attachment (admin, staff, the submitting officer): Content-Disposition attachment, the sniffed type, nosniff, CSP sandbox',
      parameters: [idParam, { name: 'attachmentId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
      responses: { '200': { description: 'The file', content: Object.fromEntries(ATTACHMENT_TYPES.map((type) => [type, {}])) }, ...errors(401, 403, 404) },
    },
  },
  '/api/feedback/export.csv': {
    get: {
      summary:
        'Submissions as CSV (admin, staff): the citizen as a stable pseudonym (CIT-XXXXXXXX, an HMAC of the contact with a server secret), ' +
        'never the name or contact; formula cells escaped',
      parameters: [
        { name: 'from', in: 'query', schema: { type: 'string', format: 'date' }, description: 'First day (Asia/Ho_Chi_Minh), inclusive' },
        { name: 'to', in: 'query', schema: { type: 'string', format: 'date' }, description: 'Last day, inclusive' },
      ],
      responses: { '200': { description: 'UTF-8 CSV with a BOM', content: { 'text/csv': {} } }, ...errors(401, 403, 422) },
    },
  },
  '/api/data-requests': {
    get: {
      summary: 'The log of data-subject requests (admin): kind, how found, counts, who, when; never the receipt or contact searched',
      responses: { '200': { description: '{requests}' }, ...errors(401, 403) },
    },
    post: {
      summary:
        "Carry out a citizen's request (admin): `access` answers their submissions with contact and attachments; `deletion` deletes " +
        'contacts and attachments (the opinion stays, anonymous) and marks them deleted. Logged without the value searched.',
      requestBody: json({
        type: 'object',
        required: ['kind'],
        additionalProperties: false,
        properties: {
          kind: { enum: [...DATA_REQUEST_KINDS] },
          receipt: { type: ['string', 'null'], example: 'PA-7KQ2M9XD' },
          contact: { type: ['string', 'null'], description: 'Matched after normalising: trimmed, e-mail lowercased, phone digits only (+84 → 0)' },
        },
        description: 'Exactly one of receipt or contact',
      }),
      responses: {
        '200': json({
          type: 'object',
          properties: {
            logId: { type: 'integer' },
            kind: { enum: [...DATA_REQUEST_KINDS] },
            foundBy: { enum: ['receipt', 'contact'] },
            submissionsFound: { type: 'integer' },
            contactsDeleted: { type: 'integer' },
            attachmentsDeleted: { type: 'integer' },
            submissions: { type: 'array', items: { type: 'object' } },
          },
        }),
        ...errors(400, 401, 403, 422),
      },
    },
  },
  '/api/settings/retention': {
    get: { summary: 'Days a citizen\'s contact and attachments are kept (admin)', responses: { '200': json({ type: 'object', properties: { days: { type: 'integer' } } }), ...errors(401, 403) } },
    put: {
      summary: 'Set the retention period (admin); a daily job deletes what is older',
      requestBody: json({ type: 'object', required: ['days'], additionalProperties: false, properties: { days: { type: 'integer', minimum: MIN_RETENTION_DAYS, maximum: MAX_RETENTION_DAYS } } }),
      responses: { '200': json({ type: 'object', properties: { days: { type: 'integer' } } }), ...errors(401, 403, 422) },
    },
  },
} as const;
