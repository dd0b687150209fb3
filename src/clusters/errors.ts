// Error codes of the cluster inventory (see docs/errors.md).

export type ClustersErrorCode =
  /** Argo CD's cluster Secrets could not be listed; the last good inventory is kept. */
  | 'CLUSTERS_UNREADABLE';

