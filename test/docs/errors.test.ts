// docs/errors.md and the source name the same error codes (Fastify's errors.md discipline): a
// new code without documentation, or a documented code nothing uses, fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const CODE = /'((?:CFG|REG|CACHE|SECRET|POLICY|GEN|KUBE|CMP|AUTH|WEBHOOK|UI)_[A-Z_]+|REQUEST_[A-Z_]+|NOT_READY|INTERNAL)'/g;
/** Argo CD build variables the CMP reads: quoted like codes, but not codes. */
const NOT_CODES = new Set(['KUBE_VERSION', 'KUBE_API_VERSIONS']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('every error code in src/ is documented in docs/errors.md, and every documented code is used', () => {
  const used = new Set<string>();
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(CODE)) if (!NOT_CODES.has(m[1]!)) used.add(m[1]!);
  }
  const doc = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!));
  assert.ok(used.size > 40, `found ${used.size} codes: the scan works`);
  assert.deepEqual([...used].filter((c) => !documented.has(c)).sort(), [], 'codes used but not documented');
  assert.deepEqual([...documented].filter((c) => !used.has(c)).sort(), [], 'codes documented but not used');
});
