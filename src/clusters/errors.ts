// Error codes of the cluster inventory (see docs/errors.md).
import { AppError } from '../shared/errors.ts';

export type ClustersErrorCode = 'CLUSTERS_UNREADABLE' | 'CLUSTERS_SECRET_INVALID';

export function clustersError(code: ClustersErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}): AppError {
  return new AppError(code, message, { ...options, statusCode: 503 });
}
