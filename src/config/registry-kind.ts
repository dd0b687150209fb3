// What software a registry host runs, as far as it matters beyond the OCI Distribution API: whether
// it has an API that says when each tag was pushed (the newestPush policy reads it) and where that
// API lives. The kind comes from `registries[].kind`, or else from the well-known host names below.
// A self-hosted Harbor or Quay cannot be told from its host: write `kind` for those. Pure.
import type { RegistryConfig, RegistryKind } from './types.ts';

export type { RegistryKind };
export const REGISTRY_KINDS: readonly RegistryKind[] = ['distribution', 'dockerhub', 'ghcr', 'quay', 'harbor', 'acr', 'gar', 'ecr'];

/** Kinds whose registry answers "when was each tag pushed" with one request per page of tags. */
const PUSH_TIME_KINDS: ReadonlySet<RegistryKind> = new Set(['dockerhub', 'quay', 'harbor', 'acr', 'gar', 'ecr']);

/** `<account>.dkr.ecr.<region>.amazonaws.com` (and the China partition's `.amazonaws.com.cn`). */
const ECR_HOST = /^\d{12}\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
/** `<location>-docker.pkg.dev` */
const GAR_HOST = /^([a-z0-9-]+)-docker\.pkg\.dev$/;

export function kindFromHost(host: string): RegistryKind {
  if (host === 'docker.io') return 'dockerhub';
  if (host === 'ghcr.io') return 'ghcr';
  if (host === 'quay.io') return 'quay';
  if (host.endsWith('.azurecr.io')) return 'acr';
  if (GAR_HOST.test(host)) return 'gar';
  if (ECR_HOST.test(host)) return 'ecr';
  return 'distribution';
}

export function registryKind(registry: Pick<RegistryConfig, 'host' | 'kind'>): RegistryKind {
  return registry.kind ?? kindFromHost(registry.host);
}

export function hasPushTimeApi(kind: RegistryKind): boolean {
  return PUSH_TIME_KINDS.has(kind);
}

/** The ECR region or GAR location a host names, for the API URLs that need it. */
export function hostRegion(host: string): string | undefined {
  return ECR_HOST.exec(host)?.[1] ?? GAR_HOST.exec(host)?.[1];
}

/**
 * Base URL of the push-time API: `registries[].apiUrl` when written, else the vendor's public
 * endpoint (Docker Hub's hub API, Artifact Registry's REST API, ECR's regional API), else the
 * registry itself (Harbor, Quay and ACR answer on the registry's own origin).
 */
export function pushTimeApiUrl(registry: Pick<RegistryConfig, 'host' | 'kind' | 'url' | 'apiUrl'>): string {
  if (registry.apiUrl !== undefined) return registry.apiUrl;
  const kind = registryKind(registry);
  if (kind === 'dockerhub') return 'https://hub.docker.com';
  if (kind === 'gar') return 'https://artifactregistry.googleapis.com';
  if (kind === 'ecr') return `https://api.ecr.${hostRegion(registry.host) ?? 'us-east-1'}.amazonaws.com`;
  return registry.url;
}
