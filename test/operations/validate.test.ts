// An operator's request against the config and the served state: every field checked, every
// refusal names the field and the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResolutionCache } from '../../src/cache/store.ts';
import { validateOperation, type OperationRequest, type ValidateContext } from '../../src/operations/validate.ts';
import { baseConfig, mustParse, record, T0 } from '../generator/fixture.ts';

const config = mustParse(baseConfig('/nonexistent'));
const cache = createResolutionCache();
record(cache, 'web', 'default', 'registry.test:5000/acme/web', '1.2.0');
const ctx: ValidateContext = { config, cache, active: [], now: T0, by: 'alice' };

function refused(request: Partial<OperationRequest>, code: string, message: RegExp, context = ctx): void {
  assert.throws(() => validateOperation({ kind: 'hold', watch: 'web', reason: 'INC-7', ...request } as OperationRequest, context), (e: { code?: string; message: string }) => {
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });
}

test('a hold without a tag keeps what is served now; who, when and until are recorded', () => {
  const r = validateOperation({ kind: 'hold', watch: 'web', reason: 'INC-7', until: new Date(T0 + 3600_000).toISOString() }, ctx);
  assert.equal(r.tag, '1.2.0');
  assert.equal(r.environment, 'default');
  assert.equal(r.by, 'alice');
  assert.equal(r.at, new Date(T0).toISOString());
  assert.equal(r.until, new Date(T0 + 3600_000).toISOString());
  assert.match(r.id, /^[0-9a-f-]{36}$/);
});

test('refusals name the field and the fix', () => {
  refused({ watch: 'nope' }, 'OPS_UNKNOWN_WATCH', /watch "nope" is not in the config \(watches: web, api\)/);
  refused({ environment: 'qa' }, 'OPS_UNKNOWN_ENVIRONMENT', /"qa" is not one of watch web's \(default, staging\)/);
  refused({ tag: '.hidden' }, 'OPS_INVALID', /tag: "\.hidden" is not a valid tag/);
  refused({ reason: '  ' }, 'OPS_INVALID', /reason is required/);
  refused({ reason: 'x'.repeat(513) }, 'OPS_INVALID', /reason is required: 1 to 512/);
  refused({ reason: 'bell\u0007' }, 'OPS_INVALID', /printable/);
  refused({ until: 'tomorrow' }, 'OPS_INVALID', /until: "tomorrow" is not an ISO 8601 time/);
  refused({ until: new Date(T0 - 1).toISOString() }, 'OPS_INVALID', /not in the future/);
  refused({ until: new Date(T0 + 91 * 86_400_000).toISOString() }, 'OPS_INVALID', /more than 90 days ahead/);
  refused({ wave: 1 }, 'OPS_INVALID', /only an approval names a wave/);
  refused({ kind: 'approve', wave: 0 }, 'OPS_INVALID', /wave: .*from 1 \(the first wave\) to 64/);
  refused({ kind: 'approve', wave: 65 }, 'OPS_INVALID', /from 1 \(the first wave\) to 64/);
  refused({ kind: 'approve', wave: 1 }, 'OPS_INVALID', /environment "default" has no rollout, so it has no waves; approve without --wave/);
  refused({ kind: 'promote' }, 'OPS_INVALID', /a promotion names the tag/);
  refused({ kind: 'release', tag: '1.0.0' }, 'OPS_INVALID', /neither tag nor until/);
  refused({ environment: 'staging' }, 'OPS_NOTHING_SERVED', /web\/staging serves nothing yet/);
  refused({ kind: 'release' }, 'OPS_NOT_HELD', /no hold in effect/);
});

test('a release of a hold from the config says where to remove it', () => {
  const held = mustParse(baseConfig('/nonexistent', { watches: [{ name: 'web', image: 'registry.test:5000/acme/web', policy: { semver: { range: '>=1.0.0' } }, holds: { default: { tag: '1.0.0', reason: 'pinned' } } }] }));
  refused({ kind: 'release' }, 'OPS_NOT_HELD', /comes from the config: remove watches\[\]\.holds\.default/, { ...ctx, config: held });
});

test('an approval names one of the environment\'s waves, numbered from 1 as the status shows them', () => {
  const rolling = mustParse(baseConfig('/nonexistent', { environments: { prod: { rollout: { waves: [{ percent: 50 }, { percent: 50 }] } } } }));
  const approve = { kind: 'approve' as const, watch: 'web', environment: 'prod', tag: '1.2.0', reason: 'canary clean' };
  assert.equal(validateOperation({ ...approve, wave: 2 }, { ...ctx, config: rolling }).wave, 2);
  assert.equal(validateOperation({ ...approve, wave: 1 }, { ...ctx, config: rolling }).wave, 1);
  refused({ ...approve, wave: 3 }, 'OPS_INVALID', /environment "prod" rolls out in 2 waves, numbered 1 to 2; 3 is not one of them/, { ...ctx, config: rolling });
});

test('a hold of an environment that exists only under environments: is refused, since no watch environment would pin it', () => {
  const promoted = mustParse(baseConfig('/nonexistent', { environments: { prod: { rollout: { waves: [{ percent: 50 }, { percent: 50 }] } } } }));
  refused({ environment: 'prod', tag: '1.2.0' }, 'OPS_INVALID', /environment "prod" is not one of watch web's own environments.*add `prod: \{\}` under the watch's `environments`/, { ...ctx, config: promoted });
  assert.equal(validateOperation({ kind: 'approve', watch: 'web', environment: 'prod', tag: '1.2.0', reason: 'ok' }, { ...ctx, config: promoted }).environment, 'prod', 'approvals are read by the engine there');
  assert.equal(validateOperation({ kind: 'hold', watch: 'web', environment: 'staging', tag: '1.2.0', reason: 'INC-7' }, { ...ctx, config: promoted }).environment, 'staging', 'a watch environment is held');
});
