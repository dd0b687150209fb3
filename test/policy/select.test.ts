// selectTag as a whole: a verdict for every distinct tag, answers independent of listing order,
// "nothing matched" as a value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectTag } from '../../src/policy/select.ts';
import { rule, shuffler } from './rule.ts';

const tags = [
  '1.0.0', '1.2.0', 'v1.2.0', '1.10.0', '1.10.0-rc.1', '2.0.0', 'latest', 'stable', 'main-abc123-1700000300',
  'main-def456-1700000100', 'sha256-0123.sig', 'sha256-0123.att', '20240131', '7', '007', 'build-10', 'build-9',
];
const created = new Map(tags.map((t, i) => [t, new Date(Date.UTC(2026, 0, 1 + (i % 5))).toISOString()]));

const rules = {
  semver: rule({ semver: { range: '^1' } }),
  semverPre: rule({ semver: { range: '>=1.0.0-0' } }),
  lexical: rule({ lexical: {} }),
  lexicalDesc: rule({ lexical: { order: 'desc' } }),
  numerical: rule({ numerical: {} }),
  numericalExtract: rule({ numerical: {} }, { pattern: '^main-[a-f0-9]+-(?P<ts>\\d+)', extract: '$ts' }),
  newestBuild: rule({ newestBuild: {} }),
  digest: rule({ digest: { tag: 'stable' } }),
};

for (const [name, r] of Object.entries(rules)) {
  test(`${name}: shuffled listings (and repeated tags) give the same selection and verdicts`, () => {
    const expected = selectTag(tags, r, { created });
    const shuffle = shuffler(name.length * 7919);
    for (let i = 0; i < 25; i++) {
      const listing = shuffle([...tags, ...tags.slice(0, i % 4)]);
      assert.deepEqual(selectTag(listing, r, { created }), expected);
    }
  });

  test(`${name}: exactly one verdict for every distinct listed tag`, () => {
    const selection = selectTag([...tags, 'latest', '1.0.0'], r, { created });
    assert.deepEqual(selection.verdicts.map((v) => v.tag).sort(), [...new Set(tags)].sort());
    const selected = selection.verdicts.filter((v) => v.outcome === 'selected');
    assert.equal(selected.length, selection.kind === 'selected' ? 1 : 0);
    if (selection.kind === 'selected') {
      assert.equal(selected[0]!.tag, selection.tag);
      assert.equal(selection.candidates, selection.verdicts.filter((v) => v.outcome !== 'rejected').length);
    }
  });
}

test('the expected winner for each policy over the same listing', () => {
  const winners = Object.fromEntries(Object.entries(rules).map(([name, r]) => {
    const s = selectTag(tags, r, { created });
    return [name, s.kind === 'selected' ? s.tag : s.reason];
  }));
  assert.deepEqual(winners, {
    semver: '1.10.0',
    semverPre: '2.0.0',
    lexical: 'v1.2.0',
    lexicalDesc: '007',
    numerical: '20240131',
    numericalExtract: 'main-abc123-1700000300',
    newestBuild: winners.newestBuild,
    digest: 'stable',
  });
  // newestBuild: the latest created date is shared by several tags; the one sorting last wins.
  const newest = Math.max(...[...created.values()].map(Date.parse));
  const tied = tags.filter((t) => !t.endsWith('.sig') && !t.endsWith('.att') && Date.parse(created.get(t)!) === newest).sort();
  assert.equal(winners.newestBuild, tied.at(-1));
});

test('an empty listing and a fully filtered listing are reasons, not errors', () => {
  assert.deepEqual(selectTag([], rules.semver), { kind: 'none', reason: 'the repository lists no tags', verdicts: [] });
  const filtered = selectTag(['a.sig', 'b.sig', 'c.att', 'dev'], rule({ lexical: {} }, { include: '^v' }));
  assert.equal(filtered.kind, 'none');
  assert.equal(filtered.kind === 'none' && filtered.reason, 'no tag passed the filter (4 tags: 2 removed by filter.exclude "*.sig", 1 by filter.exclude "*.att", 1 by filter.include)');
  assert.equal(filtered.verdicts.length, 4);
});

test('verdicts come selected first, then candidates by rank, then rejections by tag', () => {
  const s = selectTag(['1.1.0', 'x.sig', '1.3.0', 'nope', '1.2.0'], rules.semver);
  assert.deepEqual(s.verdicts.map((v) => [v.tag, v.outcome]), [
    ['1.3.0', 'selected'], ['1.2.0', 'candidate'], ['1.1.0', 'candidate'], ['nope', 'rejected'], ['x.sig', 'rejected'],
  ]);
});

test('names outside the OCI tag grammar are rejected before any policy ranks them', () => {
  const bad = ['9.9.9+build', `9.${'9'.repeat(130)}.0`, '-1', ''];
  for (const r of [rules.semver, rules.lexicalDesc]) {
    const selection = selectTag(['1.2.0', ...bad], r);
    assert.equal(selection.kind === 'selected' && selection.tag, '1.2.0');
    for (const b of bad) assert.equal(selection.verdicts.find((v) => v.tag === b)?.rule, 'oci tag grammar');
  }
  assert.equal(selectTag(bad, rules.semver).kind, 'none');
});
