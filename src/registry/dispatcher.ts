// One undici Agent per registry config: its own connection pool, connect/headers/body timeouts and
// TLS settings (skip verification for labs, or trust an extra CA on top of the system roots).
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, interceptors, type Dispatcher } from 'undici';
import type { RegistryConfig } from '../config/types.ts';

export interface RegistryDispatchers {
  /** For tags and manifests: redirects are not followed (a registry must answer these itself). */
  readonly api: Dispatcher;
  /** For blobs: up to 3 redirects (Docker Hub and GHCR send blob GETs to a CDN); undici drops
   *  Authorization on a cross-origin redirect. */
  readonly blobs: Dispatcher;
  close(): Promise<void>;
}

export function createDispatchers(config: RegistryConfig): RegistryDispatchers {
  const ca = config.caFile === undefined ? undefined : [...rootCertificates, readFileSync(config.caFile, 'utf8')];
  const agent = new Agent({
    connect: { timeout: config.timeoutMs, rejectUnauthorized: !config.insecure, ...(ca ? { ca } : {}) },
    headersTimeout: config.timeoutMs,
    bodyTimeout: config.timeoutMs,
    connections: Math.max(1, config.maxConcurrency),
    keepAliveTimeout: 10_000,
  });
  return {
    api: agent,
    blobs: agent.compose(interceptors.redirect({ maxRedirections: 3 })),
    close: () => agent.close(),
  };
}
