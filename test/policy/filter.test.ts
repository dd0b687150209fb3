// The filter stage: default cosign exclusions, globs and /regex/ exclusions, include, and Flux's
// RegexFilter pattern + extract (fluxcd/image-reflector-controller internal/policy/filter.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFilter, expandTemplate } from '../../src/policy/filter.ts';
import { rule } from './rule.ts';

const lexical = { lexical: {} };

test('cosign artefacts are excluded by default, each naming its glob', () => {
  const { candidates, rejected } = applyFilter(['1.0.0', 'sha256-ab.sig', 'sha256-ab.att', 'sha256-ab.sbom'], rule(lexical).filter);
  assert.deepEqual(candidates, [{ tag: '1.0.0', value: '1.0.0' }]);
  assert.deepEqual(rejected, [
    { tag: 'sha256-ab.sig', outcome: 'rejected', rule: 'filter.exclude "*.sig"' },
    { tag: 'sha256-ab.att', outcome: 'rejected', rule: 'filter.exclude "*.att"' },
    { tag: 'sha256-ab.sbom', outcome: 'rejected', rule: 'filter.exclude "*.sbom"' },
  ]);
});

test('defaultExcludes: false keeps cosign tags', () => {
  const { candidates } = applyFilter(['1.0.0', 'sha256-ab.sig'], rule(lexical, { defaultExcludes: false }).filter);
  assert.deepEqual(candidates.map((c) => c.tag), ['1.0.0', 'sha256-ab.sig']);
});

const cases: { name: string; filter: unknown; tags: string[]; candidates: [string, string][]; rules: Record<string, string> }[] = [
  {
    name: 'include keeps matching tags (unanchored unless written with ^$)',
    filter: { include: '^v?\\d+\\.\\d+\\.\\d+$' },
    tags: ['1.2.3', 'v1.2.4', '1.2.3-debug', 'latest'],
    candidates: [['1.2.3', '1.2.3'], ['v1.2.4', 'v1.2.4']],
    rules: { '1.2.3-debug': 'filter.include', latest: 'filter.include' },
  },
  {
    name: 'exclusions: glob, /regex/ and { regex } forms, first match named',
    filter: { exclude: ['*-debug', '/-rc\\d*$/', { regex: '^tmp-' }] },
    tags: ['1.0.0', '1.0.0-debug', '1.1.0-rc2', 'tmp-7'],
    candidates: [['1.0.0', '1.0.0']],
    rules: { '1.0.0-debug': 'filter.exclude "*-debug"', '1.1.0-rc2': 'filter.exclude /-rc\\d*$/', 'tmp-7': 'filter.exclude /^tmp-/' },
  },
  {
    name: 'exclusion is checked before include',
    filter: { include: 'debug', exclude: ['*-debug'] },
    tags: ['1.0-debug', 'debug-1'],
    candidates: [['debug-1', 'debug-1']],
    rules: { '1.0-debug': 'filter.exclude "*-debug"' },
  },
  {
    name: 'Flux pattern with a Go (?P<ts>) group: the extracted value is ordered, the original tag reported',
    filter: { pattern: '^main-[a-f0-9]+-(?P<ts>\\d+)', extract: '$ts' },
    tags: ['main-3f2a9c1-1700000100', 'main-bad1dea-1700000050', 'feature-x-1700000200', 'main-zzz-1'],
    candidates: [['main-3f2a9c1-1700000100', '1700000100'], ['main-bad1dea-1700000050', '1700000050']],
    rules: { 'feature-x-1700000200': 'filter.pattern', 'main-zzz-1': 'filter.pattern' },
  },
  {
    name: 'pattern without extract orders the whole tag',
    filter: { pattern: '^release-' },
    tags: ['release-2', 'dev-3'],
    candidates: [['release-2', 'release-2']],
    rules: { 'dev-3': 'filter.pattern' },
  },
  {
    name: 'numbered groups and a template with literal text',
    filter: { pattern: '^(\\d+)\\.(\\d+)-(?<build>\\d+)$', extract: '${1}.$2.${build}' },
    tags: ['1.4-77'],
    candidates: [['1.4-77', '1.4.77']],
    rules: {},
  },
];

for (const c of cases) {
  test(`filter: ${c.name}`, () => {
    const { candidates, rejected } = applyFilter(c.tags, rule(lexical, c.filter).filter);
    assert.deepEqual(candidates.map((x) => [x.tag, x.value]), c.candidates);
    assert.deepEqual(Object.fromEntries(rejected.map((v) => [v.tag, v.rule])), c.rules);
    assert.ok(rejected.every((v) => v.outcome === 'rejected'));
  });
}

test('expandTemplate follows Go Regexp.Expand', () => {
  const match = /^(?<major>\d+)\.(\d+)$/.exec('12.7')!;
  const table: [string, string][] = [
    ['$major', '12'],
    ['${major}', '12'],
    ['$1-$2', '12-7'],
    ['v$$${major}', 'v$12'],
    ['$major_x', ''], // a name runs over letters, digits and _: no group "major_x"
    ['${major}_x', '12_x'],
    ['$9', ''],
    ['$ plain', '$ plain'],
  ];
  for (const [template, expected] of table) assert.equal(expandTemplate(template, match), expected, template);
});
