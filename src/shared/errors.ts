// One error base for the whole product: a stable code, an optional HTTP status and the cause
// it wraps (Fastify's error catalogue and undici's coded errors are the models). Each domain
// keeps its own codes in its errors.ts; docs/errors.md lists every code and a test keeps the
// two in step.

import type { ErrorCode } from './error-codes.ts';

const brand = Symbol.for('argocd-image-plugins.AppError');

export interface AppErrorOptions {
  cause?: unknown;
  statusCode?: number;
  /** Extra structured facts for logs and API answers (never secrets). */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.statusCode = options.statusCode;
    this.details = options.details;
    Object.defineProperty(this, brand, { value: true });
  }
}

/** True for any AppError, even one made by another copy of this module. */
export function isAppError(value: unknown): value is AppError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/** A short, single-line description of any thrown value, for logs and error records. */
export function describeError(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}
