// The status page shows a hold taken as an operation like a config hold, with who took it and until when.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResolutionCache } from '../../src/cache/store.ts';
import { describeWatches } from '../../src/ui/views.ts';
import { baseConfig, mustParse, resolution, T0 } from '../generator/fixture.ts';

test('a held badge names the operator and the end of the hold; a config hold has neither', () => {
  const config = mustParse(baseConfig('/s'));
  const cache = createResolutionCache();
  const at = new Date(T0).toISOString();
  cache.record('web', 'default', 'registry.test:5000/acme/web', { kind: 'resolved', resolution: resolution('1.0.0'), summary: { tags: 2, candidates: 2, complete: true }, at, held: { tag: '1.0.0', reason: 'INC-8', by: 'alice', until: '2026-06-02T00:00:00.000Z' } });
  cache.record('web', 'staging', 'registry.test:5000/acme/web', { kind: 'resolved', resolution: resolution('1.0.0'), summary: { tags: 2, candidates: 2, complete: true }, at, held: { tag: '1.0.0', reason: 'pinned' } });
  const web = describeWatches(config, cache, T0).find((w) => w.name === 'web')!;
  const reasons = web.environments.map((e) => e.badges.find((b) => b.kind === 'held')?.reason);
  assert.deepEqual(reasons, ['held at 1.0.0 by alice until 2026-06-02T00:00:00.000Z: INC-8', 'held at 1.0.0: pinned']);
});
