// One request window: `limit` requests per `windowMs`, spent evenly so that what is left lasts to the
// window's end instead of being spent at its start and answered with 429s for the rest of it.
// Two kinds: a registry's own account (its rate-limit headers: a fixed window with a reset time, or
// Docker Hub's rolling 6 h without one) and a budget the config sets (registries[].rateLimit, or one
// shared by every entry using the same credentials). Both keep a log of the requests we sent, so a
// rolling window's requests are known to come back one window after they were sent. Pure: the
// caller passes the time.

export interface WindowReading {
  readonly limit: number;
  readonly remaining: number;
  readonly windowMs: number;
  /** When a fixed window starts afresh (ms since epoch); absent for a rolling window. */
  readonly resetAt?: number;
}

export interface WindowSnapshot {
  readonly limit: number;
  readonly remaining: number;
  readonly windowSeconds: number;
  readonly resetAt?: string;
  /** When the next request may be sent, while that is later than now. */
  readonly nextAt?: string;
}

export interface RateWindow {
  /** The registry's own account, read from a reply (replaces the last one). */
  observe(reading: WindowReading, now: number): void;
  /** Records a request sent at `now`. */
  sent(now: number): void;
  /** Earliest time the next request may be sent (`now` when it may go now). */
  readyAt(now: number): number;
  /** Requests that may be sent at once, now, without waiting. */
  free(now: number): number;
  /** What the window says now (undefined while a registry window has sent no headers). */
  snapshot(now: number): WindowSnapshot | undefined;
}

/** Requests kept in the send log at most (a window's requests beyond it are forgotten, oldest first). */
const MAX_LOG = 20_000;
/** How long sends are remembered before the registry has said anything (its first reply comes at once). */
const UNREAD_HORIZON_MS = 3600_000;

interface WindowState {
  reading?: WindowReading & { at: number };
  readonly configured: boolean;
  readonly reserve: number;
  /** Our send times, oldest first (two windows' worth). */
  readonly log: number[];
  /** Requests sent since the last reading (the reading counted the ones before it). */
  sinceReading: number;
}

const countAfter = (log: readonly number[], t: number): number => log.filter((s) => s > t).length;

/** Requests left now: the reading, less what we sent since, plus (rolling) what has rolled out since. */
function remaining(w: WindowState, now: number): number {
  const r = w.reading!;
  if (w.configured) return r.limit - countAfter(w.log, now - r.windowMs);
  if (r.resetAt !== undefined) return now >= r.resetAt ? r.limit - countAfter(w.log, r.resetAt - 1) : r.remaining - w.sinceReading;
  if (now - r.at >= r.windowMs) return r.limit - countAfter(w.log, now - r.windowMs);
  const rolledOut = w.log.filter((s) => s > r.at - r.windowMs && s <= now - r.windowMs).length;
  return Math.min(r.limit, r.remaining - w.sinceReading + rolledOut);
}

/** Milliseconds between requests: a fixed window's remaining spread to its reset, a rolling one's refill rate. */
function spacing(w: WindowState, now: number, left: number): number {
  const r = w.reading!;
  if (r.resetAt !== undefined && now < r.resetAt) return (r.resetAt - now) / Math.max(1, left);
  return r.windowMs / Math.max(1, r.limit - w.reserve);
}

/** When a spent window gives a request back: a fixed window at its reset, a rolling one as our oldest request rolls out. */
function refillAt(w: WindowState, now: number): number {
  const r = w.reading!;
  if (r.resetAt !== undefined && now < r.resetAt) return r.resetAt;
  const oldest = w.log.find((s) => s > now - r.windowMs);
  return Math.max(now + 1, (oldest ?? (Number.isFinite(r.at) ? r.at : now)) + r.windowMs);
}

/** Requests sent back to back before pacing applies: a tenth of the limit, so a scan reads a few pages at once. */
const burst = (w: WindowState): number => Math.max(1, Math.ceil((w.reading?.limit ?? 1) / 10));

function prune(w: WindowState, now: number): void {
  // two windows: a rolling window's reading is corrected by what rolled out since it was taken
  const horizon = now - 2 * (w.reading?.windowMs ?? UNREAD_HORIZON_MS);
  while (w.log.length > 0 && (w.log[0]! <= horizon || w.log.length > MAX_LOG)) w.log.shift();
}

function stateAt(w: WindowState, now: number): { left: number; readyAt: number; free: number } {
  prune(w, now);
  if (!w.reading) return { left: Number.POSITIVE_INFINITY, readyAt: now, free: Number.POSITIVE_INFINITY };
  const left = remaining(w, now) - w.reserve;
  if (left < 1) return { left, readyAt: refillAt(w, now), free: 0 };
  const b = burst(w);
  const span = b * spacing(w, now, left);
  const recent = w.log.filter((s) => s > now - span);
  const paced = recent.length >= b ? recent[recent.length - b]! + span : now;
  return { left, readyAt: Math.max(now, paced), free: Math.max(0, Math.min(Math.floor(left), b - recent.length)) };
}

/**
 * `configured`: a budget of our own (counted from the send log alone). Without it the window waits
 * for the registry's headers. `reserve`: requests never spent (another client of the same account,
 * a person running `docker pull`, keeps a little).
 */
export function createRateWindow(options: { configured?: { limit: number; windowMs: number }; reserve?: number } = {}): RateWindow {
  const w: WindowState = { configured: options.configured !== undefined, reserve: options.reserve ?? 0, log: [], sinceReading: 0 };
  if (options.configured) w.reading = { ...options.configured, remaining: options.configured.limit, at: Number.NEGATIVE_INFINITY };
  return {
    observe(next, now) {
      if (w.configured) return;
      w.reading = { ...next, remaining: Math.max(0, Math.min(next.remaining, next.limit)), at: now };
      w.sinceReading = 0;
    },
    sent(now) {
      w.log.push(now);
      w.sinceReading += 1;
      prune(w, now);
    },
    readyAt: (now) => stateAt(w, now).readyAt,
    free: (now) => stateAt(w, now).free,
    snapshot(now) {
      const r = w.reading;
      if (!r) return undefined;
      const s = stateAt(w, now);
      const resetAt = r.resetAt !== undefined && now < r.resetAt ? r.resetAt : undefined;
      return {
        limit: r.limit,
        remaining: Math.max(0, Math.floor(s.left + w.reserve)),
        windowSeconds: Math.round(r.windowMs / 1000),
        ...(resetAt !== undefined && { resetAt: new Date(resetAt).toISOString() }),
        ...(s.readyAt > now && { nextAt: new Date(s.readyAt).toISOString() }),
      };
    },
  };
}
