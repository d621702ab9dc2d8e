import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, errorBody } from './errors.ts';

interface ValidationItem {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: { keys?: string[] };
}

/** `/lines/0/number` → `lines.0.number`; an unknown key is named itself. */
function fieldOf(item: ValidationItem, part: string): string {
  const path = (item.instancePath ?? '').split('/').filter((s) => s.length > 0);
  if (item.keyword === 'unrecognized_keys' && item.params?.keys?.[0]) path.push(item.params.keys[0]);
  return path.length > 0 ? path.join('.') : part;
}

/** Turns any error into `{"error":{"code","message","field"}}` with the right status. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = (err.validation[0] ?? {}) as ValidationItem;
    const part = (err as { validationContext?: string }).validationContext ?? 'body';
    const field = fieldOf(first, part);
    if (first.keyword === 'unrecognized_keys') return new AppError('unknown_field', `Unknown field '${field}'`, field);
    return new AppError('validation_failed', `${field}: ${first.message ?? 'invalid value'}`, field);
  }
  const fe = err as Partial<FastifyError>;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'The request body is not valid JSON', 'body');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
      return new AppError('payload_too_large', 'The request body is too large', 'body');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('unsupported_media_type', 'Unsupported Content-Type', 'content-type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('validation_failed', 'Content-Length does not match the body', 'content-length');
  }
  // Text PostgreSQL cannot store (NUL, invalid encoding) that slipped past validation is still bad input.
  if (fe.code === '22021' || fe.code === '22P05' || fe.code === '22001') {
    return new AppError('validation_failed', 'The request contains text that cannot be stored (control characters or invalid encoding)', 'body');
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError(
      fe.statusCode === 413 ? 'payload_too_large' : fe.statusCode === 415 ? 'unsupported_media_type' : 'validation_failed',
      fe.message ?? 'Bad request',
      'body',
    );
  }
  return new AppError('internal', 'Internal error');
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const e = toAppError(err);
  if (e.code === 'internal') request.log.error({ err }, 'unhandled error');
  if (e.headers) void reply.headers(e.headers);
  void reply.status(e.status).send(errorBody(e));
}
