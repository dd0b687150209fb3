// Supply-chain gate costs (docs/verification.md "Costs"). Run: npx node bench/verify.ts [--repos 50]
// 200 watches over 50 repositories of a real Distribution 2.8 registry, each repository with three
// signed tags, so the watches' policies select 150 distinct digests. Counted by a loopback peer in
// front of the registry (test/helpers/protocol-registry.ts), for cosign's `.sig` tag layout and for
// OCI 1.1 referrers (the peer serving distribution-spec v1.1 "Listing Referrers"): registry requests
// per cycle with verification on and off, cold and warm, in the same run; then the wall time a cold
// single-watch resolution takes with and without verification (medians, the two interleaved), and the
// CPU time of checking one signature.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../test/helpers/registry.ts';
import { startProtocolRegistry, type ProtocolRegistry } from '../test/helpers/protocol-registry.ts';
import { pushImage } from '../test/helpers/images.ts';
import { makeKeyPair, opensslSign, pushCosignSignature, simpleSigningPayload, type KeyPair } from '../test/helpers/cosign.ts';
import { checkSignature } from '../src/verify/check.ts';
import { readKeys } from '../src/verify/keys.ts';
import type { Config } from '../src/config/types.ts';
import { createResolutionCache } from '../src/cache/store.ts';
import { createMetadataStore } from '../src/cache/metadata.ts';
import { createClientPool } from '../src/poller/clients.ts';
import { planRepositories } from '../src/poller/plan.ts';
import { scanRepository } from '../src/poller/scan.ts';
import { createGate } from '../src/verify/gate.ts';
import { systemClock } from '../src/shared/clock.ts';
import { benchConfig, fmt, silent } from './lib/poller-harness.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REPOS = arg('repos', 50);
const WATCHES = 200;
const RESOLVES = arg('resolves', 15);
const TAGS = ['1.0.0', '1.1.0', '1.2.0'];
const RANGES = ['^1', '~1.1', '1.0.x', '>=1.1.0'];

type Layout = 'tag' | 'referrers';

async function seedRepo(reg: TestRegistry, peer: ProtocolRegistry, layout: Layout, r: number, key: KeyPair, dir: string): Promise<void> {
  for (const tag of TAGS) {
    const image = await pushImage(reg, `${layout}/r${r}`, tag, { created: '2026-01-01T00:00:00Z', label: `${layout}-${r}-${tag}` });
    const payload = simpleSigningPayload(`${peer.host}/${layout}/r${r}:${tag}`, image.digest);
    await pushCosignSignature(peer, `${layout}/r${r}`, image.digest, key, dir, payload, layout === 'referrers' ? { referrerOf: { mediaType: image.mediaType, size: image.size } } : {});
  }
}

async function seed(reg: TestRegistry, peer: ProtocolRegistry, layout: Layout, key: KeyPair, dir: string): Promise<void> {
  for (let r = 0; r < REPOS; r += 8) {
    await Promise.all(Array.from({ length: Math.min(8, REPOS - r) }, (_, k) => seedRepo(reg, peer, layout, r + k, key, dir)));
  }
}

function config(peer: ProtocolRegistry, layout: Layout, key: KeyPair, verify: boolean, watches = WATCHES): Config {
  const list = Array.from({ length: watches }, (_, i) => ({
    name: `w${i}`,
    image: `${peer.host}/${layout}/r${i % REPOS}`,
    policy: { semver: { range: RANGES[Math.floor(i / REPOS) % RANGES.length] } },
    ...(verify && { verify: { cosign: { publicKeys: [{ file: key.publicKey }] } } }),
  }));
  return benchConfig(peer.host, peer.url, list);
}

function harness(cfg: Config) {
  const deps = { cache: createResolutionCache(), metadata: createMetadataStore(), clock: systemClock, logger: silent, gate: createGate({ clock: systemClock }) };
  const pool = createClientPool(cfg, { logger: silent, clock: systemClock });
  const plans = planRepositories(cfg);
  return {
    gate: deps.gate,
    close: () => pool.close(),
    async cycle(peer: ProtocolRegistry): Promise<{ requests: number; ms: number }> {
      peer.resetCounts();
      const t0 = performance.now();
      await Promise.all(plans.map((plan) => scanRepository({ ...deps, client: pool.clientFor(plan.registry) }, plan)));
      return { requests: peer.count(), ms: performance.now() - t0 };
    },
  };
}

