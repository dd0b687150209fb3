// Runs in its own process so its resident size is the poller's alone: 2,000 watches over
// 100 repositories of 1,000 tags (100,000 tags) from the synthetic registry, two full passes of
// the real poller (its own concurrency limit, summaries kept, verdicts dropped).
import { benchConfig, silent } from './poller-harness.ts';
import { tuneHeapForService } from '../../src/service/heap.ts';

// As `serve` does first thing, unless the benchmark compares against V8's defaults.
tuneHeapForService();
import { createResolutionCache } from '../../src/cache/store.ts';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { createPoller } from '../../src/poller/poller.ts';
import { systemClock } from '../../src/shared/clock.ts';

const url = process.argv[2]!;
const host = new URL(url).host;
const watches = Array.from({ length: 2000 }, (_, i) => ({
  name: `w${i}`,
  image: `${host}/synth/r${i % 100}`,
  policy: i % 2 === 0 ? { semver: { range: '^1' } } : { numerical: { order: 'asc' } },
  ...(i % 2 === 1 && { filter: { pattern: '^1\\.(?<n>\\d+)\\.0$', extract: '$n' } }),
}));
const config = benchConfig(host, url, watches);
const cache = createResolutionCache();
const pool = createClientPool(config, { logger: silent, clock: systemClock });
const poller = createPoller({ config, clientFor: (h) => pool.clientFor(h), cache, metadata: createMetadataStore(), clock: systemClock, logger: silent });
const gc = (globalThis as { gc?: () => void }).gc;
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
let t = performance.now();
await poller.scanAll();
const first = performance.now() - t;
t = performance.now();
await poller.scanAll();
const second = performance.now() - t;
clearInterval(sampler);
gc?.();
const { rss, heapUsed } = process.memoryUsage();
const resolved = cache.entries().filter((e) => e.current).length;
process.stdout.write(JSON.stringify({ rss, peak: Math.max(peak, rss), heapUsed, first, second, resolved, entries: cache.entries().length }) + '\n');
await poller.stop();
await pool.close();
