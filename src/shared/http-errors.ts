// Error codes of the HTTP surface (see docs/errors.md): the service's routes and the status page
// both answer with them, so they sit below both.
import { AppError } from './errors.ts';

export type ServerErrorCode = 'AUTH_REQUIRED' | 'AUTH_INVALID' | 'AUTH_UNAVAILABLE' | 'REQUEST_INVALID' | 'REQUEST_REPEATED_PARAMETER' | 'NOT_READY' | 'INTERNAL';

const STATUS: Readonly<Record<ServerErrorCode, number>> = {
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  AUTH_UNAVAILABLE: 503,
  REQUEST_INVALID: 400,
  REQUEST_REPEATED_PARAMETER: 400,
  NOT_READY: 503,
  INTERNAL: 500,
};

export function serverError(code: ServerErrorCode, message: string): AppError {
  return new AppError(code, message, { statusCode: STATUS[code] });
}
