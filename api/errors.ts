import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { redactText } from '../core/config/redact.js';

/** The one error shape every failing request gets. */
export const ErrorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string(),
    /** Where in a filter expression the problem starts (filter errors only). */
    position: z.number().optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

export type ApiErrorCode =
  | 'invalid_request'
  | 'invalid_filter'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'not_available'
  | 'unavailable'
  | 'internal';

/** An error a handler means to show the client: status, stable code and a safe message. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorBody(c: Context, code: string, message: string, position?: number): ErrorEnvelope {
  const requestId = (c.get('requestId') as string | undefined) ?? '';
  return {
    error: { code, message: redactText(message), requestId, ...(position !== undefined ? { position } : {}) },
  };
}

export function errorResponse(c: Context, err: ApiError): Response {
  return c.json(errorBody(c, err.code, err.message, err.position), err.status);
}

/** Zod issues as one readable line, without echoing values back. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'request'}: ${i.message}`)
    .join('; ');
}
