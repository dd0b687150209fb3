// Where signatures are looked up, and what happens when the lookup cannot be answered. A loopback
// peer (test/helpers/protocol-registry.ts) sits in front of the real Distribution 2.8 registry: with
// `referrers: true` it serves the OCI distribution-spec v1.1 referrers API (test/helpers/referrers.ts),
// which Distribution 2.8 lacks; its fault rules make signature reads fail while everything else works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { startProtocolRegistry, type ProtocolRegistry } from '../helpers/protocol-registry.ts';
import { pushImage } from '../helpers/images.ts';
import { makeKeyPair, pushCosignSignature, simpleSigningPayload, type KeyPair } from '../helpers/cosign.ts';
import { parseConfig } from '../../src/config/parse.ts';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { isStale } from '../../src/cache/staleness.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { planRepositories } from '../../src/poller/plan.ts';
import { scanRepository } from '../../src/poller/scan.ts';
import { createGate } from '../../src/verify/gate.ts';
import { createLogger } from '../../src/shared/log.ts';
import { systemClock } from '../../src/shared/clock.ts';

const quiet = createLogger({ level: 'silent' });
const SIG_TAG = /\/manifests\/sha256-[a-f0-9]{64}\.sig$/;
const REFERRERS = /\/referrers\/sha256:/;
let reg: TestRegistry;
let dir: string;
let key: KeyPair;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aip-discovery-'));
  reg = await startRegistry();
  key = makeKeyPair(dir, 'release');
});

after(async () => {
  await reg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Pushes `repo:tag` to the real registry and signs it through `peer` (as a referrer or under the .sig tag). */
async function pushSigned(peer: ProtocolRegistry, repo: string, tag: string, day: number, asReferrer: boolean): Promise<string> {
  const image = await pushImage(reg, repo, tag, { created: `2026-02-0${day}T00:00:00Z` });
  const payload = simpleSigningPayload(`${peer.host}/${repo}:${tag}`, image.digest);
  await pushCosignSignature(peer, repo, image.digest, key, dir, payload, asReferrer ? { referrerOf: { mediaType: image.mediaType, size: image.size } } : {});
  return image.digest;
}

function harness(peer: ProtocolRegistry, repo: string) {
  const r = parseConfig({
    registries: [{ host: peer.host, url: peer.url, insecure: true }],
    watches: [{ name: repo, image: `${peer.host}/${repo}`, policy: { semver: { range: '>=1.0.0' } }, verify: { cosign: { publicKeys: [{ file: key.publicKey }] } } }],
  });
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.issues));
  const cfg = r.config;
  const cache = createResolutionCache();
  const deps = { cache, metadata: createMetadataStore(), clock: systemClock, logger: quiet, explain: true, gate: createGate({ clock: systemClock }) };
  const scan = async () => {
    const pool = createClientPool(cfg, { logger: quiet, clock: systemClock });
    const [plan] = planRepositories(cfg);
    const report = await scanRepository({ ...deps, client: pool.clientFor(plan!.registry) }, plan!);
    await pool.close();
    return report.targets[0]!;
  };
  return { scan, cache, stale: () => isStale(cache.latest(repo, 'default'), Date.now(), cfg.polling.intervalSeconds) };
}

