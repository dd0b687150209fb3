// semver policy: ranges, pre-releases only on request, `v` prefixes, deterministic ties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectTag } from '../../src/policy/select.ts';
import type { SelectionRule } from '../../src/config/types.ts';
import { rule } from './rule.ts';

const cases: { name: string; policy: unknown; filter?: unknown; tags: string[]; selected: string | null }[] = [
  { name: 'highest version inside the range', policy: { semver: { range: '>=1.4.0 <2' } }, tags: ['1.3.9', '1.4.0', '1.10.0', '1.9.0', '2.0.0', 'latest'], selected: '1.10.0' },
  { name: 'pre-releases stay out of a plain range', policy: { semver: { range: '>=1.4.0 <2' } }, tags: ['1.4.0', '1.5.0-rc.1', '2.0.0-rc.1'], selected: '1.4.0' },
  { name: 'a range written with -0 asks for pre-releases (any version in range)', policy: { semver: { range: '>=1.4.0-0' } }, tags: ['1.5.0', '1.6.0-rc.1', '1.4.0'], selected: '1.6.0-rc.1' },
  { name: 'prerelease: true admits pre-releases', policy: { semver: { range: '^1', prerelease: true } }, tags: ['1.5.0', '1.6.0-beta.2', '1.6.0-beta.10'], selected: '1.6.0-beta.10' },
  { name: 'a release outranks its own pre-release', policy: { semver: { range: '^1', prerelease: true } }, tags: ['1.6.0-rc.1', '1.6.0'], selected: '1.6.0' },
  { name: 'v prefixes are accepted', policy: { semver: { range: '^2' } }, tags: ['v2.0.1', 'v2.1.0', '2.0.9'], selected: 'v2.1.0' },
  { name: 'v1.2.0 and 1.2.0 tie: the tag sorting last (v1.2.0) wins', policy: { semver: { range: '*' } }, tags: ['1.2.0', 'v1.2.0'], selected: 'v1.2.0' },
  // "+" cannot stand in an OCI tag: build metadata reaches the policy through pattern + extract;
  // numeric build identifiers compare as numbers (10 > 9), where the tag text sorts 1.2.0_9 last
  { name: 'build metadata is ordered too (compareBuild)', policy: { semver: { range: '*' } }, filter: { pattern: '^(?P<v>\\d+\\.\\d+\\.\\d+)_(?P<b>\\d+)$', extract: '$v+$b' }, tags: ['1.2.0_9', '1.2.0_10', '1.1.0_99'], selected: '1.2.0_10' },
  { name: 'partial versions are not semver', policy: { semver: { range: '*' } }, tags: ['1.2', '1', 'v1.0.0'], selected: 'v1.0.0' },
  { name: 'extracted value is ordered, original tag reported', policy: { semver: { range: '^3' } }, filter: { pattern: '^release-(?P<v>.+)$', extract: '$v' }, tags: ['release-3.1.0', 'release-3.2.0', 'release-4.0.0', '3.9.0'], selected: 'release-3.2.0' },
  { name: 'nothing in range', policy: { semver: { range: '>=5' } }, tags: ['1.0.0', 'latest'], selected: null },
];

for (const c of cases) {
  test(`semver: ${c.name}`, () => {
    const selection = selectTag(c.tags, rule(c.policy, c.filter));
    assert.equal(selection.kind === 'selected' ? selection.tag : null, c.selected);
    assert.deepEqual(selection.verdicts.map((v) => v.tag).sort(), [...c.tags].sort());
  });
}

test('semver verdicts say why each tag lost', () => {
  const selection = selectTag(['1.4.0', '1.5.0', '2.0.0', 'latest', '1.6.0-rc.1'], rule({ semver: { range: '>=1.4.0 <2' } }));
  assert.deepEqual(selection, {
    kind: 'selected',
    tag: '1.5.0',
    candidates: 2,
    verdicts: [
      { tag: '1.5.0', outcome: 'selected', rule: 'policy.semver', detail: 'highest version in the range ">=1.4.0 <2" among 2 candidates' },
      { tag: '1.4.0', outcome: 'candidate', rule: 'policy.semver', detail: 'ranked 2 of 2' },
      { tag: '1.6.0-rc.1', outcome: 'rejected', rule: 'policy.semver', detail: 'pre-release; the range does not ask for pre-releases (add prerelease: true)' },
      { tag: '2.0.0', outcome: 'rejected', rule: 'policy.semver', detail: '2.0.0 is outside the range ">=1.4.0 <2"' },
      { tag: 'latest', outcome: 'rejected', rule: 'policy.semver', detail: 'not a semantic version' },
    ],
  });
});

test('no match is a reason that counts what happened, never null or a throw', () => {
  const selection = selectTag(['1.0.0', '1.1.0', 'latest'], rule({ semver: { range: '>=5' } }));
  assert.equal(selection.kind, 'none');
  assert.equal(selection.kind === 'none' && selection.reason, 'no tag satisfies the semver range ">=5" (3 candidates: 2 outside the range, 1 not semantic versions)');
});

test('a rule built by hand, without the compiled range, behaves the same', () => {
  const parsed = rule({ semver: { range: '~1.2.0' } });
  const { compiled: _compiled, ...policy } = parsed.policy as Extract<SelectionRule['policy'], { kind: 'semver' }>;
  const byHand: SelectionRule = { ...parsed, policy };
  const tags = ['1.2.0', '1.2.9', '1.3.0'];
  const selection = selectTag(tags, byHand);
  assert.deepEqual(selection, selectTag(tags, parsed));
  assert.equal(selection.kind === 'selected' && selection.tag, '1.2.9');
});
