// The rate-limit view behind GET /api/v1/registries, /metrics and the status page, built from real
// request budgets on a hand-moved clock: the wait state (ready, pacing, waiting, blocked,
// budget-spent), window use, and a credential window named with every host that shares it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/parse.ts';
import { createBudget, type RequestBudget } from '../../src/registry/budget.ts';
import { describeRegistryLimits } from '../../src/registry/limits-view.ts';
import { createRateWindow } from '../../src/registry/rate-window.ts';
import type { RegistryStats } from '../../src/registry/types.ts';
import { manualClock } from '../../src/shared/clock.ts';

const T0 = Date.UTC(2026, 10, 30, 12);
const auth = { username: { env: 'REG_USER' }, password: { env: 'REG_PASS' } };
const credential = { credential: { requests: 600, windowSeconds: 3600 } };
const parsed = parseConfig({
  watches: [{ name: 'app', image: 'registry.example/org/app', policy: { semver: {} } }],
  registries: [
    { host: 'registry.example', auth, requestBudget: 5, rateLimit: { requests: 100, windowSeconds: 3600, ...credential } },
    { host: 'mirror.example', auth, rateLimit: credential },
    { host: 'ghcr.io' },
  ],
});
assert.ok(parsed.ok);
const config = parsed.config;

function statsOf(budget: RequestBudget, requestsByStatus: Record<string, number> = {}): RegistryStats {
  return { requestsByStatus, budgetLeft: budget.left(), rateLimit: budget.rateLimit(), ...budget.windows(), ...budget.counts() };
}

test('a registry not asked anything yet shows its configured windows whole and is ready', () => {
  const rows = describeRegistryLimits(config, new Map(), T0);
  assert.deepEqual(rows.map((r) => r.host), ['ghcr.io', 'mirror.example', 'registry.example']);
  const reg = rows[2]!;
  assert.deepEqual(reg.budget, { limit: 5, used: 0, left: 5 });
  assert.deepEqual(reg.windows.entry, { limit: 100, remaining: 100, used: 0, windowSeconds: 3600, resetAt: null, nextAt: null });
  assert.deepEqual(reg.windows.credential?.sharedWith, ['mirror.example', 'registry.example'], 'one account, one window, named with both hosts');
  assert.equal(reg.windows.registry, null, 'the registry has sent no rate-limit headers yet');
  assert.deepEqual(reg.waiting, { state: 'ready', until: null, seconds: 0 });
  assert.equal(rows[0]!.windows.credential, null, 'anonymous');
});

test('the wait state follows the budget: pacing, waiting for a spent window, blocked by a 429, the poll cycle\'s budget spent', async () => {
  const clock = manualClock(T0);
  // this entry's window (20 per minute: a burst of 2, then 3 s apart) and the credentials' shared one
  const entry = createRateWindow({ configured: { limit: 20, windowMs: 60_000 } });
  const shared = createRateWindow({ configured: { limit: 600, windowMs: 3600_000 } });
  const budget = createBudget({ limit: 5, requestsPerSecond: 0, clock, sleep: async (ms) => clock.advance(ms), entry, credential: shared });
  const row = () => describeRegistryLimits(config, new Map([['registry.example', statsOf(budget, { '200': 3, '429': 1 })]]), clock.now()).find((r) => r.host === 'registry.example')!;
  budget.observe(200, { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '12;w=21600' });
  await budget.take();
  await budget.take();
  assert.equal(row().waiting.state, 'pacing', 'the entry window\'s burst went at once; the next request waits for its slot');
  assert.ok(row().waiting.seconds > 0 && row().waiting.seconds <= 6, `${row().waiting.seconds} s`);
  assert.deepEqual([row().windows.registry?.used, row().windows.entry?.used, row().windows.credential?.used], [90, 2, 2]);
  assert.equal(row().refused, 1);
  assert.deepEqual(row().budget, { limit: 5, used: 2, left: 3 });

  budget.observe(200, { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '1;w=21600' });
  assert.equal(row().waiting.state, 'waiting', 'down to the reserve: the next request comes back with the rolling window');
  assert.ok(row().waiting.seconds > 3600, `${row().waiting.seconds} s`);

  clock.advance(6 * 3600_000);
  assert.equal(row().waiting.state, 'ready', 'our requests rolled out of the window');
  budget.observe(429, { 'retry-after': '120' });
  assert.deepEqual(row().waiting, { state: 'blocked', until: new Date(clock.now() + 120_000).toISOString(), seconds: 120 });
  clock.advance(120_000);
  assert.equal(row().waiting.state, 'ready');
  for (let i = 0; i < 3; i++) assert.deepEqual(await budget.take(), { ok: true });
  assert.deepEqual(row().waiting, { state: 'budget-spent', until: null, seconds: 0 }, 'the next poll cycle starts afresh');
  assert.deepEqual(row().budget, { limit: 5, used: 5, left: 0 });
});
