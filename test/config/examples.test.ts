// The shipped example (it goes into the install ConfigMap) and the documentation must stay valid:
// both are parsed with the real loader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig, parseConfigText } from '../../src/config/load.ts';

test('examples/config.yaml is valid and exercises every section', async () => {
  const config = await loadConfig(fileURLToPath(new URL('../../examples/config.yaml', import.meta.url)));
  assert.deepEqual(config.watches.map((w) => w.rule.policy.kind), ['semver', 'numerical', 'digest']);
  assert.deepEqual(config.registries.map((r) => r.host), ['ghcr.io', 'docker.io']);
  assert.ok(config.watches[0]!.environments.staging && config.watches[0]!.holds.prod);
  assert.equal(config.clusters.static.length, 1);
  assert.ok(config.server.webhooks.secret);
});

test('every key in the example config is documented in docs/config.md', () => {
  const docs = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../../examples/config.yaml', import.meta.url), 'utf8');
  const keys = new Set([...example.matchAll(/(?:^|[{,]\s*)([A-Za-z]+):/gm)].map((m) => m[1]!));
  const userData = new Set(['staging', 'prod', 'environment', 'region', 'https']);
  const missing = [...keys].filter((k) => !userData.has(k) && !docs.includes(`\`${k}\``));
  assert.deepEqual(missing, []);
});

test('the error messages shown in docs/config.md are the ones the parser produces', () => {
  const docs = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
  const block = /### Messages you may see\n\n```text\n([\s\S]*?)```/.exec(docs)?.[1] ?? '';
  const documented = block.split('\n').filter(Boolean);
  assert.ok(documented.length > 20);
  const fixtures = ['unknown-keys', 'images', 'duplicates', 'policies', 'filters', 'environments', 'registries', 'server', 'types', 'clusters', 'yaml-syntax', 'push-time'];
  const produced = new Set<string>();
  for (const name of fixtures) {
    const text = readFileSync(new URL(`../fixtures/config/invalid-${name}.yaml`, import.meta.url), 'utf8');
    const result = parseConfigText(text, 'config.yaml');
    assert.equal(result.ok, false);
    if (!result.ok) for (const issue of result.issues) produced.add(issue.message);
  }
  const unknown = documented.map((line) => line.slice(line.indexOf(': ') + 2)).filter((message) => !produced.has(message));
  assert.deepEqual(unknown, []);
});
