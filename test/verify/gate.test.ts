// The supply-chain gate against a real Distribution registry, with signatures made by openssl and
// laid out as cosign lays them (test/helpers/cosign.ts says why not skopeo). Each refusal is named,
// the policy falls back to the best verified tag, never below what is running, and a warm cycle
// sends no signature request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { makeKeyPair, pushCosignSignature, simpleSigningPayload, type KeyPair } from '../helpers/cosign.ts';
import { parseConfig } from '../../src/config/parse.ts';
import type { Config } from '../../src/config/types.ts';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { planRepositories } from '../../src/poller/plan.ts';
import { scanRepository, type ScanReport } from '../../src/poller/scan.ts';
import { createGate } from '../../src/verify/gate.ts';
import { createLogger } from '../../src/shared/log.ts';
import { systemClock } from '../../src/shared/clock.ts';

const quiet = createLogger({ level: 'silent' });
let reg: TestRegistry;
let dir: string;
let trusted: KeyPair;
const digests: Record<string, string> = {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aip-verify-'));
  reg = await startRegistry();
  trusted = makeKeyPair(dir, 'trusted');
  const stranger = makeKeyPair(dir, 'stranger');
  const image = `${reg.host}/app`;
  for (const [i, tag] of ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0'].entries()) {
    digests[tag] = (await pushImage(reg, 'app', tag, { created: `2026-01-0${i + 1}T00:00:00Z` })).digest;
  }
  const sign = (tag: string, key: KeyPair, payload = simpleSigningPayload(`${image}:${tag}`, digests[tag]!)) => pushCosignSignature(reg, 'app', digests[tag]!, key, dir, payload);
  await sign('1.0.0', trusted);
  await sign('1.1.0', trusted);
  // 1.2.0: unsigned.
  await sign('1.3.0', stranger);
  await sign('1.4.0', trusted, simpleSigningPayload(`${image}:1.0.0`, digests['1.0.0']!)); // a real signature, replayed onto another digest
  await sign('1.5.0', trusted, simpleSigningPayload(`${reg.host}/other:1.5.0`, digests['1.5.0']!)); // signed for another repository
});

after(async () => {
  await reg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function config(range: string, verify: boolean): Config {
  const r = parseConfig({
    registries: [{ host: reg.host, url: reg.url, insecure: true }],
    watches: [{ name: 'app', image: `${reg.host}/app`, policy: { semver: { range } }, ...(verify && { verify: { cosign: { publicKeys: [{ file: trusted.publicKey }] } } }) }],
  });
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.issues));
  return r.config;
}

function harness() {
  const cache = createResolutionCache();
  const metadata = createMetadataStore();
  const gate = createGate({ clock: systemClock });
  const scan = async (cfg: Config): Promise<{ report: ScanReport; requests: number }> => {
    const pool = createClientPool(cfg, { logger: quiet, clock: systemClock });
    const [plan] = planRepositories(cfg);
    const client = pool.clientFor(plan!.registry);
    const report = await scanRepository({ client, cache, metadata, clock: systemClock, logger: quiet, explain: true, gate }, plan!);
    const requests = Object.values(client.stats().requestsByStatus).reduce((a, b) => a + b, 0);
    await pool.close();
    return { report, requests };
  };
  return { cache, gate, scan };
}

test('unsigned, foreign-key, replayed and wrong-repository signatures are refused; the best verified tag is served', async () => {
  const h = harness();
  const { report } = await h.scan(config('>=1.0.0', true));
  const target = report.targets[0]!;
  assert.equal(target.resolution?.tag, '1.1.0', JSON.stringify(target));
  assert.deepEqual(target.resolution?.signature, { key: `file ${trusted.publicKey}`, via: 'tag' });
  const refused = Object.fromEntries(target.verdicts.filter((v) => v.rule === 'verify').map((v) => [v.tag, v.detail]));
  assert.deepEqual(refused, {
    '1.5.0': 'the signature is for another repository (' + `${reg.host}/other:1.5.0)`,
    '1.4.0': `the signature is for another digest (${digests['1.0.0']!.slice(0, 19)}…)`,
    '1.3.0': 'signature by an unknown key',
    '1.2.0': 'no signature (neither a referrer nor a cosign .sig tag)',
  });
  assert.match(target.note ?? '', /^refused: 1\.5\.0: the signature is for another repository .*; 1\.2\.0: no signature/);
  assert.deepEqual({ ...h.gate.counters }, { verified: 1, refused: 4, lookupFailures: 0 });
});

test('verdicts are kept by digest: a warm cycle sends exactly the requests it sends without verification', async () => {
  const on = harness();
  const off = harness();
  const coldOn = await on.scan(config('>=1.0.0', true));
  const coldOff = await off.scan(config('>=1.0.0', false));
  const warmOn = await on.scan(config('>=1.0.0', true));
  const warmOff = await off.scan(config('>=1.0.0', false));
  assert.equal(warmOn.requests, warmOff.requests, 'no signature request on a warm cycle');
  // Cold, verification adds: the referrers probe (404 on Distribution 2.8: asked once per registry), the
  // .sig manifest of each of the 5 digests tried and the payload blob of the 4 that have one (at most
  // 2 per digest); and, because 4 newer tags are refused, their HEAD, manifest and config (3 each) that
  // the unverified run never needed.
  assert.equal(coldOn.requests - coldOff.requests, 1 + 5 + 4 + 4 * 3);
  assert.equal(on.gate.counters.verified + on.gate.counters.refused, 5, 'each digest decided once');
});

test('never below what is running: a served unsigned tag is kept while no verified tag ranks above it', async () => {
  const h = harness();
  const first = await h.scan(config('<=1.2.0', false));
  assert.equal(first.report.targets[0]!.resolution?.tag, '1.2.0');
  const gated = await h.scan(config('<=1.2.0', true));
  const target = gated.report.targets[0]!;
  assert.equal(target.resolution?.tag, '1.2.0');
  assert.equal(target.moved, false);
  assert.match(target.note ?? '', /^kept 1\.2\.0 \(never downgraded\), although its signature is refused \(no signature/);
  assert.equal(h.cache.latest('app', 'default')?.current?.tag, '1.2.0');
});

test('nothing verified: the resolution fails with every refusal named, and nothing is served', async () => {
  const h = harness();
  const { report } = await h.scan(config('>=1.2.0', true));
  const target = report.targets[0]!;
  assert.equal(target.resolution, undefined);
  assert.equal(target.error?.code, 'VERIFY_NONE_VERIFIED');
  assert.match(target.error?.message ?? '', /1\.3\.0: signature by an unknown key/);
});
