// Runs in its own process so its resident size is the poller's alone: 2,000 watches over
// 100 repositories of 1,000 tags (100,000 tags) from the synthetic registry, two full cycles.
import { benchConfig, pollerHarness } from './poller-harness.ts';

const url = process.argv[2]!;
const host = new URL(url).host;
const watches = Array.from({ length: 2000 }, (_, i) => ({
  name: `w${i}`,
  image: `${host}/synth/r${i % 100}`,
  policy: i % 2 === 0 ? { semver: { range: '^1' } } : { numerical: { order: 'desc' } },
  ...(i % 2 === 1 && { filter: { pattern: '^1\\.(?<n>\\d+)\\.0$', extract: '$n' } }),
}));
const h = pollerHarness(benchConfig(host, url, watches));
const first = await h.cycle();
const second = await h.cycle();
(globalThis as { gc?: () => void }).gc?.();
const rss = process.memoryUsage().rss;
const resolved = h.cache.entries().filter((e) => e.current).length;
process.stdout.write(JSON.stringify({ rss, first, second, resolved, entries: h.cache.entries().length }) + '\n');
await h.pool.close();
