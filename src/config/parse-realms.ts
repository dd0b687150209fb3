// `registries[].authRealms`: the token realm origins that may receive this registry's credentials.
// A Bearer challenge names its realm (Docker token spec), and the registry alone chooses it: without
// this list the credentials for one registry would go wherever its challenge points. The registry's
// own origin is always trusted; a plain-HTTP realm for an HTTPS registry only when listed here.
import { DOCKER_HUB } from '../image/reference.ts';
import { readList, readUrlString, report, type IssueSink } from './reader.ts';

/** Docker Hub's registry (registry-1.docker.io) sends every client to this realm. */
export const DOCKER_HUB_REALMS: readonly string[] = ['https://auth.docker.io'];

export function defaultRealms(host: string): readonly string[] {
  return host === DOCKER_HUB ? DOCKER_HUB_REALMS : [];
}

function readRealm(sink: IssueSink, value: unknown, path: string): string | undefined {
  const read = readUrlString(sink, value, path, (text) => `"${text}" is not an origin; write the realm's scheme and host, e.g. "https://auth.docker.io"`);
  if (read === undefined) return undefined;
  const { text, url } = read;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    report(sink, path, `"${text}" must start with https:// (or http:// to allow a plain-HTTP realm)`);
    return undefined;
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    report(sink, path, `"${text}" must be an origin only (scheme, host, port), e.g. "${url.origin}"`);
    return undefined;
  }
  return url.origin;
}

export function readRealms(sink: IssueSink, value: unknown, path: string, fallback: readonly string[]): readonly string[] {
  if (value === undefined || value === null) return fallback;
  return [...new Set(readList(sink, value, path, (element, at) => readRealm(sink, element, at)))];
}
