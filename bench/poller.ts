// Poller benchmarks (issue "The resolve pipeline"). Run: node bench/poller.ts
//  1. Registry requests per cycle for 200 watches × 50 environments over 20 repositories, against
//     a naive poller that lists tags and HEADs its winner for every (watch, environment), as
//     per-application updaters do — both measured in this run, on the real registry.
//  2. Newest build on a repository with 1,000 tags (100 pass the filter): cold and warm cycles,
//     against a naive newest-build that reads `created` for every tag.
//  3. Resident memory with 2,000 watches and 100,000 tags (synthetic registry), in a child process.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const run = promisify(execFile);
import { startRegistry } from '../test/helpers/registry.ts';
import { pushImage, tagManifest } from '../test/helpers/images.ts';
import { startProtocolRegistry, type ProtocolRegistry } from '../test/helpers/protocol-registry.ts';
import { startSyntheticRegistry } from './lib/synthetic-registry.ts';
import { benchConfig, fmt, pollerHarness } from './lib/poller-harness.ts';
import { selectTag } from '../src/policy/select.ts';
import { planRepositories } from '../src/poller/plan.ts';

function counts(peer: ProtocolRegistry) {
  return { tagsList: peer.count({ method: 'GET', path: /\/tags\/list$/ }), head: peer.count({ method: 'HEAD' }), get: peer.count({ method: 'GET', path: /\/(manifests|blobs)\// }) };
}
const total = (c: { tagsList: number; head: number; get: number }) => c.tagsList + c.head + c.get;

/** A cold cycle then a warm one, each with the requests that reached the peer. */
async function coldAndWarm(h: ReturnType<typeof pollerHarness>, peer: ProtocolRegistry) {
  peer.resetCounts();
  const coldMs = await h.cycle();
  const cold = counts(peer);
  peer.resetCounts();
  const warmMs = await h.cycle();
  return { coldMs, cold, warmMs, warm: counts(peer) };
}

async function requestCounts(): Promise<void> {
  const reg = await startRegistry();
  const peer = await startProtocolRegistry({ upstream: reg.url, pageSize: 100 });
  try {
    for (let r = 0; r < 20; r++) {
      for (const tag of ['1.0.0', '1.1.0', '1.2.0', '1.3.0-rc.1', '2.0.0', 'latest']) await pushImage(reg, `bench/r${r}`, tag, { created: '2026-01-01T00:00:00Z', label: `${r}-${tag}` });
    }
    const envs = Object.fromEntries(Array.from({ length: 49 }, (_, e) => [`env${e}`, e % 2 === 0 ? { policy: { semver: { range: '>=1.0.0-0 <2' } } } : { pin: 'digest' }]));
    const watches = Array.from({ length: 200 }, (_, i) => ({ name: `w${i}`, image: `${peer.host}/bench/r${i % 20}`, policy: { semver: { range: '^1' } }, environments: envs }));
    const config = benchConfig(peer.host, peer.url, watches);
    const targets = planRepositories(config).reduce((n, p) => n + p.targets.length, 0);
    const h = pollerHarness(config);
    const { coldMs, cold, warmMs, warm } = await coldAndWarm(h, peer);

    // The naive poller: every (watch, environment) lists its repository and HEADs its own winner.
    const client = h.pool.clientFor(peer.host);
    peer.resetCounts();
    const t0 = performance.now();
    for (const plan of planRepositories(config)) {
      for (const target of plan.targets) {
        const listing = await client.listTags(plan.repository);
        const sel = selectTag(listing.tags, target.rule);
        if (sel.kind === 'selected') await client.headManifest(plan.repository, sel.tag);
      }
    }
    const naiveMs = performance.now() - t0;
    const naive = counts(peer);
    console.log(`\n## 1. Requests per cycle: 200 watches × 50 environments (${targets} targets) over 20 repositories`);
    console.log(`| poller | tags-list GETs | manifest HEADs | manifest/blob GETs | total | wall |`);
    console.log(`| --- | --- | --- | --- | --- | --- |`);
    console.log(`| naive, per (watch, environment) | ${naive.tagsList} | ${naive.head} | ${naive.get} | ${total(naive)} | ${fmt(naiveMs)} |`);
    console.log(`| ours, cold cycle | ${cold.tagsList} | ${cold.head} | ${cold.get} | ${total(cold)} | ${fmt(coldMs)} |`);
    console.log(`| ours, steady cycle | ${warm.tagsList} | ${warm.head} | ${warm.get} | ${total(warm)} | ${fmt(warmMs)} |`);
    console.log(`ratio naive/ours requests: cold ${(total(naive) / total(cold)).toFixed(0)}×, steady ${(total(naive) / Math.max(1, total(warm))).toFixed(0)}×; wall naive/steady ${(naiveMs / warmMs).toFixed(1)}×`);
    await h.pool.close();
  } finally {
    await peer.stop();
    await reg.stop();
  }
}

async function newestBuild(): Promise<void> {
  const reg = await startRegistry();
  const peer = await startProtocolRegistry({ upstream: reg.url, pageSize: 1000 });
  try {
    const t0 = performance.now();
    let other = '';
    for (let i = 0; i < 100; i++) await pushImage(reg, 'bench/nb', `build-${i}`, { created: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), label: `b${i}` });
    const base = await pushImage(reg, 'bench/nb', 'other-0', { created: '2025-01-01T00:00:00Z', label: 'other' });
    other = base.digest;
    for (let i = 1; i < 900; i++) await tagManifest(reg, 'bench/nb', other, `other-${i}`);
    console.log(`\n## 2. Newest build, 1,000 tags (100 match the filter); seeded in ${fmt(performance.now() - t0)}`);
    const config = benchConfig(peer.host, peer.url, [{ name: 'nb', image: `${peer.host}/bench/nb`, policy: { newestBuild: {} }, filter: { include: '^build-' } }]);
    const h = pollerHarness(config);
    const { coldMs, cold, warmMs, warm } = await coldAndWarm(h, peer);
    // Naive newest build: read `created` of every listed tag (HEAD, manifest, config) each cycle.
    const client = h.pool.clientFor(peer.host);
    peer.resetCounts();
    const n0 = performance.now();
    const listing = await client.listTags('bench/nb');
    for (const tag of listing.tags) await client.describeImage('bench/nb', (await client.headManifest('bench/nb', tag)).digest);
    const naiveMs = performance.now() - n0;
    const naive = counts(peer);
    console.log(`| poller | HEADs | manifest/blob GETs | wall | winner |`);
    console.log(`| --- | --- | --- | --- | --- |`);
    console.log(`| naive, every tag | ${naive.head} | ${naive.get} | ${fmt(naiveMs)} | |`);
    console.log(`| ours, cold | ${cold.head} | ${cold.get} | ${fmt(coldMs)} | ${h.cache.get('nb', 'default')?.current?.tag} |`);
    console.log(`| ours, warm | ${warm.head} | ${warm.get} | ${fmt(warmMs)} | ${h.cache.get('nb', 'default')?.current?.tag} |`);
    console.log(`wall naive/cold ${(naiveMs / coldMs).toFixed(1)}×, naive/warm ${(naiveMs / warmMs).toFixed(1)}×`);
    await h.pool.close();
  } finally {
    await peer.stop();
    await reg.stop();
  }
}


async function memory(): Promise<void> {
  // Bundled like dist/ (the TypeScript loader's own memory would otherwise be counted).
  const child = new URL('../node_modules/.cache/bench/memory-child.mjs', import.meta.url).pathname;
  await build({ entryPoints: [new URL('./lib/memory-child.ts', import.meta.url).pathname], outfile: child, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'warning' });
  const synth = await startSyntheticRegistry({ repositories: 100, tagsPerRepository: 1000 });
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  try {
    // Asynchronous: the synthetic registry answers from this process while the child runs.
    const baseline = JSON.parse((await run(process.execPath, ['--expose-gc', '-e', 'globalThis.gc(); console.log(JSON.stringify({ rss: process.memoryUsage().rss }))'])).stdout) as { rss: number };
    console.log(`\n## 3. Memory: 2,000 watches, 100 repositories × 1,000 tags = 100,000 tags (bare node in this run: ${mb(baseline.rss)})`);
    console.log(`| heap settings | resident after 2 passes | peak | heap in use | pass 1 | pass 2 | resolved |`);
    console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
    for (const [label, optimize] of [['V8 defaults (baseline)', 'false'], ['as `serve` runs (optimise for size)', 'true']] as const) {
      const env = { ...process.env, ARGOCD_IMAGE_PLUGINS_OPTIMIZE_FOR_SIZE: optimize };
      const out = JSON.parse((await run(process.execPath, ['--expose-gc', child, synth.url], { maxBuffer: 1 << 20, env })).stdout) as { rss: number; peak: number; heapUsed: number; first: number; second: number; resolved: number; entries: number };
      console.log(`| ${label} | ${mb(out.rss)} | ${mb(out.peak)} | ${mb(out.heapUsed)} | ${fmt(out.first)} | ${fmt(out.second)} | ${out.resolved}/${out.entries} |`);
    }
    console.log(`goal: under 150 MB as the service runs; synthetic registry served ${JSON.stringify(synth.requests)}`);
  } finally {
    await synth.stop();
  }
}

const only = process.argv[2];
if (!only || only === 'requests') await requestCounts();
if (!only || only === 'newest') await newestBuild();
if (!only || only === 'memory') await memory();
