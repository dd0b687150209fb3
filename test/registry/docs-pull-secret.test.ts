// The pull Secret snippet in docs/registry.md is a config the loader accepts, with the meaning the
// section gives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfigText } from '../../src/config/load.ts';

test('docs/registry.md: the pull Secret snippet parses to a pullSecret auth', () => {
  const doc = readFileSync(new URL('../../docs/registry.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Kubernetes pull secrets'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? assert.fail('no yaml block in the section');
  const result = parseConfigText(yaml, 'docs/registry.md');
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.issues));
  const registry = result.config.registries.find((r) => r.host === 'registry.example.com');
  assert.deepEqual(registry?.auth, { kind: 'pullSecret', namespace: 'argocd', name: 'registry-pull-secret' });
});
