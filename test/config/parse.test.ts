// parseConfig: the valid full config round trip (defaults, normalisation, freezing) and one invalid
// fixture per kind of mistake, each listing in `# expect:` lines exactly the issue paths it must produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/parse.ts';

const FIXTURES = new URL('../fixtures/config/', import.meta.url);

function fixture(name: string): unknown {
  return parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
}

function issuesOf(input: unknown): { path: string; message: string }[] {
  const result = parseConfig(input);
  assert.equal(result.ok, false, 'expected the config to be refused');
  return result.ok ? [] : result.issues;
}

const invalidFixtures = readdirSync(FIXTURES).filter((f) => f.startsWith('invalid-') && f !== 'invalid-yaml-syntax.yaml');

test('there is one invalid fixture per kind of mistake', () => {
  assert.ok(invalidFixtures.length >= 10, `found ${invalidFixtures.length}`);
});

for (const name of invalidFixtures) {
  test(`${name}: reports exactly the expected paths, each with a message`, () => {
    const text = readFileSync(new URL(name, FIXTURES), 'utf8');
    const expected = [...text.matchAll(/^# expect: (.+)$/gm)].map((m) => m[1]!).sort();
    assert.ok(expected.length > 0, 'fixture lists its expected paths');
    const issues = issuesOf(parse(text));
    assert.deepEqual(issues.map((i) => i.path).sort(), expected);
    for (const issue of issues) assert.ok(issue.message.length > 10, `${issue.path} has a useful message`);
  });
}

test('messages name the problem and the fix', () => {
  const byPath = (name: string) => new Map(issuesOf(fixture(name)).map((i) => [i.path, i.message]));
  const policies = byPath('invalid-policies.yaml');
  assert.equal(policies.get('watches[0].policy.semver.range'), '"^1.x.y" is not a semver range (write e.g. ">=1.4.0 <2", "^1.4" or "~1.4.2")');
  const keys = byPath('invalid-unknown-keys.yaml');
  assert.equal(keys.get('watchs'), 'unknown key (did you mean "watches"?)');
  assert.equal(keys.get('polling.intervalSecond'), 'unknown key (did you mean "intervalSeconds"?)');
  const images = byPath('invalid-images.yaml');
  assert.match(images.get('watches[0].image')!, /names the tag "1\.2\.3"; write the repository only \("ghcr\.io\/acme\/web"\)/);
  const types = byPath('invalid-types.yaml');
  assert.equal(types.get('polling.intervalSeconds'), 'expected a number, got the string "300"');
  assert.match(types.get('clusters.static[0].labels.tier')!, /quote it/);
  const registries = byPath('invalid-registries.yaml');
  assert.match(registries.get('registries[3].auth.password')!, /never written in the config/);
});

test('an unknown key far from every allowed key lists the allowed keys', () => {
  const issues = issuesOf({ watches: [{ name: 'a', image: 'acme/a', policy: { lexical: {} }, colour: 'blue' }] });
  assert.deepEqual(issues, [{ path: 'watches[0].colour', message: 'unknown key (allowed keys: name, image, policy, filter, platforms, pin, environments, holds, allowedApplicationSets, verify)' }]);
});

test('every problem is reported at once, across sections', () => {
  // The YAML shape of valid-full.yaml, as far as this test edits it.
  type Node = Record<string, unknown>;
  const input = fixture('valid-full.yaml') as { server: Node; polling: Node; cmp: Node; registries: Node[]; watches: (Node & { filter: Node })[]; clusters: { static: Node[] } };
  input.server.listen = 'nowhere';
  input.polling.jitter = -1;
  input.registries[0]!.maxPages = 0;
  input.watches[0]!.policy = { semver: { range: 'latest' } };
  input.watches[1]!.filter.extract = '$2';
  input.watches[3]!.image = 'acme/worker:latest';
  input.clusters.static[0]!.labels = { env: true };
  input.cmp.extraImagePaths = ['spec..image'];
  const paths = issuesOf(input).map((i) => i.path);
  assert.deepEqual(paths.sort(), [
    'clusters.static[0].labels.env',
    'cmp.extraImagePaths[0]',
    'polling.jitter',
    'registries[0].maxPages',
    'server.listen',
    'watches[0].policy.semver.range',
    'watches[1].filter.extract',
    'watches[3].image',
  ]);
});

test('a document that is not a mapping is refused at the top level', () => {
  assert.deepEqual(issuesOf(null).map((i) => i.path), ['(top level)']);
  assert.deepEqual(issuesOf(['watches']).map((i) => i.message), ['expected a mapping, got a list']);
  assert.deepEqual(issuesOf('watches').map((i) => i.path), ['(top level)']);
});

test('parseConfig does not change its input', () => {
  const input = fixture('valid-full.yaml');
  const copy = structuredClone(input);
  parseConfig(input);
  assert.deepEqual(input, copy);
});

test('safety: a secret written inline is refused and never echoed back', () => {
  const issues = issuesOf({
    server: { token: 'tok-123456' },
    registries: [{ host: 'ghcr.io', auth: { username: 'bot', password: 'hunter2-secret' } }, { host: 'quay.io', auth: { token: 'quay-secret' } }],
    watches: [{ name: 'web', image: 'ghcr.io/acme/web', policy: { lexical: {} } }],
  });
  assert.deepEqual(issues.map((i) => i.path).sort(), ['registries[0].auth.password', 'registries[0].auth.username', 'registries[1].auth.token', 'server.token'].sort());
  const text = JSON.stringify(issues);
  for (const secret of ['tok-123456', 'hunter2-secret', 'quay-secret', 'bot']) assert.ok(!text.includes(secret), `${secret} leaked into an issue`);
});

test('safety: every watch resolves against a registry entry the config determines', () => {
  const result = parseConfig(parse(readFileSync(new URL('valid-full.yaml', FIXTURES), 'utf8')));
  assert.ok(result.ok);
  const hosts = new Set(result.config.registries.map((r) => r.host));
  for (const watch of result.config.watches) assert.ok(hosts.has(watch.registry), `${watch.name} uses ${watch.registry}`);
  assert.equal(result.config.registries.length, hosts.size, 'one entry per host');
});