test('a registry with the OCI 1.1 referrers API: signatures are found there, the .sig tag is never asked for', async () => {
  const peer = await startProtocolRegistry({ upstream: reg.url, referrers: true });
  try {
    await pushSigned(peer, 'ref', '1.0.0', 1, true);
    const h = harness(peer, 'ref');
    peer.resetCounts();
    const cold = await h.scan();
    assert.equal(cold.resolution?.tag, '1.0.0', JSON.stringify(cold));
    assert.deepEqual(cold.resolution?.signature, { key: `file ${key.publicKey}`, via: 'referrers' });
    assert.equal(peer.count({ method: 'GET', path: REFERRERS }), 1, 'one referrers list');
    assert.equal(peer.count({ path: SIG_TAG }), 0, 'no tag fallback');
    // After the image's own reads: the referrers list, the signature manifest it names, the payload blob.
    const all = peer.requests();
    const after = all.slice(all.findIndex((r) => REFERRERS.test(r.path))).map((r) => `${r.method} ${r.path.replace(/sha256:[a-f0-9]{64}/, 'D')}`);
    assert.deepEqual(after, ['GET /v2/ref/referrers/D', 'GET /v2/ref/manifests/D', 'GET /v2/ref/blobs/D'], JSON.stringify(all));
    peer.resetCounts();
    await h.scan();
    assert.equal(peer.count({ path: REFERRERS }) + peer.count({ path: SIG_TAG }), 0, 'warm: no signature lookup');
  } finally {
    await peer.stop();
  }
});

test('a signature lookup the registry cannot answer leaves the last verified resolution in place, marked stale', async () => {
  for (const [repo, referrers, failing] of [['tagged', false, SIG_TAG], ['referred', true, REFERRERS]] as const) {
    const peer = await startProtocolRegistry({ upstream: reg.url, referrers });
    try {
      await pushSigned(peer, repo, '1.0.0', 1, referrers);
      const h = harness(peer, repo);
      assert.equal((await h.scan()).resolution?.tag, '1.0.0');
      assert.equal(h.stale(), false);
      await pushSigned(peer, repo, '1.1.0', 2, referrers);
      peer.addFault({ method: 'GET', path: failing, fault: { kind: 'status', status: 503 } });
      const failed = await h.scan();
      assert.equal(failed.resolution, undefined, repo);
      assert.match(failed.error?.code ?? '', /^REG_/, `${repo}: ${JSON.stringify(failed.error)}`);
      assert.ok(peer.count({ path: failing }) > 0, `${repo}: the signature lookup was tried`);
      assert.equal(h.cache.latest(repo, 'default')?.current?.tag, '1.0.0', `${repo}: last verified kept`);
      assert.equal(h.stale(), true, `${repo}: marked stale`);
      peer.clearFaults();
      assert.equal((await h.scan()).resolution?.tag, '1.1.0', `${repo}: verified once the registry answers`);
      assert.equal(h.stale(), false);
    } finally {
      await peer.stop();
    }
  }
});

test('a registry without the referrers API is probed once per cycle, not once per repository, when repositories are scanned together', async () => {
  const peer = await startProtocolRegistry({ upstream: reg.url });
  try {
    const repos = ['p0', 'p1', 'p2', 'p3'];
    for (const repo of repos) await pushSigned(peer, repo, '1.0.0', 1, false);
    const r = parseConfig({
      registries: [{ host: peer.host, url: peer.url, insecure: true }],
      watches: repos.map((repo) => ({ name: repo, image: `${peer.host}/${repo}`, policy: { semver: { range: '>=1.0.0' } }, verify: { cosign: { publicKeys: [{ file: key.publicKey }] } } })),
    });
    assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.issues));
    const gate = createGate({ clock: systemClock });
    const deps = { cache: createResolutionCache(), metadata: createMetadataStore(), clock: systemClock, logger: quiet, gate };
    const pool = createClientPool(r.config, { logger: quiet, clock: systemClock });
    peer.resetCounts();
    const reports = await Promise.all(planRepositories(r.config).map((plan) => scanRepository({ ...deps, client: pool.clientFor(plan.registry) }, plan)));
    await pool.close();
    assert.deepEqual(reports.map((rep) => rep.targets[0]?.resolution?.signature?.via), ['tag', 'tag', 'tag', 'tag']);
    assert.equal(peer.count({ path: REFERRERS }), 1, 'one referrers probe for the registry');
    assert.equal(peer.count({ path: SIG_TAG }), 4);
  } finally {
    await peer.stop();
  }
});
