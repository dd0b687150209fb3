// Argo CD cluster Secrets → clusters (applicationset/generators/cluster.go, getClusterParameters):
// identity comes from the Secret's *data* (`name`, `server`, optional `project`), labels and
// annotations from its metadata. Pure.
import { goString } from './go-string.ts';
import type { Cluster } from './types.ts';

/** The slice of a core/v1 Secret this module reads. */
export interface SecretObject {
  readonly metadata?: { readonly name?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly data?: Record<string, string>;
}

export const CLUSTER_SECRET_LABEL = 'argocd.argoproj.io/secret-type';
export const CLUSTER_SECRET_SELECTOR = `${CLUSTER_SECRET_LABEL}=cluster`;

function decode(data: Record<string, string> | undefined, key: string): string | undefined {
  const raw = data?.[key];
  return typeof raw === 'string' ? goString(Buffer.from(raw, 'base64')) : undefined;
}

export type SecretReadResult = { ok: true; cluster: Cluster } | { ok: false; reason: string };

export function clusterFromSecret(secret: SecretObject): SecretReadResult {
  const secretName = secret.metadata?.name ?? '(unnamed)';
  const name = decode(secret.data, 'name');
  const server = decode(secret.data, 'server');
  if (!name) return { ok: false, reason: `cluster Secret ${secretName} has no data key "name"` };
  if (!server) return { ok: false, reason: `cluster Secret ${secretName} has no data key "server"` };
  return {
    ok: true,
    cluster: {
      name,
      server,
      project: decode(secret.data, 'project') ?? '',
      labels: { ...secret.metadata?.labels },
      annotations: { ...secret.metadata?.annotations },
      origin: 'secret',
    },
  };
}
