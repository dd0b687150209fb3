// `registries[]`: where each registry host's Distribution API lives and how to reach it.
// Hosts that watches use but the list does not name get an anonymous entry with the defaults, so
// the poller never has to guess a URL (no request goes anywhere the config does not name).
import { DOCKER_HUB, parseImageRef } from '../image/reference.ts';
import type { RegistryAuth, RegistryConfig } from './types.ts';
import { DEFAULTS, DOCKER_HUB_URL } from './defaults.ts';
import { readSecretPair } from './parse-secret.ts';
import { defaultRealms, readRealms } from './parse-realms.ts';
import { readPullSecret } from './parse-pull-secret.ts';
import { readEcr } from './parse-ecr.ts';
import { readGoogle } from './parse-google.ts';
import { readKind } from './parse-registry-kind.ts';
import { readAcr } from './parse-acr.ts';
import { readRateLimit } from './parse-rate-limit.ts';
import { child, optionalString, readBoolean, readList, readMapping, readNumber, readString, readUrlString, report, type IssueSink } from './reader.ts';

const REGISTRY_KEYS = ['host', 'url', 'auth', 'insecure', 'caFile', 'requestsPerSecond', 'timeoutSeconds', 'maxConcurrency', 'requestBudget', 'maxPages', 'maxTags', 'maxTagListBytes', 'authRealms', 'kind', 'apiUrl', 'rateLimit'];
const CLOUD_KEYS = ['ecr', 'google', 'acr'];
const AUTH_KEYS = ['username', 'password', 'usernameFile', 'passwordFile', 'token', 'tokenFile', 'pullSecret', ...CLOUD_KEYS];

