// When a registry's limit cannot cover every due watch, the watches clusters use stay fresh and the
// others wait: the real poller and client against the real registry behind a Docker Hub-style
// limiting proxy, on virtual time (test/helpers/rate-sim.ts). Figures over 24 h: bench/rate-limit-sim.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRegistry } from '../helpers/registry.ts';
import { fillRegistry, simulate } from '../helpers/rate-sim.ts';

test('100 requests per 6 h: no 429, used watches never older than 2 intervals, unused ones wait', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  await fillRegistry(registry, 20);
  const f = await simulate(registry, { used: 5, unused: 15, intervalSeconds: 3600, hours: 12, limit: 100, windowSeconds: 21_600 });
  assert.equal(f.refused, 0, 'the registry never answered 429');
  assert.ok(f.usedWorst <= 2, `a used watch got ${f.usedWorst.toFixed(2)} intervals old`);
  assert.ok(f.unusedWorst > f.usedWorst, `unused watches waited (${f.unusedWorst.toFixed(2)} intervals) for the used ones`);
  assert.ok(f.requests > 0 && f.requests <= 100 * 2 + 1, `requests ${f.requests} fit two 6 h windows`);
});

test('a budget of k requests per interval (rateLimit) goes to the used watches first', async (t) => {
  const registry = await startRegistry();
  t.after(() => registry.stop());
  await fillRegistry(registry, 12);
  const k = 6;
  const f = await simulate(registry, { used: 3, unused: 9, intervalSeconds: 600, hours: 4, limit: 10_000, windowSeconds: 600, rateLimit: { requests: k, windowSeconds: 600 } });
  assert.equal(f.refused, 0);
  assert.ok(f.requests <= k * (4 * 6 + 1), `requests ${f.requests} stay within ${k} per interval`);
  assert.ok(f.usedWorstWarm <= 2, `a used watch got ${f.usedWorstWarm.toFixed(2)} intervals old after the cold start`);
  assert.ok(f.usedScans > f.unusedScans, `used watches were scanned more often (${f.usedScans} vs ${f.unusedScans} on average)`);
});
