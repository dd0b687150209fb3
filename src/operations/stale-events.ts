// Stale Events: a (watch, environment) that serves a resolution but has had no successful scan for
// STALE_AFTER_INTERVALS poll intervals (scans failing, or none finishing) gets one Stale Event per
// episode; a successful scan ends the episode. A single failed scan is not an Event: the next one
// usually succeeds. Checked on every cache change and by one timer at the earliest moment an entry
// can turn stale (a poller that stops scanning changes nothing in the cache).
import type { CacheEntry } from '../cache/types.ts';
import { STALE_AFTER_INTERVALS } from '../cache/staleness.ts';
import type { Clock } from '../shared/clock.ts';
import type { PromotionEventSink } from './types.ts';

export interface StaleSources {
  readonly cache: { entries(): readonly CacheEntry[]; onChange(listener: (changed: readonly CacheEntry[]) => void): () => void };
  readonly clock: Clock;
  /** polling.intervalSeconds of the config in force. */
  readonly intervalSeconds: () => number;
  readonly leads: () => boolean;
}

function noteOf(e: CacheEntry, okAt: number): string {
  const why = e.lastError ? `scans fail (${e.lastError.code}: ${e.lastError.message.slice(0, 300)})` : 'no scan finished';
  return `${e.watch}/${e.environment} keeps serving ${e.current!.tag}: no successful scan since ${new Date(okAt).toISOString()}; ${why}`;
}

export function followStaleness(s: StaleSources, sink: PromotionEventSink): () => void {
  /** Per (watch, environment): the last successful scan (or when this replica started counting), and whether the episode was reported. */
  const seen = new Map<string, { okAt: number; reported: boolean }>();
  let timer: NodeJS.Timeout | undefined;
  // Counting starts no earlier than now: a warm start's old scan times are not an outage of this replica.
  const startedAt = s.clock.now();
  const keyOf = (e: CacheEntry): string => `${e.watch}\u0000${e.environment}`;

  function track(e: CacheEntry): { okAt: number; reported: boolean } {
    const key = keyOf(e);
    const checked = e.lastCheckedAt === undefined ? Number.NaN : Date.parse(e.lastCheckedAt);
    let t = seen.get(key);
    if (!e.lastError && Number.isFinite(checked) && (!t || checked > t.okAt)) seen.set(key, (t = { okAt: Math.max(checked, startedAt), reported: false }));
    if (!t) seen.set(key, (t = { okAt: s.clock.now(), reported: false }));
    return t;
  }

  function check(): void {
    clearTimeout(timer);
    const windowMs = STALE_AFTER_INTERVALS * s.intervalSeconds() * 1000;
    const now = s.clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (const e of s.cache.entries()) {
      const t = track(e);
      if (t.reported || !e.current) continue;
      if (now - t.okAt < windowMs) next = Math.min(next, t.okAt + windowMs);
      else if (s.leads()) {
        t.reported = true;
        sink.emit({ reason: 'Stale', watch: e.watch, environment: e.environment, key: `scan:${t.okAt}`, note: noteOf(e, t.okAt) });
      }
    }
    if (Number.isFinite(next)) (timer = setTimeout(check, Math.max(10, next - now + 5))).unref();
  }

  const stop = s.cache.onChange(check);
  check();
  return () => {
    stop();
    clearTimeout(timer);
  };
}
