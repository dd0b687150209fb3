// Golden cases for the in-place rewrite (test/fixtures/cmp/<case>/: input, overrides.json,
// optional options.json, expected), plus the failure rules: bad YAML names its line, alias bombs
// are refused. The expected files were written by hand from the inputs, not produced by the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rewriteManifests } from '../../src/cmp/rewrite.ts';
import { buildImagePaths, parseImagePath } from '../../src/cmp/paths.ts';
import { buildOverrideTable } from '../../src/cmp/overrides.ts';
import { isPlainSafe } from '../../src/cmp/scalar.ts';
import { isAppError } from '../../src/shared/errors.ts';

const FIXTURES = new URL('../fixtures/cmp/', import.meta.url).pathname;
const defaultPaths = buildImagePaths([], 'test');

function overrides(entries: Record<string, string>) {
  return buildOverrideTable([{ source: 'test', entries }]);
}

for (const name of readdirSync(FIXTURES).sort()) {
  const dir = join(FIXTURES, name);
  if (!existsSync(join(dir, 'overrides.json'))) continue;
  test(`golden: ${name}`, () => {
    const ext = existsSync(join(dir, 'input.json')) ? 'json' : 'yaml';
    const input = readFileSync(join(dir, `input.${ext}`), 'utf8');
    const expected = readFileSync(join(dir, `expected.${ext}`), 'utf8');
    const entries = JSON.parse(readFileSync(join(dir, 'overrides.json'), 'utf8')) as Record<string, string>;
    const options = existsSync(join(dir, 'options.json')) ? (JSON.parse(readFileSync(join(dir, 'options.json'), 'utf8')) as { extraImagePaths?: string[] }) : {};
    const result = rewriteManifests(input, { overrides: overrides(entries), paths: buildImagePaths(options.extraImagePaths ?? [], 'test'), fileName: `input.${ext}` });
    assert.equal(result.text, expected);
    assert.ok(result.changes.length > 0, 'every golden case rewrites something');
    // Running again with the same overrides changes nothing more: the rewrite is idempotent.
    const again = rewriteManifests(result.text, { overrides: overrides(entries), paths: buildImagePaths(options.extraImagePaths ?? [], 'test'), fileName: 'again' });
    assert.equal(again.text, expected);
    assert.equal(again.changes.length, 0);
  });
}

test('an unknown image path key is left alone and reported as not used', () => {
  const input = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: nginx:1\n';
  const result = rewriteManifests(input, { overrides: overrides({ 'ghcr.io/acme/web': 'ghcr.io/acme/web:1' }), paths: defaultPaths, fileName: 'pod.yaml' });
  assert.equal(result.text, input);
  assert.deepEqual(result.images.map((i) => i.repository), ['docker.io/library/nginx']);
});

test('Tekton steps are only rewritten when the extra path is configured', () => {
  const input = 'apiVersion: tekton.dev/v1\nkind: Task\nspec:\n  steps:\n  - image: alpine:3.19\n';
  const table = overrides({ alpine: 'alpine:3.20' });
  assert.equal(rewriteManifests(input, { overrides: table, paths: defaultPaths, fileName: 't' }).text, input);
  assert.match(rewriteManifests(input, { overrides: table, paths: buildImagePaths(['steps[].image'], 't'), fileName: 't' }).text, /alpine:3\.20/);
});

test('bad YAML fails with the file name and the line of the problem', () => {
  const input = 'apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: nginx\n   name: x: y\n';
  assert.throws(
    () => rewriteManifests(input, { overrides: overrides({}), paths: defaultPaths, fileName: 'app.yaml' }),
    (err: unknown) => isAppError(err) && err.code === 'CMP_YAML_INVALID' && /^app\.yaml: line 9:/.test(err.message),
  );
});

test('a billion-laughs document is refused before anything is expanded', () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const input = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
  assert.throws(
    () => rewriteManifests(input, { overrides: overrides({}), paths: defaultPaths, fileName: 'bomb.yaml' }),
    (err: unknown) => isAppError(err) && err.code === 'CMP_ALIAS_LIMIT' && err.message.startsWith('bomb.yaml'),
  );
});

test('a few legitimate aliases pass the bound', () => {
  const input = 'apiVersion: v1\nkind: Pod\nmetadata:\n  labels: &l {a: b}\n  annotations: *l\nspec:\n  containers:\n  - image: nginx\n';
  const result = rewriteManifests(input, { overrides: overrides({ nginx: 'nginx:1.27' }), paths: defaultPaths, fileName: 'p' });
  assert.match(result.text, /image: nginx:1\.27\n/);
});

test('CRD schemas whose containers key holds a mapping are never touched', () => {
  const input = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n  schema:\n    properties:\n      containers:\n        type: array\n        items:\n          properties:\n            image: {type: string}\n';
  const result = rewriteManifests(input, { overrides: overrides({ string: 'string:1' }), paths: defaultPaths, fileName: 'crd' });
  assert.equal(result.text, input);
  assert.equal(result.images.length, 0);
});

test('image paths are checked when configured', () => {
  assert.deepEqual(parseImagePath('spec.steps[].image', 'x').steps, ['spec', 'steps', '[]', 'image']);
  assert.deepEqual(parseImagePath('images[]', 'x').steps, ['images', '[]']);
  assert.throws(() => parseImagePath('image', 'cfg'), /cfg: image path "image" is too broad/);
  assert.throws(() => parseImagePath('a..b', 'cfg'), /invalid segment/);
});

test('plain scalars stay plain only when YAML would read them back as the same string', () => {
  assert.equal(isPlainSafe('nginx:1.27'), true);
  assert.equal(isPlainSafe('ghcr.io/a/b:1@sha256:abc'), true);
  assert.equal(isPlainSafe('1:20'), false);
  assert.equal(isPlainSafe('yes'), false);
  assert.equal(isPlainSafe('a b'), false);
});
