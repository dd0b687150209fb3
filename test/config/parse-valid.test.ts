// The valid configs: every key read, defaults applied, hosts and URLs normalised, environments merged,
// and the result deep-frozen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import semver from 'semver';
import { parseConfig } from '../../src/config/parse.ts';
import { DEFAULTS } from '../../src/config/defaults.ts';
import type { Config } from '../../src/config/types.ts';

function valid(name: string): Config {
  const result = parseConfig(parse(readFileSync(new URL(`../fixtures/config/${name}`, import.meta.url), 'utf8')));
  assert.ok(result.ok, `expected ${name} to be valid, got ${JSON.stringify(!result.ok && result.issues)}`);
  return result.config;
}

test('a minimal config gets every default', () => {
  const config = valid('valid-minimal.yaml');
  assert.deepEqual(config.server, { host: '0.0.0.0', port: 8080, token: { file: DEFAULTS.tokenFile }, operatorTokens: [], webhooks: {}, refreshApplicationSets: true, headersTimeoutSeconds: 10, requestTimeoutSeconds: 30, maxUnauthenticatedConnections: 64 });
  assert.deepEqual(config.polling, { intervalSeconds: 300, jitter: 0.1, maxBackoffSeconds: 1800 });
  assert.deepEqual(config.cache, { path: '/var/lib/argocd-image-plugins/cache.json' });
  assert.deepEqual(config.clusters, { environmentLabel: 'environment', platformsAnnotation: 'argocd-image-plugins.io/platforms', static: [] });
  assert.deepEqual(config.cmp, { extraImagePaths: [] });
  // The watched host gets an anonymous registry entry with the defaults.
  assert.deepEqual(config.registries, [
    { host: 'ghcr.io', url: 'https://ghcr.io', auth: { kind: 'none' }, insecure: false, requestsPerSecond: 10, timeoutMs: 30000, maxConcurrency: 4, requestBudget: 1000, maxPages: 100, maxTags: 100000, maxTagListBytes: 16777216, authRealms: [] },
  ]);
  const [watch] = config.watches;
  assert.equal(watch?.rule.pin, 'tag+digest');
  assert.deepEqual(watch?.rule.filter.exclude.map((m) => m.source), ['*.sig', '*.att', '*.sbom']);
  assert.deepEqual(watch?.rule.platforms, []);
  assert.deepEqual(watch?.environments, {});
});

test('the full config is read key by key', () => {
  const config = valid('valid-full.yaml');
  assert.deepEqual(config.server, { host: '127.0.0.1', port: 9090, token: { env: 'GENERATOR_TOKEN' }, operatorTokens: [], webhooks: { secret: { file: '/var/run/secrets/webhooks/secret' } }, refreshApplicationSets: false, headersTimeoutSeconds: 10, requestTimeoutSeconds: 30, maxUnauthenticatedConnections: 64 });
  assert.deepEqual(config.polling, { intervalSeconds: 60, jitter: 0.25, maxBackoffSeconds: 600 });
  assert.equal(config.cache.path, '/tmp/cache.json');
  const hosts = config.registries.map((r) => [r.host, r.url, r.auth.kind]);
  assert.deepEqual(hosts, [
    ['ghcr.io', 'https://ghcr.io', 'basic'],
    ['127.0.0.1:5000', 'http://127.0.0.1:5000', 'none'],
    ['quay.io', 'https://quay.example/mirror', 'token'],
    ['docker.io', 'https://registry-1.docker.io', 'none'],
  ]);
  const ghcr = config.registries[0]!;
  assert.deepEqual(ghcr.auth, { kind: 'basic', username: { file: '/var/run/secrets/ghcr/username' }, password: { env: 'GHCR_PASSWORD' } });
  assert.deepEqual([ghcr.requestsPerSecond, ghcr.timeoutMs, ghcr.maxConcurrency, ghcr.requestBudget, ghcr.maxPages], [5, 10000, 2, 200, 20]);
  assert.equal(config.registries[1]!.caFile, '/etc/ssl/lab-ca.pem');
  assert.deepEqual(config.registries[2]!.auth, { kind: 'token', token: { file: '/var/run/secrets/quay/token' } });
  assert.deepEqual(config.watches.map((w) => [w.name, w.image, w.registry, w.repository, w.rule.policy.kind]), [
    ['web', 'ghcr.io/acme/web', 'ghcr.io', 'acme/web', 'semver'],
    ['api_main', '127.0.0.1:5000/acme/api', '127.0.0.1:5000', 'acme/api', 'numerical'],
    ['nginx', 'docker.io/library/nginx', 'docker.io', 'library/nginx', 'digest'],
    ['worker', 'docker.io/acme/worker', 'docker.io', 'acme/worker', 'newestBuild'],
    ['docs', 'quay.io/acme/docs', 'quay.io', 'acme/docs', 'lexical'],
  ]);
  assert.deepEqual(config.clusters.static, [
    { name: 'prod-eu', server: 'https://prod-eu.example:6443', project: 'platform', labels: { env: 'prod' }, annotations: { owner: 'sre', 'example.com/platforms': 'linux/amd64' } },
    { name: 'in-cluster', server: 'https://kubernetes.default.svc', project: '', labels: {}, annotations: {} },
  ]);
  assert.deepEqual(config.clusters.argocd, { namespace: 'gitops', kubeconfig: '/etc/kube/config' });
  assert.equal(config.clusters.environmentLabel, 'env');
  assert.deepEqual(config.cmp.extraImagePaths, ['spec.steps[].image']);
});

