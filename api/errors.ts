/** Stable error codes of the public API; clients may switch on them. */
export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_json: 400,
  unknown_field: 400,
  invalid_file: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  number_in_use: 409,
  duplicate: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  number_not_in_range: 422,
  range_overlap: 422,
  range_in_use: 422,
  account_locked: 423,
  login_throttled: 429,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The one error type the API raises for expected failures; mapped to HTTP in one place. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'You are not allowed to do this'): AppError => new AppError('forbidden', message);
export const invalid = (field: string, message: string, details?: unknown): AppError => new AppError('validation_failed', message, field, details);

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string; details?: unknown };
}

/** Serializes an AppError to the wire format `{"error":{"code","message","field"}}`. */
export function errorBody(e: AppError): ErrorBody {
  return {
    error: {
      code: e.code,
      message: e.message,
      ...(e.field !== undefined && { field: e.field }),
      ...(e.details !== undefined && { details: e.details }),
    },
  };
}
