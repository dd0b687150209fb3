// A registry whose scans hang must not hold every scan slot: a healthy registry's repositories
// resolve while the slow one's scans are still running. Real registries on loopback; the slow one
// sits behind the spec paging peer with a slow-body fault (test/helpers/protocol-registry.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { startRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { startProtocolRegistry } from '../helpers/protocol-registry.ts';
import { parseConfig } from '../../src/config/parse.ts';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { createPoller } from '../../src/poller/poller.ts';
import { createLogger } from '../../src/shared/log.ts';
import { systemClock } from '../../src/shared/clock.ts';

const quiet = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

test('scans of a hanging registry leave slots for the others', async (t) => {
  const slowReg = await startRegistry();
  const fastReg = await startRegistry();
  t.after(() => Promise.all([slowReg.stop(), fastReg.stop()]));
  const slow = await startProtocolRegistry({ upstream: slowReg.url });
  t.after(() => slow.stop());
  for (let i = 0; i < 6; i++) await pushImage(slowReg, `slow/r${i}`, '1.0.0', { created: '2026-01-01T00:00:00Z', label: `s${i}` });
  await pushImage(fastReg, 'fast/app', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'f' });
  slow.addFault({ path: /tags\/list/, fault: { kind: 'slow-body', delayMs: 4000 } });
  const watches = [
    ...Array.from({ length: 6 }, (_, i) => ({ name: `slow${i}`, image: `${slow.host}/slow/r${i}`, policy: { semver: { range: '^1' } } })),
    { name: 'fast', image: `${fastReg.host}/fast/app`, policy: { semver: { range: '^1' } } },
  ];
  const parsed = parseConfig({ registries: [{ host: slow.host, url: slow.url, insecure: true, timeoutSeconds: 30 }, { host: fastReg.host, url: fastReg.url, insecure: true }], watches });
  assert.ok(parsed.ok);
  const cache = createResolutionCache();
  const pool = createClientPool(parsed.config, { logger: quiet, clock: systemClock });
  // Slow repositories come first in the config, so they are due first and would take every slot.
  const poller = createPoller({ config: parsed.config, clientFor: (h) => pool.clientFor(h), cache, metadata: createMetadataStore(), clock: systemClock, logger: quiet, concurrency: 6, perRegistry: 4 });
  t.after(async () => {
    await poller.stop();
    await pool.close();
  });
  const fastResolved = new Promise<void>((resolve) => cache.onChange((changed) => changed.some((e) => e.watch === 'fast' && e.current) && resolve()));
  poller.start();
  await fastResolved;
  const slowChecked = watches.filter((w) => w.name.startsWith('slow') && cache.get(w.name, 'default')?.lastCheckedAt !== undefined);
  assert.deepEqual(slowChecked, [], 'the healthy registry resolved while every slow scan was still running');
  assert.equal(cache.get('fast', 'default')?.current?.tag, '1.0.0');
});