test('a watch rule: policy compiled once, filters compiled, platforms and pin parsed', () => {
  const [web, api, nginx, , docs] = valid('valid-full.yaml').watches;
  const policy = web!.rule.policy;
  assert.ok(policy.kind === 'semver' && policy.compiled instanceof semver.Range);
  assert.equal(policy.includePrerelease, false);
  assert.equal(policy.range, '>=1.4.0 <2');
  const { filter } = web!.rule;
  assert.deepEqual(filter.exclude.map((m) => [m.kind, m.source]), [
    ['glob', '*.sig'], ['glob', '*.att'], ['glob', '*.sbom'], ['glob', '*-debug'], ['regex', '/-rc\\d*$/'], ['regex', '/^tmp-/'],
  ]);
  const excluded = (tag: string) => filter.exclude.filter((m) => m.test(tag)).map((m) => m.source);
  assert.deepEqual(excluded('sha256-abc.sig'), ['*.sig']);
  assert.deepEqual(excluded('1.2.0-debug'), ['*-debug']);
  assert.deepEqual(excluded('1.2.0-rc2'), ['/-rc\\d*$/']);
  assert.deepEqual(excluded('tmp-1'), ['/^tmp-/']);
  assert.deepEqual(excluded('1.2.0'), []);
  assert.ok(filter.include?.test('v1.2.3'));
  assert.deepEqual(web!.rule.platforms, [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }]);
  assert.equal(web!.rule.pin, 'tag');
  // Go's (?P<name>) is translated to JavaScript's (?<name>).
  assert.equal(api!.rule.filter.pattern?.exec('main-abc123-1700000000')?.groups?.ts, '1700000000');
  assert.equal(api!.rule.filter.extract, '$ts');
  assert.deepEqual(api!.rule.policy, { kind: 'numerical', order: 'desc' });
  assert.deepEqual(nginx!.rule.policy, { kind: 'digest', tag: 'stable' });
  assert.equal(nginx!.rule.pin, 'digest');
  assert.deepEqual(docs!.rule.policy, { kind: 'lexical', order: 'asc' });
});

test('environments replace whole keys of the watch rule and inherit the rest; holds are normalised', () => {
  const web = valid('valid-full.yaml').watches[0]!;
  const staging = web.environments.staging!;
  assert.ok(staging.policy.kind === 'semver' && staging.policy.includePrerelease, 'a range with -0 asks for pre-releases');
  assert.deepEqual(staging.filter.exclude, [], 'defaultExcludes: false and no exclusions of its own');
  assert.equal(staging.filter.include, undefined, 'a filter written in an environment replaces the watch filter');
  assert.deepEqual(staging.platforms, web.rule.platforms);
  assert.equal(staging.pin, 'tag');
  assert.deepEqual(web.environments.prod, web.rule, 'an empty override is the watch rule');
  assert.deepEqual(web.holds, { prod: { tag: '1.4.2', reason: 'INC-42 rollback', until: '2026-06-30T22:00:00.000Z' } });
  assert.deepEqual(web.allowedApplicationSets, ['team-a-*']);
});

test('the parsed config is deep-frozen: mutation throws', () => {
  const config = valid('valid-full.yaml');
  const web = config.watches[0]!;
  assert.throws(() => {
    (config as { cache: unknown }).cache = {};
  }, TypeError);
  assert.throws(() => {
    (web as { name: string }).name = 'other';
  }, TypeError);
  assert.throws(() => (config.watches as Config['watches'][number][]).push(web), TypeError);
  assert.throws(() => {
    (web.rule.platforms[0] as { os: string }).os = 'windows';
  }, TypeError);
  assert.throws(() => {
    (config.clusters.static[0]!.labels as Record<string, string>).env = 'dev';
  }, TypeError);
  assert.throws(() => {
    (web.rule.filter.include as RegExp).lastIndex = 3;
  }, TypeError);
  // Frozen regular expressions still match (non-global expressions never write lastIndex).
  assert.ok(web.rule.filter.include!.test('1.2.3') && web.rule.filter.include!.test('1.2.4'));
});

test('a semver range may opt out of, or into, pre-releases explicitly', () => {
  const rule = (policy: unknown) => {
    const result = parseConfig({ watches: [{ name: 'a', image: 'acme/a', policy }] });
    assert.ok(result.ok);
    return result.config.watches[0]!.rule.policy;
  };
  assert.deepEqual(Object.entries(rule({ semver: { range: '^1', prerelease: true } })).filter(([k]) => k !== 'compiled'), [['kind', 'semver'], ['range', '^1'], ['includePrerelease', true]]);
  const optedOut = rule({ semver: { range: '>=1.4.0-0', prerelease: false } });
  assert.ok(optedOut.kind === 'semver' && !optedOut.includePrerelease);
  const any = rule({ semver: {} });
  assert.ok(any.kind === 'semver' && any.range === '*');
  assert.deepEqual(rule({ newestBuild: null }), { kind: 'newestBuild' });
});

test('a leading (?i) makes an expression case-insensitive', () => {
  const result = parseConfig({ watches: [{ name: 'a', image: 'acme/a', policy: { lexical: {} }, filter: { include: '(?i)^release-' } }] });
  assert.ok(result.ok);
  assert.ok(result.config.watches[0]!.rule.filter.include!.test('RELEASE-1'));
});
