// Rate-limit metrics per registry, read at scrape time from the same view as GET /api/v1/registries.
// Labels: `registry` (a configured host) and `window` (registry: the registry's own headers; entry:
// `registries[].rateLimit`; credential: `rateLimit.credential`), so the label set is bounded by the
// config, never by repositories, tags or credentials.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Config } from '../config/types.ts';
import { describeRegistryLimits, type RegistryLimitsView, type WindowView } from '../registry/limits-view.ts';
import type { RegistryStats } from '../registry/types.ts';
import type { Clock } from '../shared/clock.ts';

export interface RegistryLimitSources {
  readonly config: () => Config | undefined;
  readonly registryStats?: () => ReadonlyMap<string, RegistryStats>;
  readonly clock: Clock;
}

function viewsOf(s: RegistryLimitSources): RegistryLimitsView[] {
  const config = s.config();
  return config ? describeRegistryLimits(config, s.registryStats?.() ?? new Map(), s.clock.now()) : [];
}

function windowsOf(v: RegistryLimitsView): Array<[string, WindowView]> {
  return Object.entries(v.windows).filter((e): e is [string, WindowView] => e[1] !== null);
}

function windowGauge(registry: Registry, s: RegistryLimitSources, name: string, help: string, pick: (w: WindowView) => number): void {
  new Gauge({
    name, help, labelNames: ['registry', 'window'], registers: [registry],
    collect() {
      this.reset();
      for (const v of viewsOf(s)) for (const [window, w] of windowsOf(v)) this.set({ registry: v.host, window }, pick(w));
    },
  });
}

function registryCounter(registry: Registry, s: RegistryLimitSources, name: string, help: string, pick: (v: RegistryLimitsView) => number): void {
  new Counter({
    name, help, labelNames: ['registry'], registers: [registry],
    collect() {
      this.reset();
      for (const v of viewsOf(s)) this.inc({ registry: v.host }, pick(v));
    },
  });
}

export function registryLimitGauges(registry: Registry, prefix: string, s: RegistryLimitSources): void {
  windowGauge(registry, s, `${prefix}registry_ratelimit_limit`, 'Requests allowed per window: the registry\'s own (its rate-limit headers), the entry\'s (rateLimit) or its credentials\' (rateLimit.credential).', (w) => w.limit);
  windowGauge(registry, s, `${prefix}registry_ratelimit_remaining`, 'Requests left in the window now (the registry\'s last header, less what was sent since).', (w) => w.remaining);
  windowGauge(registry, s, `${prefix}registry_ratelimit_window_seconds`, 'Length of the window in seconds.', (w) => w.windowSeconds);
  new Gauge({
    name: `${prefix}registry_ratelimit_wait_seconds`, help: 'Seconds until the next request to the registry may be sent (0: now); pacing, or a refusal\'s Retry-After.', labelNames: ['registry'], registers: [registry],
    collect() {
      this.reset();
      for (const v of viewsOf(s)) this.set({ registry: v.host }, v.waiting.seconds);
    },
  });
  registryCounter(registry, s, `${prefix}registry_requests_paced_total`, 'Requests that waited for their slot in a rate-limit window before being sent.', (v) => v.paced);
  registryCounter(registry, s, `${prefix}registry_requests_deferred_total`, 'Requests not sent because no window had one to spare within 10 minutes (their scans waited).', (v) => v.deferred);
}
