// lexical, numerical, newestBuild and digest policies, table-driven.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectTag, tagsNeedingMetadata } from '../../src/policy/select.ts';
import type { Selection } from '../../src/policy/types.ts';
import { rule } from './rule.ts';

function chosen(selection: Selection): string | null {
  return selection.kind === 'selected' ? selection.tag : null;
}

const table: { name: string; policy: unknown; filter?: unknown; tags: string[]; selected: string | null }[] = [
  { name: 'lexical asc: greatest wins', policy: { lexical: {} }, tags: ['b', 'c', 'a'], selected: 'c' },
  { name: 'lexical desc: smallest wins', policy: { lexical: { order: 'desc' } }, tags: ['b', 'c', 'a'], selected: 'a' },
  { name: 'lexical compares code units, not numbers', policy: { lexical: {} }, tags: ['build-9', 'build-10'], selected: 'build-9' },
  { name: 'lexical on sortable timestamps', policy: { lexical: {} }, tags: ['2024-01-31', '2023-12-31', '2024-01-02'], selected: '2024-01-31' },
  { name: 'numerical asc: largest wins', policy: { numerical: {} }, tags: ['9', '10', '100', '1.5'], selected: '100' },
  { name: 'numerical desc: smallest wins', policy: { numerical: { order: 'desc' } }, tags: ['9', '10', '0.25', '1.5'], selected: '0.25' },
  { name: 'numerical decimals', policy: { numerical: {} }, tags: ['1.25', '1.3', '1.249'], selected: '1.3' },
  { name: 'numerical keeps precision past 2^53', policy: { numerical: {} }, tags: ['12345678901234567891', '12345678901234567890'], selected: '12345678901234567891' },
  { name: 'numerical tie (007 = 7): the tag sorting last wins', policy: { numerical: {} }, tags: ['7', '007'], selected: '7' },
  { name: 'numerical with Flux pattern/extract', policy: { numerical: {} }, filter: { pattern: '^main-[a-f0-9]+-(?P<ts>\\d+)', extract: '$ts' }, tags: ['main-aaa111-1700000100', 'main-bbb222-1700000200', 'main-ccc333-999'], selected: 'main-bbb222-1700000200' },
  { name: 'numerical with nothing numeric', policy: { numerical: {} }, tags: ['latest', 'v1'], selected: null },
  { name: 'digest tracks its tag', policy: { digest: { tag: 'stable' } }, tags: ['1.0', 'stable', 'latest'], selected: 'stable' },
  { name: 'digest with the tag missing', policy: { digest: { tag: 'stable' } }, tags: ['1.0', 'latest'], selected: null },
];

for (const c of table) {
  test(`${c.name}`, () => {
    const selection = selectTag(c.tags, rule(c.policy, c.filter));
    assert.equal(chosen(selection), c.selected);
    assert.deepEqual(selection.verdicts.map((v) => v.tag).sort(), [...c.tags].sort());
  });
}

test('numerical rejects non-numbers with a verdict', () => {
  const selection = selectTag(['10', 'latest', '1e5'], rule({ numerical: {} }));
  assert.deepEqual(selection.verdicts.filter((v) => v.outcome === 'rejected'), [
    { tag: '1e5', outcome: 'rejected', rule: 'policy.numerical', detail: '"1e5" is not a number' },
    { tag: 'latest', outcome: 'rejected', rule: 'policy.numerical', detail: '"latest" is not a number' },
  ]);
});

test('digest: a missing tag is a none-reason; other tags are rejected naming the tracked tag', () => {
  const selection = selectTag(['1.0', 'latest'], rule({ digest: { tag: 'stable' } }));
  assert.deepEqual(selection, {
    kind: 'none',
    reason: 'the tracked tag "stable" is not present in the repository',
    verdicts: [
      { tag: '1.0', outcome: 'rejected', rule: 'policy.digest', detail: 'not the tracked tag "stable"' },
      { tag: 'latest', outcome: 'rejected', rule: 'policy.digest', detail: 'not the tracked tag "stable"' },
    ],
  });
});

const created = new Map([
  ['a1', '2026-01-01T10:00:00Z'],
  ['b2', '2026-01-02T10:00:00Z'],
  ['latest', '2026-01-02T10:00:00Z'],
  ['c3', '2026-01-02T11:00:00+02:00'], // 09:00Z: older than b2 despite the larger wall-clock figure
  ['bad', 'yesterday'],
]);

test('newestBuild orders by created; equal times fall back to the tag', () => {
  const selection = selectTag(['a1', 'b2', 'latest', 'c3', 'bad', 'nometa'], rule({ newestBuild: {} }), { created });
  assert.equal(chosen(selection), 'latest');
  assert.deepEqual(selection.verdicts.map((v) => [v.tag, v.outcome, v.detail]), [
    ['latest', 'selected', 'newest build, created 2026-01-02T10:00:00Z among 4 candidates'],
    ['b2', 'candidate', 'ranked 2 of 4'],
    ['c3', 'candidate', 'ranked 3 of 4'],
    ['a1', 'candidate', 'ranked 4 of 4'],
    ['bad', 'rejected', 'created "yesterday" is not a time'],
    ['nometa', 'rejected', 'no created time (the image config has none, or it was not fetched)'],
  ]);
});

test('newestBuild without metadata reports every tag and selects nothing', () => {
  const selection = selectTag(['a1', 'b2'], rule({ newestBuild: {} }));
  assert.equal(selection.kind, 'none');
  assert.equal(selection.kind === 'none' && selection.reason, 'no candidate tag has a created time (2 candidates: 2 without a created time)');
});

test('tagsNeedingMetadata: for newestBuild exactly the tags that pass the filter, else none', () => {
  const tags = ['1.0', 'sha256-ab.sig', 'dev-1', '2.0', '1.0'];
  assert.deepEqual(tagsNeedingMetadata(tags, rule({ newestBuild: {} }, { exclude: ['dev-*'] })), ['1.0', '2.0']);
  assert.deepEqual(tagsNeedingMetadata(tags, rule({ newestBuild: {} })), ['1.0', '2.0', 'dev-1']);
  assert.deepEqual(tagsNeedingMetadata(tags, rule({ semver: { range: '*' } })), []);
  assert.deepEqual(tagsNeedingMetadata(tags, rule({ digest: { tag: '1.0' } })), []);
});
