// The one error shape of the API: { "error": { "code", "message" } }, messages from the catalogue.
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const API_ERROR_CODES = [
  'unauthorized',
  'forbidden',
  'not_found',
  'validation_failed',
  'conflict',
  'idempotency_key_reused',
  'invalid_credentials',
  'csrf_failed',
  'rate_limited',
  'payload_too_large',
  'internal',
  'invalid_week',
  'week_in_future',
  'week_not_over',
  'view_name_taken',
  'too_many_views',
  'answer_exists',
  'not_escalation',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** An error a route throws on purpose; the app turns it into the error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    readonly details?: unknown,
  ) {
    super(code);
    this.name = 'ApiError';
  }
}

/** Returns the ApiError a thrown value stands for (HTTPException from Hono middleware included). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 413) return new ApiError(413, 'payload_too_large');
    if (error.status === 403) return new ApiError(403, 'csrf_failed');
    if (error.status === 401) return new ApiError(401, 'unauthorized');
    if (error.status === 400) return new ApiError(400, 'validation_failed');
    return new ApiError(error.status as ContentfulStatusCode, 'internal');
  }
  return new ApiError(500, 'internal');
}
