// schema/config.schema.json (what editors validate and complete config.yaml with) cannot drift from
// the parser: every mapping the parser reads is compared with the schema's properties at that path,
// every schema object must be reached by the parser, and every shipped or documented config is
// valid for both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parseConfig } from '../../src/config/parse.ts';
import { yamlToData } from '../../src/config/yaml.ts';
import { loadSchema, objectShapes, resolve, SCHEMA_FILE } from './schema-walk.ts';

const root = new URL('../../', import.meta.url);
const schema = loadSchema();
const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
const FIX = 'test/fixtures/config/schema-coverage.yaml';
const HOW = 'edit schema/config.schema.json (and docs/config.md) in the same commit as the parser';

function data(file: string, text = readFileSync(new URL(file, root), 'utf8')): unknown {
  const result = yamlToData(text, file);
  assert.ok(result.ok, `${file}: ${JSON.stringify(result)}`);
  return result.data;
}

/** Shipped configs: the examples, the install manifest, the valid fixtures. */
const shipped = ['examples/config.yaml', 'manifests/config.yaml', ...readdirSync(new URL('test/fixtures/config/', root)).filter((f) => f.startsWith('valid-')).map((f) => `test/fixtures/config/${f}`)];

/** Every ```yaml block in README.md and docs/*.md that is a whole config (top-level keys only, with watches). */
function documented(): { where: string; value: unknown }[] {
  const files = ['README.md', ...readdirSync(new URL('docs/', root)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const topLevel = Object.keys(schema.properties ?? {});
  return files.flatMap((file) => [...readFileSync(new URL(file, root), 'utf8').matchAll(/^```yaml\n([\s\S]*?)^```/gm)].flatMap((block, index) => {
    const parsed = yamlToData(block[1]!, file);
    const value = parsed.ok ? parsed.data : undefined;
    const whole = typeof value === 'object' && value !== null && 'watches' in value && Object.keys(value).every((k) => topLevel.includes(k));
    return whole ? [{ where: `${file} yaml block ${index + 1}`, value }] : [];
  }));
}

test('the schema has a property for every key the parser accepts, and none it refuses', () => {
  const problems: string[] = [];
  for (const file of [FIX, ...shipped]) {
    parseConfig(data(file), (path, keys) => {
      const at = resolve(schema, path);
      const declared = Object.keys(at?.node.properties ?? {});
      const where = `${path || '(top level)'} (${at?.pointer ?? 'no schema node'})`;
      for (const key of keys.filter((k) => !declared.includes(k))) problems.push(`${where}: the parser accepts "${key}" but the schema has no property for it; ${HOW}`);
      for (const key of declared.filter((k) => !keys.includes(k))) problems.push(`${where}: the schema declares "${key}" but the parser refuses it; ${HOW}`);
    });
  }
  assert.deepEqual([...new Set(problems)], []);
});

test('every object of the schema is one the parser reads (coverage of the comparison above)', () => {
  const reached = new Set<string>();
  parseConfig(data(FIX), (path) => {
    const at = resolve(schema, path);
    if (at !== undefined) reached.add(at.pointer);
  });
  const unread = [...objectShapes(schema).keys()].filter((pointer) => !reached.has(pointer));
  assert.deepEqual(unread, [], `the parser never read these schema objects on ${FIX}: add a use of each to that file (or remove it from the schema if the parser has no such section)`);
});

test('shipped configs and every whole config in the docs are valid for the schema and the parser', () => {
  const configs = [...shipped.map((file) => ({ where: file, value: data(file) })), ...documented()];
  assert.ok(configs.length >= 6, `found only ${configs.map((c) => c.where).join(', ')}`);
  for (const { where, value } of configs) {
    assert.equal(validate(value), true, `${where}: ${JSON.stringify(validate.errors)}`);
    const parsed = parseConfig(value);
    assert.equal(parsed.ok, true, `${where}: ${JSON.stringify(parsed.ok ? '' : parsed.issues)}`);
  }
});

test('the schema refuses unknown keys and missing required ones, as the parser does', () => {
  for (const file of ['test/fixtures/config/invalid-unknown-keys.yaml', 'test/fixtures/config/invalid-types.yaml']) {
    assert.equal(validate(data(file)), false, file);
    assert.equal(parseConfig(data(file)).ok, false, file);
  }
  assert.equal(validate({ server: {} }), false, 'watches is required');
  assert.equal(validate({ watches: [{ name: 'web', image: 'nginx', policy: { semver: {}, lexical: {} } }] }), false, 'one policy only');
});

test('example configs point editors at the schema with a path that resolves in the repository', () => {
  for (const file of ['examples/config.yaml', 'manifests/config.yaml']) {
    const first = readFileSync(new URL(file, root), 'utf8').split('\n')[0]!;
    const target = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)?.[1];
    assert.ok(target !== undefined, `${file} must start with "# yaml-language-server: $schema=<relative path>"`);
    assert.equal(resolvePath(dirname(fileURLToPath(new URL(file, root))), target), fileURLToPath(SCHEMA_FILE), file);
  }
});
