// registries[].rateLimit: an entry's own window and one shared by every entry with the same
// credentials; anonymous entries have no credentials to share, and one account has one window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/parse.ts';
import { credentialKey } from '../../src/config/credential-key.ts';

const watches = [{ name: 'app', image: 'ghcr.io/org/app', policy: { semver: {} } }];

function issues(input: Record<string, unknown>): string[] {
  const r = parseConfig({ watches, ...input });
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
}

const hub = { username: { env: 'HUB_USER' }, password: { env: 'HUB_PASS' } };

test('an entry window and a credential window are read', () => {
  const r = parseConfig({ watches, registries: [{ host: 'docker.io', auth: hub, rateLimit: { requests: 100, windowSeconds: 21600, credential: { requests: 200, windowSeconds: 21600 } } }] });
  assert.ok(r.ok);
  const docker = r.config.registries[0]!;
  assert.deepEqual(docker.rateLimit, { requests: 100, windowSeconds: 21600 });
  assert.deepEqual(docker.credentialRateLimit, { requests: 200, windowSeconds: 21600 });
});

test('half a window, an anonymous credential window and a bad number are refused, naming the field', () => {
  assert.deepEqual(issues({ registries: [{ host: 'ghcr.io', rateLimit: { requests: 100 } }] }), ['registries[0].rateLimit: give both requests and windowSeconds (e.g. requests: 100, windowSeconds: 21600 for 100 per 6 h)']);
  assert.match(issues({ registries: [{ host: 'ghcr.io', rateLimit: { credential: { requests: 5, windowSeconds: 60 } } }] })[0]!, /^registries\[0\]\.rateLimit\.credential: this entry is anonymous/);
  assert.deepEqual(issues({ registries: [{ host: 'ghcr.io', rateLimit: { requests: 0, windowSeconds: 60 } }] }), ['registries[0].rateLimit.requests: must be between 1 and 10000000, got 0']);
});

test('entries with the same credentials must give the same shared window', () => {
  const shared = (requests: number) => ({ credential: { requests, windowSeconds: 3600 } });
  const config = (a: number, b: number) => ({ registries: [{ host: 'registry.example', auth: hub, rateLimit: shared(a) }, { host: 'mirror.example', auth: hub, rateLimit: shared(b) }] });
  assert.deepEqual(issues(config(50, 50)), []);
  assert.deepEqual(issues(config(50, 60)), ['registries[1].rateLimit.credential: registries[0] uses the same credentials with 50 requests per 3600 s; one account has one window, so give the same numbers in both entries']);
});

test('the credential key: same settings share it, a pull Secret is one login per host, anonymous has none', () => {
  const basic = { kind: 'basic', username: { env: 'U' }, password: { env: 'P' } } as const;
  assert.equal(credentialKey(basic, 'a.example'), credentialKey(basic, 'b.example'));
  assert.notEqual(credentialKey(basic, 'a.example'), credentialKey({ ...basic, username: { env: 'V' } }, 'a.example'));
  const secret = { kind: 'pullSecret', namespace: 'argocd', name: 'regcred' } as const;
  assert.notEqual(credentialKey(secret, 'a.example'), credentialKey(secret, 'b.example'));
  assert.equal(credentialKey({ kind: 'none' }, 'a.example'), undefined);
});
