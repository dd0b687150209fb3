// 24 simulated hours (no sleeping) of N watches polled every interval against a registry allowing
// `limit` requests per `window` (Docker Hub anonymous style: 100 per 6 h, fixed windows here), one
// request per scan. Baseline: send every due scan. Header-aware: the registry's ratelimit-* headers
// go into the real rate-limit state (src/registry/rate-limit.ts), which defers a scan it would not
// allow; deferred watches go first next cycle (oldest first). Prints requests, 429s and the worst
// staleness per watch, in intervals. Run: node bench/rate-limit-sim.ts [watches] [intervalMinutes]
import { createRateLimitState } from '../src/registry/rate-limit.ts';

const watches = Number(process.argv[2] ?? 4);
const intervalMs = Number(process.argv[3] ?? 60) * 60_000;
const limit = 100;
const windowMs = 6 * 3600_000;
const dayMs = 24 * 3600_000;

function simulate(aware: boolean): { sent: number; refused: number; worst: number } {
  const state = createRateLimitState();
  const fresh = new Array<number>(watches).fill(0);
  let sent = 0;
  let refused = 0;
  let used = 0;
  let windowStart = 0;
  let worst = 0;
  for (let now = 0; now <= dayMs; now += intervalMs) {
    const order = [...fresh.keys()].sort((a, b) => fresh[a]! - fresh[b]!);
    for (const w of order) {
      if (now - windowStart >= windowMs) {
        windowStart = now - ((now - windowStart) % windowMs);
        used = 0;
      }
      if (aware && !state.allows(now)) continue;
      sent++;
      state.sent(now);
      const headers = { 'ratelimit-limit': `${limit};w=${windowMs / 1000}`, 'ratelimit-remaining': `${Math.max(0, limit - used - 1)};w=${windowMs / 1000}` };
      if (used >= limit) {
        refused++;
        state.observe(429, { ...headers, 'ratelimit-remaining': `0;w=${windowMs / 1000}` }, now);
        continue;
      }
      used++;
      state.observe(200, headers, now);
      fresh[w] = now;
    }
    for (const f of fresh) worst = Math.max(worst, (now - f) / intervalMs);
  }
  return { sent, refused, worst };
}

const base = simulate(false);
const aware = simulate(true);
console.log(`${watches} watches, interval ${intervalMs / 60_000} min, registry ${limit} requests / 6 h, 24 simulated hours`);
console.log(`baseline (no header awareness): requests ${base.sent}, 429s ${base.refused}, worst staleness ${base.worst.toFixed(1)} intervals`);
console.log(`header-aware:                   requests ${aware.sent}, 429s ${aware.refused}, worst staleness ${aware.worst.toFixed(1)} intervals`);
