// GET /api/openapi.json: the API described for clients (OpenAPI 3.1).
import { Hono } from 'hono';
import { LABELS } from '../domain/classification.ts';
import { DISMISS_REASONS, ITEM_STATUSES, VERDICTS } from '../domain/item.ts';
import type { AppEnv } from './context.ts';
import { API_ERROR_CODES } from './errors.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [String(code), { description: 'Error', ...json(ref('Error')) }]));
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };

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
    '/api/items/{id}': {
      get: { summary: 'One item', parameters: [idParam], responses: { '200': json(ref('Item')), ...errors(401, 403, 404) } },
      patch: {
        summary: 'Change an item’s status; with `version`, a stale edit gets 409',
        parameters: [idParam],
        requestBody: json({
          type: 'object',
          required: ['status'],
          properties: {
            status: { enum: [...ITEM_STATUSES] },
            dismissReason: { enum: [...DISMISS_REASONS] },
            version: { type: 'integer' },
            note: { type: 'string' },
          },
        }),
        responses: { '200': json(ref('Item')), ...errors(400, 401, 403, 404, 409) },
      },
    },
    '/api/items/{id}/events': {
      get: { summary: 'The item’s audit trail', parameters: [idParam], responses: { '200': { description: 'Events' }, ...errors(401, 403, 404) } },
    },
    '/api/sources': {
      get: {
        summary: 'Sources with their health',
        responses: { '200': json({ type: 'object', properties: { sources: { type: 'array', items: ref('Source') } } }) },
      },
      post: {
        summary: 'Add an RSS source (admin)',
        requestBody: json({
          type: 'object',
          required: ['kind', 'name', 'url'],
          properties: {
            kind: { const: 'rss' },
            name: { type: 'string' },
            url: { type: 'string', format: 'uri' },
            pollIntervalSeconds: { type: 'integer', minimum: 60 },
          },
        }),
        responses: { '201': json(ref('Source')), ...errors(401, 403, 422) },
      },
    },
    '/api/sources/{id}/fetch': {
      post: { summary: 'Fetch a source now; returns counts', parameters: [idParam], responses: { '200': json(ref('RefreshResult')), ...errors(401, 403, 404) } },
    },
  },
} as const;

/** Returns the route serving the OpenAPI document (public, like /health). */
export function openapiRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get('/api/openapi.json', (c) => c.json(OPENAPI_DOCUMENT));
  return routes;
}
