// The cluster inventory: static entries, Argo CD cluster Secrets read through the loopback API
// peer (test/helpers/kube-api.ts), last good inventory kept beside a read error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterSource } from '../../src/clusters/source.ts';
import { normalizeClusterName } from '../../src/clusters/normalize.ts';
import { matchesSelector } from '../../src/clusters/selector.ts';
import { createKubeClient } from '../../src/kube/client.ts';
import { clusterSecretReader } from '../../src/kube/cluster-secrets.ts';
import type { ClustersConfig } from '../../src/config/types.ts';
import { manualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/log.ts';
import { clusterSecret, startKubeApi } from '../helpers/kube-api.ts';
import { Writable } from 'node:stream';

const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });

function clustersConfig(extra: Partial<ClustersConfig> = {}): ClustersConfig {
  return {
    environmentLabel: 'environment',
    platformsAnnotation: 'argocd-image-plugins/platforms',
    static: [{ name: 'edge', server: 'https://edge:6443', project: 'edge', labels: { environment: 'staging' }, annotations: {} }],
    ...extra,
  };
}

test('nameNormalized follows Argo CD SanitizeName', () => {
  assert.equal(normalizeClusterName('Prod_EU.1'), 'prod-eu.1');
  assert.equal(normalizeClusterName('--in-cluster..'), 'in-cluster');
  assert.equal(normalizeClusterName('a'.repeat(300)).length, 253);
});

test('label selectors: matchLabels and every matchExpressions operator, ANDed', () => {
  const labels = { env: 'prod', region: 'eu' };
  assert.equal(matchesSelector(labels, { matchLabels: { env: 'prod' }, matchExpressions: [] }), true);
  assert.equal(matchesSelector(labels, { matchLabels: { env: 'staging' }, matchExpressions: [] }), false);
  assert.equal(matchesSelector(labels, { matchLabels: {}, matchExpressions: [{ key: 'region', operator: 'In', values: ['eu', 'us'] }] }), true);
  assert.equal(matchesSelector(labels, { matchLabels: {}, matchExpressions: [{ key: 'region', operator: 'NotIn', values: ['eu'] }] }), false);
  assert.equal(matchesSelector(labels, { matchLabels: {}, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] }), true);
  assert.equal(matchesSelector(labels, { matchLabels: {}, matchExpressions: [{ key: 'tier', operator: 'Exists', values: [] }] }), false);
  assert.equal(matchesSelector(labels, { matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist', values: [] }] }), true);
});

test('a static-only inventory is loaded at once', () => {
  const config = clustersConfig();
  const source = createClusterSource({ config: () => config, logger: silent, clock: manualClock(0) });
  const inv = source.inventory();
  assert.equal(inv.loaded, true);
  assert.deepEqual(inv.clusters.map((c) => [c.name, c.project, c.origin]), [['edge', 'edge', 'static']]);
});

test('cluster Secrets join the static list; same name: the Secret wins; bad Secrets are skipped', async (t) => {
  const api = await startKubeApi(t);
  api.put('secrets', 'argocd', clusterSecret('cluster-prod-eu', { name: 'prod-eu', server: 'https://prod-eu:6443', project: 'team-a' }, { environment: 'prod' }, { 'argocd-image-plugins/platforms': 'linux/arm64' }));
  api.put('secrets', 'argocd', clusterSecret('cluster-edge', { name: 'edge', server: 'https://edge-2:6443' }, { environment: 'prod' }));
  api.put('secrets', 'argocd', { metadata: { name: 'broken', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } }, data: { server: Buffer.from('https://x').toString('base64') } });
  api.put('secrets', 'argocd', { metadata: { name: 'repo-creds', labels: { 'argocd.argoproj.io/secret-type': 'repository' } }, data: {} });
  const kube = createKubeClient({ server: api.url, token: () => api.token, insecure: false });
  t.after(() => kube.close());
  const config = clustersConfig({ argocd: { namespace: 'argocd' } });
  const source = createClusterSource({ config: () => config, readSecrets: clusterSecretReader(kube, silent), logger: silent, clock: manualClock(Date.UTC(2026, 0, 1)) });
  assert.equal(source.inventory().loaded, false, 'not loaded before the first read');
  const inv = await source.refresh();
  assert.equal(inv.loaded, true);
  assert.deepEqual(inv.clusters.map((c) => [c.name, c.server, c.project, c.origin]), [
    ['edge', 'https://edge-2:6443', '', 'secret'],
    ['prod-eu', 'https://prod-eu:6443', 'team-a', 'secret'],
  ]);
  assert.equal(inv.clusters[1]!.labels['argocd.argoproj.io/secret-type'], 'cluster');
  assert.equal(inv.clusters[1]!.annotations['argocd-image-plugins/platforms'], 'linux/arm64');
});

test('a failed re-list keeps the last good clusters and records the error; the next success clears it', async (t) => {
  const api = await startKubeApi(t, { tokens: { good: [{ verbs: ['*'], resources: ['*'] }] } });
  api.put('secrets', 'argocd', clusterSecret('c1', { name: 'c1', server: 'https://c1' }));
  let token = 'good';
  const kube = createKubeClient({ server: api.url, token: () => token, insecure: false });
  t.after(() => kube.close());
  const config = clustersConfig({ static: [], argocd: { namespace: 'argocd' } });
  const source = createClusterSource({ config: () => config, readSecrets: clusterSecretReader(kube, silent), logger: silent, clock: manualClock(0) });
  const seen: number[] = [];
  source.onChange((inv) => seen.push(inv.revision));
  const first = await source.refresh();
  token = 'revoked';
  const failed = await source.refresh();
  assert.deepEqual(failed.clusters, first.clusters);
  assert.equal(failed.revision, first.revision, 'same clusters, same revision: no rebuild');
  assert.equal(failed.error?.code, 'KUBE_UNAUTHORIZED');
  token = 'good';
  api.put('secrets', 'argocd', clusterSecret('c2', { name: 'c2', server: 'https://c2' }));
  const healed = await source.refresh();
  assert.equal(healed.error, undefined);
  assert.deepEqual(healed.clusters.map((c) => c.name), ['c1', 'c2']);
  assert.ok(healed.revision > first.revision);
  assert.ok(seen.length >= 3);
});
