// Error codes of the cluster inventory (see docs/errors.md).
import { AppError } from '../shared/errors.ts';

export type ClustersErrorCode =
  /** Argo CD's cluster Secrets could not be listed; the last good inventory is kept. */
  | 'CLUSTERS_UNREADABLE';

export function clustersError(code: ClustersErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}): AppError {
  return new AppError(code, message, { ...options, statusCode: 503 });
}
