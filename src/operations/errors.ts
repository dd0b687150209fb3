// Error codes of the operations API and CLI (hold, release, approve, promote, status; see docs/errors.md).
import { AppError } from '../shared/errors.ts';

export type OperationsErrorCode =
  | 'OPS_DISABLED'
  | 'OPS_AUTH_REQUIRED'
  | 'OPS_AUTH_INVALID'
  | 'OPS_INVALID'
  | 'OPS_UNKNOWN_WATCH'
  | 'OPS_UNKNOWN_ENVIRONMENT'
  | 'OPS_NOTHING_SERVED'
  | 'OPS_NOT_HELD'
  | 'OPS_LOG_FULL'
  | 'OPS_NOT_DURABLE'
  | 'OPS_UNREACHABLE';

const STATUS: Readonly<Record<OperationsErrorCode, number>> = {
  OPS_DISABLED: 403,
  OPS_AUTH_REQUIRED: 401,
  OPS_AUTH_INVALID: 401,
  OPS_INVALID: 400,
  OPS_UNKNOWN_WATCH: 404,
  OPS_UNKNOWN_ENVIRONMENT: 404,
  OPS_NOTHING_SERVED: 409,
  OPS_NOT_HELD: 409,
  OPS_LOG_FULL: 409,
  OPS_NOT_DURABLE: 503,
  OPS_UNREACHABLE: 503,
};

export function opsError(code: OperationsErrorCode, message: string, details?: Record<string, unknown>): AppError {
  return new AppError(code, message, { statusCode: STATUS[code], ...(details && { details }) });
}

export function isOpsCode(code: string): code is OperationsErrorCode {
  return Object.hasOwn(STATUS, code);
}
