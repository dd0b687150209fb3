// Keyless verification against a real Distribution registry. A private Sigstore is built in the test
// with openssl (test/helpers/test-ca.ts: a root CA acting as Fulcio, a log key acting as Rekor) and
// given to the service as a trusted_root.json file; every refusal names its reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { makeKeyPair, pushCosignSignature, simpleSigningPayload, type KeyPair } from '../helpers/cosign.ts';
import { issueLeaf, makeCa, trustedRoot, type LeafOptions, type TestCa } from '../helpers/test-ca.ts';
import { rekorBundle } from '../helpers/rekor.ts';
import { parseConfig } from '../../src/config/parse.ts';
import type { Config } from '../../src/config/types.ts';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { planRepositories } from '../../src/poller/plan.ts';
import { scanRepository } from '../../src/poller/scan.ts';
import { createGate } from '../../src/verify/gate.ts';
import { createLogger } from '../../src/shared/log.ts';
import { systemClock } from '../../src/shared/clock.ts';

const ISSUER = 'https://token.ci.acme.test';
const SUBJECT = 'email:release@acme.test';
const quiet = createLogger({ level: 'silent' });
let reg: TestRegistry;
let dir: string;
let rootFile: string;

interface Signing {
  readonly ca: TestCa;
  readonly log: KeyPair;
  readonly leaf: LeafOptions;
  readonly withBundle?: boolean;
}

async function signKeyless(tag: string, digest: string, s: Signing): Promise<void> {
  const { key, certPem } = issueLeaf(dir, s.ca, tag, s.leaf);
  const payload = simpleSigningPayload(`${reg.host}/app:${tag}`, digest);
  const extra = (signature: Buffer) => ({
    'dev.sigstore.cosign/certificate': certPem,
    'dev.sigstore.cosign/chain': s.ca.certPem,
    ...(s.withBundle !== false && { 'dev.sigstore.cosign/bundle': rekorBundle(s.log, dir, payload, signature, certPem) }),
  });
  await pushCosignSignature(reg, 'app', digest, key, dir, payload, { extra });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aip-keyless-'));
  reg = await startRegistry();
  const fulcio = makeCa(dir, 'acme');
  const stranger = makeCa(dir, 'stranger');
  const log = makeKeyPair(dir, 'rekor');
  const otherLog = makeKeyPair(dir, 'other-rekor');
  rootFile = join(dir, 'trusted_root.json');
  writeFileSync(rootFile, trustedRoot([fulcio], log));
  const good: LeafOptions = { issuer: ISSUER, san: SUBJECT };
  const plan: [string, Signing][] = [
    ['1.0.0', { ca: fulcio, log, leaf: { ...good, issuerExtensions: 'legacy' } }],
    ['1.1.0', { ca: fulcio, log, leaf: { ...good, issuerExtensions: 'v2' } }],
    ['1.2.0', { ca: fulcio, log, leaf: { ...good, issuer: 'https://accounts.evil.test' } }],
    ['1.3.0', { ca: fulcio, log, leaf: { ...good, san: 'email:intern@acme.test' } }],
    ['1.4.0', { ca: stranger, log, leaf: good }],
    ['1.5.0', { ca: fulcio, log: otherLog, leaf: good }],
    ['1.6.0', { ca: fulcio, log, leaf: good, withBundle: false }],
  ];
  for (const [i, [tag, signing]] of plan.entries()) {
    const { digest } = await pushImage(reg, 'app', tag, { created: `2026-01-0${i + 1}T00:00:00Z` });
    await signKeyless(tag, digest, signing);
  }
});

after(async () => {
  await reg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function config(range: string, identity: { subject?: string; subjectRegExp?: string }): Config {
  const r = parseConfig({
    registries: [{ host: reg.host, url: reg.url, insecure: true }],
    watches: [{ name: 'app', image: `${reg.host}/app`, policy: { semver: { range } }, verify: { cosign: { keyless: { issuer: ISSUER, ...identity, trustedRoot: { file: rootFile } } } } }],
  });
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.issues));
  return r.config;
}

async function scan(cfg: Config) {
  const pool = createClientPool(cfg, { logger: quiet, clock: systemClock });
  const [plan] = planRepositories(cfg);
  const client = pool.clientFor(plan!.registry);
  const report = await scanRepository({ client, cache: createResolutionCache(), metadata: createMetadataStore(), clock: systemClock, logger: quiet, explain: true, gate: createGate({ clock: systemClock }) }, plan!);
  await pool.close();
  return report.targets[0]!;
}

test('keyless: wrong issuer, wrong subject, another CA, another log and no log entry are each refused by name', async () => {
  const target = await scan(config('>=1.0.0', { subject: 'release@acme.test' }));
  assert.equal(target.resolution?.tag, '1.1.0', JSON.stringify(target));
  assert.deepEqual(target.resolution?.signature, { key: `keyless release@acme.test (issuer ${ISSUER})`, via: 'tag' });
  const refused = Object.fromEntries(target.verdicts.filter((v) => v.rule === 'verify').map((v) => [v.tag, v.detail]));
  assert.equal(refused['1.6.0'], 'keyless signature without a transparency-log entry (no Rekor bundle), so its certificate cannot be dated');
  assert.match(refused['1.5.0'] ?? '', /^transparency-log entry does not verify with the trusted root \(inclusion promise could not be verified\)$/);
  assert.match(refused['1.4.0'] ?? '', /^certificate not issued by the trusted root's CA at the signing time/);
  assert.equal(refused['1.3.0'], 'signed by intern@acme.test, not release@acme.test');
  assert.equal(refused['1.2.0'], `certificate from issuer https://accounts.evil.test, not ${ISSUER}`);
  assert.equal(Object.keys(refused).length, 5);
});

test('keyless: the legacy issuer extension is read, and a subject regular expression selects the signer', async () => {
  const legacy = await scan(config('<1.1.0', { subjectRegExp: '^release@acme\\.test$' }));
  assert.equal(legacy.resolution?.tag, '1.0.0', JSON.stringify(legacy));
  const none = await scan(config('>=1.0.0', { subjectRegExp: '^ci@' }));
  assert.equal(none.resolution, undefined);
  assert.equal(none.error?.code, 'VERIFY_NONE_VERIFIED');
  assert.match(none.error?.message ?? '', /^no candidate has a verified signature: .*1\.3\.0: signed by intern@acme\.test, which does not match \^ci@/);
  const verdict = none.verdicts.find((v) => v.tag === '1.1.0' && v.rule === 'verify');
  assert.equal(verdict?.detail, 'signed by release@acme.test, which does not match ^ci@');
});
