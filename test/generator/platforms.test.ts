import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseForPlatforms, covers } from '../../src/generator/platforms.ts';
import type { CacheEntry, Resolution } from '../../src/cache/types.ts';

function res(tag: string, platforms: string[]): Resolution {
  return { tag, digest: `sha256:${tag.padEnd(64, '0')}`, ref: `r:${tag}`, platforms, resolvedAt: 't' };
}

// [image platforms, cluster needs, covered?]
const CASES: Array<[string[], string[], boolean]> = [
  [['linux/amd64', 'linux/arm64/v8'], ['linux/arm64'], true],
  [['linux/arm64'], ['linux/arm64/v8'], true],
  [['linux/arm/v7'], ['linux/arm'], true],
  [['linux/arm/v6'], ['linux/arm'], false],
  [['linux/amd64'], ['linux/amd64', 'linux/arm64'], false],
  [['linux/amd64'], [], true],
  [[], ['linux/s390x'], true], // unknown platforms: nothing says the image lacks them
];

test('a cluster is covered when the image provides every platform it runs (containerd normalisation)', () => {
  for (const [have, need, want] of CASES) assert.equal(covers(res('x', have), need), want, `${have} for ${need}`);
});

test('a cluster whose platforms the current image lacks gets the newest earlier resolution that has them', () => {
  const entry: CacheEntry & { current: Resolution } = {
    watch: 'web',
    environment: 'default',
    image: 'ghcr.io/acme/web',
    current: res('3.0.0', ['linux/amd64']),
    history: [res('2.1.0', ['linux/amd64']), res('2.0.0', ['linux/amd64', 'linux/arm64/v8']), res('1.0.0', ['linux/amd64', 'linux/arm64'])],
  };
  const arm = chooseForPlatforms(entry, ['linux/arm64']);
  assert.deepEqual(arm.ok && [arm.resolution.tag, arm.fallback], ['2.0.0', true]);
  const amd = chooseForPlatforms(entry, ['linux/amd64']);
  assert.deepEqual(amd.ok && [amd.resolution.tag, amd.fallback], ['3.0.0', false]);
  const none = chooseForPlatforms(entry, ['linux/ppc64le']);
  assert.deepEqual(none, { ok: false, missing: ['linux/ppc64le'] });
});
