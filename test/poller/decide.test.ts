import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideTag, holdIsActive, pinnedRef } from '../../src/poller/decide.ts';
import { parseConfig } from '../../src/config/parse.ts';
import type { SelectionRule } from '../../src/config/types.ts';
import type { Resolution } from '../../src/cache/types.ts';

function rule(policy: unknown, extra: Record<string, unknown> = {}): SelectionRule {
  const r = parseConfig({ watches: [{ name: 'w', image: 'ghcr.io/acme/web', policy, ...extra }] });
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.issues));
  return r.config.watches[0]!.rule;
}
const D = `sha256:${'a'.repeat(64)}`;
function cur(tag: string, created?: string): Resolution {
  return { tag, digest: D, ref: `ghcr.io/acme/web:${tag}@${D}`, platforms: [], resolvedAt: 't0', ...(created && { created }) };
}
const NOW = Date.parse('2026-06-01T00:00:00Z');
const none = new Map<string, string>();

test('without a current resolution the policy decides', () => {
  const d = decideTag({ tags: ['1.0.0', '1.2.0', '1.10.0'], complete: true, rule: rule({ semver: { range: '^1' } }), created: none, now: NOW });
  assert.equal(d.kind, 'resolve');
  assert.equal(d.kind === 'resolve' && d.tag, '1.10.0');
});

// [listed tags, complete, current tag, expected kind, expected tag]
const NO_DOWNGRADE: Array<[string[], boolean, string, 'resolve' | 'keep', string]> = [
  [['1.0.0', '1.1.0'], true, '1.2.0', 'keep', '1.2.0'], // current deleted: keep, do not fall back to 1.1.0
  [['1.0.0'], false, '1.2.0', 'keep', '1.2.0'], // partial page
  [['1.0.0', '1.3.0'], true, '1.2.0', 'resolve', '1.3.0'], // current gone but a newer one exists: move forward
  [['1.0.0', '1.2.0'], true, '1.2.0', 'resolve', '1.2.0'], // steady state
  [['1.0.0', '1.2.0', '2.0.0'], true, '1.2.0', 'resolve', '1.2.0'], // out-of-range newer tag ignored
];

test('never downgrades when the current tag vanishes or the list is partial', () => {
  for (const [tags, complete, current, kind, tag] of NO_DOWNGRADE) {
    const d = decideTag({ tags, complete, rule: rule({ semver: { range: '^1' } }), current: cur(current), created: none, now: NOW });
    assert.equal(d.kind, kind, `${tags} current=${current}`);
    if (d.kind === 'resolve') assert.equal(d.tag, tag);
    if (d.kind === 'keep') assert.match(d.note, new RegExp(`kept ${current.replace(/\./g, '\\.')}`));
  }
});

test('a narrowed range (config change) moves off the current tag even if it is still listed', () => {
  const d = decideTag({ tags: ['1.0.0', '1.2.0'], complete: true, rule: rule({ semver: { range: '~1.0.0' } }), current: cur('1.2.0'), created: none, now: NOW });
  assert.equal(d.kind === 'resolve' && d.tag, '1.0.0');
});

test('newest build keeps a vanished newer build using its recorded created time', () => {
  const created = new Map([['a', '2026-01-01T00:00:00Z'], ['b', '2026-01-02T00:00:00Z']]);
  const d = decideTag({ tags: ['a', 'b'], complete: true, rule: rule({ newestBuild: {} }), current: cur('c', '2026-01-03T00:00:00Z'), created, now: NOW });
  assert.equal(d.kind, 'keep');
  const older = decideTag({ tags: ['a', 'b'], complete: true, rule: rule({ newestBuild: {} }), current: cur('c', '2025-12-01T00:00:00Z'), created, now: NOW });
  assert.equal(older.kind === 'resolve' && older.tag, 'b');
});

test('an active hold wins over the policy; an expired one does not; a missing held tag is an error', () => {
  const r = rule({ semver: { range: '^1' } });
  const tags = ['1.0.0', '1.1.0', '1.2.0'];
  const held = decideTag({ tags, complete: true, rule: r, hold: { tag: '1.0.0', reason: 'incident' }, created: none, now: NOW });
  assert.equal(held.kind === 'resolve' && held.tag, '1.0.0');
  assert.equal(held.kind === 'resolve' && held.held?.reason, 'incident');
  const expired = decideTag({ tags, complete: true, rule: r, hold: { tag: '1.0.0', reason: 'x', until: '2026-05-01T00:00:00Z' }, created: none, now: NOW });
  assert.equal(expired.kind === 'resolve' && expired.tag, '1.2.0');
  assert.equal(holdIsActive({ tag: 'x', reason: 'y', until: '2026-07-01T00:00:00Z' }, NOW), true);
  const missing = decideTag({ tags, complete: true, rule: r, hold: { tag: '0.9.0', reason: 'x' }, created: none, now: NOW });
  assert.equal(missing.kind, 'none');
  assert.match(missing.kind === 'none' ? missing.reason : '', /0\.9\.0/);
});

test('nothing matched is a value with a reason', () => {
  const d = decideTag({ tags: ['latest', 'main'], complete: true, rule: rule({ semver: { range: '^1' } }), created: none, now: NOW });
  assert.equal(d.kind, 'none');
  assert.ok(d.kind === 'none' && d.reason.length > 0);
  assert.equal(d.verdicts.length, 2, 'a verdict for every listed tag');
});

test('pin modes', () => {
  assert.equal(pinnedRef('ghcr.io/a/b', '1.0', D, 'tag'), 'ghcr.io/a/b:1.0');
  assert.equal(pinnedRef('ghcr.io/a/b', '1.0', D, 'digest'), `ghcr.io/a/b@${D}`);
  assert.equal(pinnedRef('ghcr.io/a/b', '1.0', D, 'tag+digest'), `ghcr.io/a/b:1.0@${D}`);
});
