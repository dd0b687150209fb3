// environments.<env>.promotion / rollout: read with their defaults, and every mistake named with its
// field and the fix (unknown from, chains that loop, percentages, durations, waves).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/parse.ts';

const WATCHES = [{ name: 'web', image: 'ghcr.io/acme/web', policy: { semver: { range: '>=1.0.0' } } }];

function issuesOf(environments: unknown): string[] {
  const result = parseConfig({ watches: WATCHES, environments });
  return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
}

test('a staging → prod promotion with two waves is read with its defaults', () => {
  const result = parseConfig({
    watches: WATCHES,
    environments: {
      staging: {},
      prod: {
        promotion: { from: 'staging', soak: '1h30m' },
        rollout: { waves: [{ selector: { matchLabels: { wave: 'canary' } } }, { percent: 100 }], pause: '30m' },
      },
    },
  });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
  assert.deepEqual(result.config.environments.staging, {});
  assert.deepEqual(result.config.environments.prod, {
    promotion: { from: 'staging', soakMs: 5_400_000, requireHealthy: true, requireApproval: false },
    rollout: { waves: [{ kind: 'selector', selector: { matchLabels: { wave: 'canary' }, matchExpressions: [] } }, { kind: 'percent', percent: 100 }], pauseMs: 1_800_000, requireHealthy: true },
  });
});

test('no environments key means no promotion anywhere', () => {
  const result = parseConfig({ watches: WATCHES });
  assert.ok(result.ok);
  assert.deepEqual(result.config.environments, {});
});

test('an unknown from names the missing environment and the fix', () => {
  const issues = issuesOf({ prod: { promotion: { from: 'stagign' } }, staging: {} });
  assert.equal(issues.length, 1);
  assert.match(issues[0]!, /^environments\.prod\.promotion\.from: "stagign" is not an environment under environments:; add environments\.stagign: \{\}.*staging/);
});

test('a chain that comes back to where it started is refused', () => {
  const issues = issuesOf({ a: { promotion: { from: 'b' } }, b: { promotion: { from: 'c' } }, c: { promotion: { from: 'a' } } });
  assert.ok(issues.some((i) => /^environments\.a\.promotion\.from: the chain a → b → c → a comes back to a/.test(i)), issues.join('\n'));
  assert.deepEqual(issuesOf({ prod: { promotion: { from: 'prod' } } }), ['environments.prod.promotion.from: "prod" cannot follow itself; name the environment before it (e.g. staging)']);
});

test('percent waves must add up to 100, and the message says what to write', () => {
  const issues = issuesOf({ prod: { rollout: { waves: [{ percent: 10 }, { percent: 50 }] } } });
  assert.deepEqual(issues, ['environments.prod.rollout.waves: the percent waves share out the clusters no selector wave claims, so they add up to 100 (they are 10 + 50 = 60); change the last one to 90']);
  assert.match(issuesOf({ prod: { rollout: { waves: [{ percent: 0 }, { percent: 100 }] } } })[0]!, /waves\[0\]\.percent: must be a whole number between 1 and 100, got the number 0/);
});

test('durations are Go-style with h, m, s and at most a week', () => {
  assert.match(issuesOf({ prod: { promotion: { from: 's', soak: '1d' } }, s: {} })[0]!, /^environments\.prod\.promotion\.soak: "1d" is not a duration; write e\.g\. "30m"/);
  assert.match(issuesOf({ prod: { rollout: { waves: [{ percent: 100 }], pause: 30 } } })[0]!, /^environments\.prod\.rollout\.pause: the number 30 is not a duration/);
  assert.match(issuesOf({ prod: { rollout: { waves: [{ percent: 100 }], pause: '200h' } } })[0]!, /longer than a week/);
});

test('waves: exactly one of selector or percent, no empty selector, a list of 1 to 10', () => {
  assert.match(issuesOf({ prod: { rollout: { waves: [{ percent: 50, selector: { matchLabels: { a: 'b' } } }, { percent: 50 }] } } })[0]!, /waves\[0\]: a wave is either/);
  assert.match(issuesOf({ prod: { rollout: { waves: [{ selector: {} }, { percent: 100 }] } } })[0]!, /waves\[0\]\.selector: an empty selector matches every cluster/);
  assert.match(issuesOf({ prod: { rollout: { waves: [] } } })[0]!, /^environments\.prod\.rollout\.waves: expected a list of 1 to 10 waves/);
  assert.match(issuesOf({ prod: { rollout: { waves: [{ selector: { matchExpressions: [{ key: 'tier', operator: 'In' }] } }] } } })[0]!, /matchExpressions\[0\]\.values: In needs at least one value/);
  assert.match(issuesOf({ prod: { rollout: { wave: [] } } }).join('\n'), /environments\.prod\.rollout\.wave: unknown key \(did you mean "waves"\?\)/);
});
