// A scan that ends frees a slot of its registry, and that registry's due repositories start then:
// not an interval later. While one registry's slots are all taken, its due repositories cannot
// start, and the queue's timer is armed for the next repository that could, which after the other
// registries' cold scans is their next scan, an interval away. The queue has to re-arm when a scan
// ends, or the busy registry's remaining repositories wait for that interval (what stopped the
// 10-registry scale benchmark at 176 of 200 repositories). Real registries on loopback; the slow one
// answers its tag lists after 1.5 s (test/helpers/protocol-registry.ts), so the fast one is done
// first, every time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { startRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { startProtocolRegistry } from '../helpers/protocol-registry.ts';
import { until } from '../helpers/until.ts';
import { parseConfig } from '../../src/config/parse.ts';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { createPoller } from '../../src/poller/poller.ts';
import { createLogger } from '../../src/shared/log.ts';
import { systemClock } from '../../src/shared/clock.ts';

const quiet = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

test('a registry whose only slot was taken scans its next repository when that scan ends, not an interval later', async (t) => {
  const slowReg = await startRegistry();
  const fastReg = await startRegistry();
  t.after(() => Promise.all([slowReg.stop(), fastReg.stop()]));
  const slow = await startProtocolRegistry({ upstream: slowReg.url });
  t.after(() => slow.stop());
  for (let i = 0; i < 3; i++) await pushImage(slowReg, `slow/r${i}`, '1.0.0', { created: '2026-01-01T00:00:00Z', label: `s${i}` });
  await pushImage(fastReg, 'fast/app', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'f' });
  slow.addFault({ path: /tags\/list/, fault: { kind: 'slow-body', delayMs: 1500 } });
  const watches = [
    ...Array.from({ length: 3 }, (_, i) => ({ name: `slow${i}`, image: `${slow.host}/slow/r${i}`, policy: { semver: { range: '^1' } } })),
    { name: 'fast', image: `${fastReg.host}/fast/app`, policy: { semver: { range: '^1' } } },
  ];
  // One hour between scans: a repository held back until its registry's next due time never resolves in this test.
  const parsed = parseConfig({ polling: { intervalSeconds: 3600 }, registries: [{ host: slow.host, url: slow.url, insecure: true }, { host: fastReg.host, url: fastReg.url, insecure: true }], watches });
  assert.ok(parsed.ok);
  const cache = createResolutionCache();
  const pool = createClientPool(parsed.config, { logger: quiet, clock: systemClock });
  const poller = createPoller({ config: parsed.config, clientFor: (h) => pool.clientFor(h), cache, metadata: createMetadataStore(), clock: systemClock, logger: quiet, concurrency: 4, perRegistry: 1 });
  t.after(async () => {
    await poller.stop();
    await pool.close();
  });
  poller.start();
  await until(() => cache.get('fast', 'default')?.current !== undefined || undefined, { what: 'the fast registry resolved' });
  assert.equal(cache.get('slow2', 'default')?.lastCheckedAt, undefined, 'the slow registry was still on its first repositories when the fast one was done');
  // Each slow scan takes about 1.5 s; the next starts when the one before ends.
  await until(() => watches.every((w) => cache.get(w.name, 'default')?.current !== undefined) || undefined, { what: 'every slow repository resolved, one after the other', deadlineMs: 30_000 });
  assert.deepEqual(watches.map((w) => cache.get(w.name, 'default')?.current?.tag), ['1.0.0', '1.0.0', '1.0.0', '1.0.0']);
});
