// Error codes of running as several replicas (see docs/errors.md).
import { AppError } from '../shared/errors.ts';

export type ReplicasErrorCode = 'REPLICAS_SETTINGS_INVALID' | 'REPLICAS_STATE_TOO_LARGE';

export function haError(code: ReplicasErrorCode, message: string): AppError {
  return new AppError(code, message);
}
