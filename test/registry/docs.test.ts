import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { REGISTRY_ERROR_CODES } from '../../src/registry/errors.ts';

test('docs/registry.md documents exactly the registry error codes the code has', () => {
  const doc = readFileSync(new URL('../../docs/registry.md', import.meta.url), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `(REG_[A-Z_]+)` \|/gm)].map((m) => m[1]));
  assert.deepEqual([...documented].sort(), [...REGISTRY_ERROR_CODES].sort());
});
