// `registries[].auth.google: { keyFile? }`: log in to Artifact Registry (`<location>-docker.pkg.dev`)
// or Container Registry (`gcr.io`, `us.gcr.io`, `eu.gcr.io`, `asia.gcr.io`) with google-auth-library:
// Application Default Credentials (GKE Workload Identity and other metadata servers, or
// GOOGLE_APPLICATION_CREDENTIALS), or a service account key file read from a mounted Secret. Hosts
// as Google documents them (https://cloud.google.com/artifact-registry/docs/docker/names).
import type { RegistryAuth } from './types.ts';
import { readSecretSource } from './parse-secret.ts';
import { child, readOptionalMapping, report, type IssueSink } from './reader.ts';

const GOOGLE_HOST = /^(?:[a-z0-9]+(?:-[a-z0-9]+)*-docker\.pkg\.dev|(?:(?:us|eu|asia)\.)?gcr\.io)$/;

export type GoogleAuth = Extract<RegistryAuth, { kind: 'google' }>;

export function isGoogleHost(host: string): boolean {
  return GOOGLE_HOST.test(host);
}

export function readGoogle(sink: IssueSink, value: unknown, path: string, host: string): GoogleAuth | undefined {
  const m = readOptionalMapping(sink, value, path, ['keyFile']);
  if (m === undefined) return undefined;
  if (!isGoogleHost(host)) {
    report(sink, path, `"${host}" is not an Artifact Registry or Container Registry host; write the host as <location>-docker.pkg.dev or gcr.io (put a proxy address in url), or remove auth.google`);
    return undefined;
  }
  if (m.keyFile === undefined) return { kind: 'google' };
  const keyFile = readSecretSource(sink, m.keyFile, child(path, 'keyFile'));
  return keyFile === undefined ? undefined : { kind: 'google', keyFile };
}
