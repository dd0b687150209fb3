// Where each registry stands against its rate limits, as `GET /api/v1/registries`, /metrics and the
// status page show it: the registry's own account (its rate-limit headers), this entry's window
// (`registries[].rateLimit`) and the window shared by every entry with the same credentials
// (`rateLimit.credential`), the poll cycle's request budget, refusals (429) and whether requests now
// wait, why and until when. Pure: built from the clients' statistics and the config at `now`.
import { credentialKey } from '../config/credential-key.ts';
import type { Config, RequestWindow } from '../config/types.ts';
import { DEFAULT_MAX_WAIT_MS } from './budget.ts';
import type { WindowSnapshot } from './rate-window.ts';
import type { RegistryStats } from './types.ts';

export interface WindowView {
  readonly limit: number;
  readonly remaining: number;
  /** Requests of the window spent (by us or, for the registry's own account, anyone on the same account). */
  readonly used: number;
  readonly windowSeconds: number;
  readonly resetAt: string | null;
  readonly nextAt: string | null;
}

/**
 * `ready`: a request may go now. `pacing`: the next request waits for its slot in a window (the
 * window's remaining spread to its end). `waiting`: the next slot is more than 10 minutes away (a
 * window is spent): scans wait for it instead of holding their requests. `blocked`: the registry
 * refused (429/503 with Retry-After, or 429 with its window spent) and nothing is sent before
 * `until`. `budget-spent`: this poll cycle's `requestBudget` is used up; the next cycle starts afresh.
 */
export type WaitState = 'ready' | 'pacing' | 'waiting' | 'blocked' | 'budget-spent';

export interface RegistryLimitsView {
  readonly host: string;
  /** Requests sent since the registry's client was made (start or config change), by HTTP status. */
  readonly requests: Readonly<Record<string, number>>;
  /** Of those, answers 429 Too Many Requests. */
  readonly refused: number;
  /** Requests that waited for their pacing slot; requests not sent because no window had one soon enough (their scans waited). */
  readonly paced: number;
  readonly deferred: number;
  readonly budget: { readonly limit: number; readonly used: number; readonly left: number };
  readonly windows: {
    readonly registry: WindowView | null;
    readonly entry: WindowView | null;
    /** `sharedWith`: every configured host logging in with the same credentials (the window is theirs together). */
    readonly credential: (WindowView & { readonly sharedWith: readonly string[] }) | null;
  };
  readonly waiting: { readonly state: WaitState; readonly until: string | null; readonly seconds: number };
}

function windowView(s: Partial<WindowSnapshot> | undefined): WindowView | null {
  if (s?.limit === undefined || s.remaining === undefined || s.windowSeconds === undefined) return null;
  return { limit: s.limit, remaining: s.remaining, used: Math.max(0, s.limit - s.remaining), windowSeconds: s.windowSeconds, resetAt: s.resetAt ?? null, nextAt: s.nextAt ?? null };
}

/** A configured window no request has touched yet: whole. */
const whole = (w: RequestWindow | undefined): Partial<WindowSnapshot> | undefined => w && { limit: w.requests, remaining: w.requests, windowSeconds: w.windowSeconds };

function waitingOf(stats: RegistryStats | undefined, now: number): RegistryLimitsView['waiting'] {
  const blocked = Date.parse(stats?.rateLimit?.blockedUntil ?? '');
  const next = [stats?.rateLimit?.nextAt, stats?.entry?.nextAt, stats?.credential?.nextAt].map((t) => Date.parse(t ?? '')).filter((t) => t > now);
  const until = Math.max(Number.isFinite(blocked) ? blocked : 0, ...next);
  const seconds = until > now ? Math.ceil((until - now) / 1000) : 0;
  const at = until > now ? new Date(until).toISOString() : null;
  if (blocked > now) return { state: 'blocked', until: at, seconds };
  if (stats && stats.budgetLeft <= 0) return { state: 'budget-spent', until: null, seconds: 0 };
  if (!at) return { state: 'ready', until: null, seconds: 0 };
  return { state: until - now > DEFAULT_MAX_WAIT_MS ? 'waiting' : 'pacing', until: at, seconds };
}

/** Hosts sharing each credential window, by host. */
function sharing(config: Config): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const r of config.registries) {
    const key = r.credentialRateLimit && credentialKey(r.auth, r.host);
    if (key) byKey.set(key, [...(byKey.get(key) ?? []), r.host]);
  }
  const out = new Map<string, string[]>();
  for (const hosts of byKey.values()) for (const h of hosts) out.set(h, [...hosts].sort());
  return out;
}

/** One row per configured registry, by host; a registry not asked anything yet shows its budgets whole. */
export function describeRegistryLimits(config: Config, stats: ReadonlyMap<string, RegistryStats>, now: number): RegistryLimitsView[] {
  const shared = sharing(config);
  return [...config.registries]
    .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0))
    .map((r) => {
      const s = stats.get(r.host);
      const left = s?.budgetLeft ?? r.requestBudget;
      const credential = windowView(s ? s.credential : whole(r.credentialRateLimit));
      return {
        host: r.host,
        requests: { ...s?.requestsByStatus },
        refused: s?.requestsByStatus['429'] ?? 0,
        paced: s?.paced ?? 0,
        deferred: s?.deferred ?? 0,
        budget: { limit: r.requestBudget, used: Math.max(0, r.requestBudget - left), left },
        windows: { registry: windowView(s?.rateLimit), entry: windowView(s ? s.entry : whole(r.rateLimit)), credential: credential && { ...credential, sharedWith: shared.get(r.host) ?? [r.host] } },
        waiting: waitingOf(s, now),
      };
    });
}