async function requestsPerCycle(peer: ProtocolRegistry, layout: Layout, key: KeyPair): Promise<void> {
  const off = harness(config(peer, layout, key, false));
  const on = harness(config(peer, layout, key, true));
  const offCold = await off.cycle(peer);
  const offWarm = await off.cycle(peer);
  const onCold = await on.cycle(peer);
  const onWarm = await on.cycle(peer);
  const digests = on.gate.counters.verified + on.gate.counters.refused;
  await off.close();
  await on.close();
  console.log(`| ${layout} | off | ${offCold.requests} | ${offWarm.requests} | ${fmt(offCold.ms)} | ${fmt(offWarm.ms)} | |`);
  console.log(`| ${layout} | on | ${onCold.requests} | ${onWarm.requests} | ${fmt(onCold.ms)} | ${fmt(onWarm.ms)} | ${on.gate.counters.verified} verified, ${on.gate.counters.refused} refused |`);
  console.log(`| ${layout} | **extra** | **${onCold.requests - offCold.requests}** = ${((onCold.requests - offCold.requests) / digests).toFixed(2)} per new digest (${digests}) | **${onWarm.requests - offWarm.requests}** | ×${(onCold.ms / offCold.ms).toFixed(2)} | ×${(onWarm.ms / offWarm.ms).toFixed(2)} | |`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median wall time of a cold resolution of one watch, off and on interleaved (fresh cache, gate and connections each time). */
async function coldResolve(peer: ProtocolRegistry, layout: Layout, key: KeyPair): Promise<{ off: number; on: number }> {
  const times = { off: [] as number[], on: [] as number[] };
  for (let i = 0; i < RESOLVES; i++) {
    for (const mode of ['off', 'on'] as const) {
      const h = harness(config(peer, layout, key, mode === 'on', 1));
      times[mode].push((await h.cycle(peer)).ms);
      await h.close();
    }
  }
  return { off: median(times.off), on: median(times.on) };
}

/** CPU time of checking one signature (Sigstore's verifier, no I/O): median of 200. */
function checkCost(key: KeyPair, dir: string): number {
  const digest = `sha256:${'a'.repeat(64)}`;
  const payload = simpleSigningPayload('registry.test/app:1.0.0', digest);
  const signature = opensslSign(key.privateKey, payload, dir).toString('base64');
  const trust = { keys: readKeys([{ file: key.publicKey }]) };
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    const r = checkSignature(payload, { payloadDigest: digest, payloadSize: payload.length, signature }, trust);
    times.push(performance.now() - t0);
    if (!('signer' in r)) throw new Error('the bench signature does not verify');
  }
  return median(times);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-verify-'));
  const reg = await startRegistry();
  const peers = { tag: await startProtocolRegistry({ upstream: reg.url }), referrers: await startProtocolRegistry({ upstream: reg.url, referrers: true }) };
  try {
    const key = makeKeyPair(dir, 'bench');
    const t0 = performance.now();
    for (const layout of ['tag', 'referrers'] as const) await seed(reg, peers[layout], layout, key, dir);
    console.log(`\n## Verification costs: ${WATCHES} watches over ${REPOS} repositories × ${TAGS.length} signed tags (seeded in ${fmt(performance.now() - t0)})`);
    console.log('| signatures | verify | cold cycle requests | warm cycle requests | cold wall | warm wall | verdicts |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const layout of ['tag', 'referrers'] as const) await requestsPerCycle(peers[layout], layout, key);
    console.log(`\n## A cold resolution of one watch (median of ${RESOLVES}, fresh cache and connections each)`);
    console.log('| signatures | off | on | added |');
    console.log('| --- | --- | --- | --- |');
    for (const layout of ['tag', 'referrers'] as const) {
      const { off, on } = await coldResolve(peers[layout], layout, key);
      console.log(`| ${layout} | ${fmt(off)} | ${fmt(on)} | +${fmt(on - off)} (×${(on / off).toFixed(2)}) |`);
    }
    console.log(`\nChecking one signature (Sigstore's verifier, CPU only): ${checkCost(key, dir).toFixed(2)} ms median of 200.`);
  } finally {
    await peers.tag.stop();
    await peers.referrers.stop();
    await reg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
