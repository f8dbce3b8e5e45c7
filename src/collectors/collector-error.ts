// The one error type the collectors throw: a machine-readable code (the dashboard translates it),
// an English message for logs, and the cause that produced it.

export const COLLECTOR_ERROR_CODES = [
  'bad_url',
  'bad_scheme',
  'blocked_address',
  'dns_failed',
  'timeout',
  'too_large',
  'too_many_redirects',
  'http_status',
  'network',
  'not_a_feed',
  'malformed_feed',
  'decode_failed',
  'invalid_selector',
] as const;
export type CollectorErrorCode = (typeof COLLECTOR_ERROR_CODES)[number];

export interface CollectorErrorDetails {
  /** HTTP status of the response that failed, for 'http_status'. */
  status?: number;
  /** Seconds the server asked us to wait (Retry-After), when it said so. */
  retryAfter?: number;
  /** The lower-level error or value that caused this one. */
  cause?: unknown;
}

export class CollectorError extends Error {
  override readonly name = 'CollectorError';
  readonly layer = 'collectors' as const;
  readonly code: CollectorErrorCode;
  readonly status: number | undefined;
  readonly retryAfter: number | undefined;

  constructor(code: CollectorErrorCode, message: string, details: CollectorErrorDetails = {}) {
    // The status is kept in the message too: only the message is stored with the source, and the
    // page reads the status back from it (httpStatusOf) to say which error the server answered.
    const withStatus = code === 'http_status' && details.status !== undefined && !message.includes(`HTTP ${details.status}`) ? `${message} (HTTP ${details.status})` : message;
    super(withStatus, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.retryAfter = details.retryAfter;
  }
}

/** Returns true when `error` is a CollectorError, optionally with the given code. */
export function isCollectorError(error: unknown, code?: CollectorErrorCode): error is CollectorError {
  return error instanceof CollectorError && (code === undefined || error.code === code);
}
