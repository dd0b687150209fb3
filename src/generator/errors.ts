// Error codes of the plugin generator (see docs/errors.md). Every one is a non-2xx answer: the
// ApplicationSet controller then keeps the existing Applications and retries in 3 minutes
// (Argo CD's applicationset/services/plugin), which is the whole point of answering an error rather than guessing.
import { AppError } from '../shared/errors.ts';

export type GeneratorErrorCode =
  | 'GEN_INPUT_INVALID'
  | 'GEN_UNKNOWN_WATCH'
  | 'GEN_FORBIDDEN'
  | 'GEN_CONFIG_INVALID'
  | 'GEN_NOT_READY'
  | 'GEN_NOT_RESOLVED'
  | 'GEN_INVENTORY_UNAVAILABLE'
  | 'GEN_PLATFORM_UNAVAILABLE'
  | 'GEN_IMAGE_CONFLICT'
  | 'GEN_EMPTY';

const STATUS: Readonly<Record<GeneratorErrorCode, number>> = {
  GEN_INPUT_INVALID: 400,
  GEN_UNKNOWN_WATCH: 400,
  GEN_FORBIDDEN: 403,
  GEN_CONFIG_INVALID: 503,
  GEN_NOT_READY: 503,
  GEN_NOT_RESOLVED: 503,
  GEN_INVENTORY_UNAVAILABLE: 503,
  GEN_PLATFORM_UNAVAILABLE: 409,
  GEN_IMAGE_CONFLICT: 409,
  GEN_EMPTY: 409,
};

export function generatorError(code: GeneratorErrorCode, message: string, details?: Record<string, unknown>): AppError {
  return new AppError(code, message, { statusCode: STATUS[code], ...(details && { details }) });
}
