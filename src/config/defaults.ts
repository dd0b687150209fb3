// Every default the config applies, in one place so docs/config.md and the code agree.

export const DEFAULTS = {
  listen: '0.0.0.0:8080',
  tokenFile: '/var/run/secrets/argocd-image-plugins/token',
  refreshApplicationSets: true,
  /** A client must send its request headers within this, and the whole request within the next. */
  headersTimeoutSeconds: 10,
  requestTimeoutSeconds: 30,
  /** Connections open at once that have not yet carried an authenticated request. */
  maxUnauthenticatedConnections: 64,
  intervalSeconds: 300,
  jitter: 0.1,
  /** Backoff after failures grows up to this (or the interval, when that is longer). */
  maxBackoffSeconds: 1800,
  cachePath: '/var/lib/argocd-image-plugins/cache.json',
  requestsPerSecond: 10,
  timeoutSeconds: 30,
  maxConcurrency: 4,
  requestBudget: 1000,
  maxPages: 100,
  /** Most tags kept from one listing, all pages together (the rest is left unread: incomplete). */
  maxTags: 100_000,
  /** Most tag-list bytes read for one listing, all pages together. */
  maxTagListBytes: 16 * 1024 * 1024,
  pin: 'tag+digest',
  environmentLabel: 'environment',
  platformsAnnotation: 'argocd-image-plugins.io/platforms',
  argocdNamespace: 'argocd',
  /** Cosign signature, attestation and SBOM tags (`sha256-<hex>.sig` …): never deployable images. */
  excludes: ['*.sig', '*.att', '*.sbom'],
} as const;

/** Docker Hub's image references say docker.io; its Distribution API lives elsewhere. */
export const DOCKER_HUB_URL = 'https://registry-1.docker.io';
