// `registries[].rateLimit`: a request window of our own for one registry entry, and
// (`rateLimit.credential`) one shared by every entry that logs in with the same credentials
// (Docker Hub counts pulls per account, GitHub per token, whatever host they go to). Both are paced
// like a registry's own limit (registry/rate-window.ts). Entries sharing credentials must agree on
// the shared window: the config says one number for one account.
import type { RegistryConfig, RequestWindow } from './types.ts';
import { credentialKey } from './credential-key.ts';
import { child, readMapping, readNumber, report, type IssueSink } from './reader.ts';

const WINDOW_KEYS = ['requests', 'windowSeconds'];

/** Longest window: a week (a month's quota is better paced as a week's share). */
const MAX_WINDOW_SECONDS = 7 * 24 * 3600;

function readWindow(sink: IssueSink, m: Record<string, unknown>, path: string): RequestWindow | undefined {
  if (m.requests === undefined || m.windowSeconds === undefined) {
    report(sink, path, `give both requests and windowSeconds (e.g. requests: 100, windowSeconds: 21600 for 100 per 6 h)`);
    return undefined;
  }
  const requests = readNumber(sink, m.requests, child(path, 'requests'), 0, { min: 1, max: 10_000_000, integer: true });
  const windowSeconds = readNumber(sink, m.windowSeconds, child(path, 'windowSeconds'), 0, { min: 1, max: MAX_WINDOW_SECONDS, integer: true });
  return requests > 0 && windowSeconds > 0 ? { requests, windowSeconds } : undefined;
}

export function readRateLimit(sink: IssueSink, value: unknown, path: string, auth: RegistryConfig['auth']): Pick<RegistryConfig, 'rateLimit' | 'credentialRateLimit'> {
  if (value === undefined || value === null) return {};
  const m = readMapping(sink, value, path, [...WINDOW_KEYS, 'credential']);
  if (m === undefined) return {};
  const own = m.requests === undefined && m.windowSeconds === undefined ? undefined : readWindow(sink, m, path);
  let shared: RequestWindow | undefined;
  if (m.credential !== undefined) {
    const c = readMapping(sink, m.credential, child(path, 'credential'), WINDOW_KEYS);
    if (c !== undefined && auth.kind === 'none') report(sink, child(path, 'credential'), 'this entry is anonymous, so it has no credentials to share a window with; set rateLimit.requests and rateLimit.windowSeconds for the entry instead');
    else if (c !== undefined) shared = readWindow(sink, c, child(path, 'credential'));
  }
  return { ...(own && { rateLimit: own }), ...(shared && { credentialRateLimit: shared }) };
}

/** Entries logging in with the same credentials must give the same shared window (or none). */
export function checkSharedWindows(sink: IssueSink, registries: readonly RegistryConfig[]): void {
  const first = new Map<string, { index: number; window: RequestWindow }>();
  registries.forEach((r, index) => {
    const key = credentialKey(r.auth, r.host);
    if (key === undefined || !r.credentialRateLimit) return;
    const seen = first.get(key);
    if (!seen) return void first.set(key, { index, window: r.credentialRateLimit });
    const a = seen.window;
    const b = r.credentialRateLimit;
    if (a.requests !== b.requests || a.windowSeconds !== b.windowSeconds) {
      report(sink, `registries[${index}].rateLimit.credential`, `registries[${seen.index}] uses the same credentials with ${a.requests} requests per ${a.windowSeconds} s; one account has one window, so give the same numbers in both entries`);
    }
  });
}