/** The host as image references spell it (`index.docker.io` → `docker.io`), or a reason it is not one. */
export function normaliseHost(text: string): { host: string } | { reason: string } {
  if (/^[a-z]+:\/\//i.test(text)) return { reason: `"${text}" is a URL; write the bare host (e.g. "ghcr.io") and put the URL in url` };
  const parsed = parseImageRef(`${text}/probe`);
  const bare = text === 'index.docker.io' || text === 'registry-1.docker.io';
  if (!parsed.ok || (parsed.ref.registry !== text && !(bare && parsed.ref.registry === DOCKER_HUB))) {
    return { reason: `"${text}" is not a registry host (write it as image references do, e.g. "ghcr.io", "registry.example:5000" or "docker.io")` };
  }
  return { host: parsed.ref.registry };
}

function defaultUrl(host: string, insecure: boolean): string {
  if (host === DOCKER_HUB) return DOCKER_HUB_URL;
  return `${insecure ? 'http' : 'https'}://${host}`;
}

function readUrl(sink: IssueSink, value: unknown, path: string, insecure: boolean): string | undefined {
  const read = readUrlString(sink, value, path, (text) => `"${text}" is not a URL (write e.g. "https://registry.example")`);
  if (read === undefined) return undefined;
  const { text, url } = read;
  const fail = (why: string): undefined => (report(sink, path, why), undefined);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail(`"${text}" must start with https:// (or http:// with insecure: true)`);
  if (url.protocol === 'http:' && !insecure) return fail(`"${text}" is plain HTTP; use https:// or set insecure: true (labs only)`);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') return fail(`"${text}" must not carry a query, fragment or credentials (use auth)`);
  if (/\/v2\/?$/.test(url.pathname)) return fail(`"${text}" ends in /v2; write the base URL without it`);
  return url.href.replace(/\/+$/, '');
}

function readApiUrl(sink: IssueSink, value: unknown, path: string, insecure: boolean): { apiUrl: string } | undefined {
  const apiUrl = readUrl(sink, value, path, insecure);
  return apiUrl === undefined ? undefined : { apiUrl };
}

/** A cloud login (`ecr`, `google`, `acr`): one provider, alone in auth. */
function readCloudAuth(sink: IssueSink, m: Record<string, unknown>, path: string, host: string): RegistryAuth {
  const keys = Object.keys(m);
  if (keys.length > 1) {
    report(sink, path, `give one way to log in, not several (found ${keys.join(', ')})`);
    return { kind: 'none' };
  }
  if ('acr' in m) return readAcr(sink, m.acr, child(path, 'acr'), host) ?? { kind: 'none' };
  if ('google' in m) return readGoogle(sink, m.google, child(path, 'google'), host) ?? { kind: 'none' };
  return readEcr(sink, m.ecr, child(path, 'ecr'), host) ?? { kind: 'none' };
}

function readAuth(sink: IssueSink, value: unknown, path: string, host: string): RegistryAuth {
  if (value === undefined || value === null) return { kind: 'none' };
  const m = readMapping(sink, value, path, AUTH_KEYS);
  if (m === undefined) return { kind: 'none' };
  if (CLOUD_KEYS.some((k) => k in m)) return readCloudAuth(sink, m, path, host);
  if (m.pullSecret !== undefined) {
    if (Object.keys(m).length > 1) report(sink, path, 'give either pullSecret or username + password / token, not both');
    const ref = readPullSecret(sink, m.pullSecret, child(path, 'pullSecret'));
    return ref === undefined || Object.keys(m).length > 1 ? { kind: 'none' } : { kind: 'pullSecret', ...ref };
  }
  const username = readSecretPair(sink, m, path, 'username');
  const password = readSecretPair(sink, m, path, 'password');
  const token = readSecretPair(sink, m, path, 'token');
  // Presence, not validity: a key written wrongly is reported by readSecretPair, not again as missing.
  const wrote = (name: string): boolean => m[name] !== undefined || m[`${name}File`] !== undefined;
  if (wrote('token') && (wrote('username') || wrote('password'))) {
    report(sink, path, 'give either username + password or token, not both');
    return { kind: 'none' };
  }
  if (token !== undefined) return { kind: 'token', token };
  if ((wrote('username') || wrote('password')) && !(wrote('username') && wrote('password'))) {
    const missing = wrote('username') ? 'password (or passwordFile)' : 'username (or usernameFile)';
    report(sink, path, `basic auth needs both username and password; add ${missing}`);
    return { kind: 'none' };
  }
  if (username !== undefined && password !== undefined) return { kind: 'basic', username, password };
  if (Object.keys(m).length === 0) report(sink, path, 'empty auth; remove it for anonymous access, or add username + password or token');
  return { kind: 'none' };
}

/** One registry with every default applied. */
export function registryDefaults(host: string, insecure = false): RegistryConfig {
  return {
    host,
    url: defaultUrl(host, insecure),
    auth: { kind: 'none' },
    insecure,
    requestsPerSecond: DEFAULTS.requestsPerSecond,
    timeoutMs: DEFAULTS.timeoutSeconds * 1000,
    maxConcurrency: DEFAULTS.maxConcurrency,
    requestBudget: DEFAULTS.requestBudget,
    maxPages: DEFAULTS.maxPages,
    maxTags: DEFAULTS.maxTags,
    maxTagListBytes: DEFAULTS.maxTagListBytes,
    authRealms: defaultRealms(host),
  };
}

function readRegistry(sink: IssueSink, value: unknown, path: string): RegistryConfig | undefined {
  const m = readMapping(sink, value, path, REGISTRY_KEYS);
  if (m === undefined) return undefined;
  const hostText = readString(sink, m.host, child(path, 'host'));
  const host = hostText === undefined ? undefined : normaliseHost(hostText);
  if (host !== undefined && 'reason' in host) report(sink, child(path, 'host'), host.reason);
  const insecure = readBoolean(sink, m.insecure, child(path, 'insecure'), false);
  const url = m.url === undefined ? undefined : readUrl(sink, m.url, child(path, 'url'), insecure);
  const caFile = optionalString(sink, m.caFile, child(path, 'caFile'));
  const base = registryDefaults(host !== undefined && 'host' in host ? host.host : '', insecure);
  const auth = readAuth(sink, m.auth, child(path, 'auth'), base.host);
  const config: RegistryConfig = {
    ...base,
    url: url ?? base.url,
    auth,
    ...(caFile !== undefined && { caFile }),
    requestsPerSecond: readNumber(sink, m.requestsPerSecond, child(path, 'requestsPerSecond'), base.requestsPerSecond, { min: 0.01, max: 1000 }),
    timeoutMs: 1000 * readNumber(sink, m.timeoutSeconds, child(path, 'timeoutSeconds'), DEFAULTS.timeoutSeconds, { min: 1, max: 600 }),
    maxConcurrency: readNumber(sink, m.maxConcurrency, child(path, 'maxConcurrency'), base.maxConcurrency, { min: 1, max: 64, integer: true }),
    requestBudget: readNumber(sink, m.requestBudget, child(path, 'requestBudget'), base.requestBudget, { min: 1, integer: true }),
    maxPages: readNumber(sink, m.maxPages, child(path, 'maxPages'), base.maxPages, { min: 1, max: 10000, integer: true }),
    maxTags: readNumber(sink, m.maxTags, child(path, 'maxTags'), base.maxTags, { min: 1, max: 1_000_000, integer: true }),
    maxTagListBytes: readNumber(sink, m.maxTagListBytes, child(path, 'maxTagListBytes'), base.maxTagListBytes, { min: 1024, max: 256 * 1024 * 1024, integer: true }),
    authRealms: readRealms(sink, m.authRealms, child(path, 'authRealms'), base.authRealms),
    ...readKind(sink, m.kind, child(path, 'kind')),
    ...(m.apiUrl !== undefined && readApiUrl(sink, m.apiUrl, child(path, 'apiUrl'), insecure)),
    ...readRateLimit(sink, m.rateLimit, child(path, 'rateLimit'), auth),
  };

  return host !== undefined && 'host' in host ? config : undefined;
}

export function readRegistries(sink: IssueSink, value: unknown): RegistryConfig[] {
  const seen = new Map<string, number>();
  return readList(sink, value, 'registries', (element, path, index) => {
    const registry = readRegistry(sink, element, path);
    if (registry === undefined) return undefined;
    const first = seen.get(registry.host);
    if (first !== undefined) {
      report(sink, child(path, 'host'), `"${registry.host}" is already configured at registries[${first}]; merge the two entries`);
      return undefined;
    }
    seen.set(registry.host, index);
    return registry;
  });
}

/** The configured registries plus an anonymous default entry for every other host a watch uses. */
export function withImplicitRegistries(registries: readonly RegistryConfig[], hosts: Iterable<string>): RegistryConfig[] {
  const out = [...registries];
  const known = new Set(registries.map((r) => r.host));
  for (const host of hosts) {
    if (known.has(host)) continue;
    known.add(host);
    out.push(registryDefaults(host));
  }
  return out;
}
