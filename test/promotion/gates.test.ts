// Which Applications a gate reads: those on the gate's clusters that use the watch's repository,
// by namespace/name, the same whatever the order they were listed in; and one evaluation reads each
// Application's images once, however many watches and environments ask.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appsOf, runs } from '../../src/promotion/gates.ts';
import type { Resolution } from '../../src/cache/types.ts';
import type { ApplicationObservation } from '../../src/promotion/types.ts';

function app(namespace: string, name: string, cluster: string, images: string[]): ApplicationObservation {
  return { namespace, name, cluster, sync: 'Synced', health: 'Healthy', images, since: '2026-11-30T10:00:00.000Z' };
}

test('a gate reads the Applications of its clusters that use the repository, by namespace and name', () => {
  const apps = [
    app('team-b', 'web', 'c1', ['ghcr.io/acme/web:1.0.0']),
    app('argocd', 'web-2', 'c2', ['ghcr.io/acme/api:2.0.0', 'ghcr.io/acme/web@sha256:' + 'a'.repeat(64)]),
    app('argocd', 'web-1', 'c1', ['ghcr.io/acme/web:1.0.0', 'ghcr.io/acme/web:1.1.0']),
    app('argocd', 'api', 'c1', ['ghcr.io/acme/api:2.0.0']),
    app('argocd', 'other', 'c3', ['ghcr.io/acme/web:1.0.0']),
    app('argocd', 'broken', 'c1', ['not a reference at all']),
  ];
  const names = (list: ApplicationObservation[]): string[] => list.map((a) => `${a.namespace}/${a.name}`);
  assert.deepEqual(names(appsOf(apps, new Set(['c1', 'c2']), 'ghcr.io/acme/web')), ['argocd/web-1', 'argocd/web-2', 'team-b/web']);
  assert.deepEqual(names(appsOf([...apps].reverse(), new Set(['c1', 'c2']), 'ghcr.io/acme/web')), ['argocd/web-1', 'argocd/web-2', 'team-b/web']);
  assert.deepEqual(names(appsOf(apps, new Set(['c1']), 'ghcr.io/acme/api')), ['argocd/api']);
  assert.deepEqual(appsOf(apps, new Set(['c1']), 'ghcr.io/acme/none'), []);
});

test('one Application list is read once, however many watches and environments ask', () => {
  let reads = 0;
  const apps = Array.from({ length: 50 }, (_, i) => {
    const images = Array.from({ length: 40 }, (_, w) => `ghcr.io/acme/w${w}:1.0.${i}`);
    return Object.defineProperty(app('argocd', `a${i}`, `c${i % 10}`, []), 'images', { get: () => (reads++, images) });
  });
  const clusters = [new Set(['c0', 'c1', 'c2']), new Set(['c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9'])];
  for (let w = 0; w < 40; w++) for (const set of clusters) assert.equal(appsOf(apps, set, `ghcr.io/acme/w${w}`).length, set.size * 5);
  assert.ok(reads <= apps.length, `${reads} reads of the Applications' images for ${apps.length} Applications`);
});

test('whether an Application runs a reference reads its images once, however many watches ask', () => {
  let reads = 0;
  const images = Array.from({ length: 40 }, (_, w) => `ghcr.io/acme/w${w}:1.0.${w % 2}`);
  const one = Object.defineProperty(app('argocd', 'a', 'c0', []), 'images', { get: () => (reads++, images) });
  const resolution = (w: number, tag: string): Resolution => ({ tag, digest: `sha256:${'b'.repeat(64)}`, ref: `ghcr.io/acme/w${w}:${tag}`, platforms: [], resolvedAt: '2026-11-30T10:00:00.000Z' });
  for (let w = 0; w < 40; w++) {
    assert.equal(runs(one, `ghcr.io/acme/w${w}`, resolution(w, `1.0.${w % 2}`)), true);
    assert.equal(runs(one, `ghcr.io/acme/w${w}`, resolution(w, '9.9.9')), false);
  }
  assert.equal(runs(one, 'ghcr.io/acme/none', resolution(0, '1.0.0')), false);
  assert.ok(reads <= 1, `${reads} reads of the Application's images for 81 questions`);
});
