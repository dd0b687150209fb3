// The status page under load, in Debian's headless Chromium (playwright-core):
// 1. page load with 200 watches (default, staging, and prod rolling out in two waves: five rows a
//    watch, every other one with a pending move) and 100 clusters: first contentful paint, the
//    moment the watch rows are on screen (first meaningful paint: the page's purpose is those rows),
//    largest contentful paint, and bytes transferred, cold (fresh browser context each load); the
//    baseline is the same page with 3 watches and 3 clusters, loaded in the same run.
// 2. getparams p99 (500 clusters' worth is bench/getparams.ts; here the 100-cluster service above)
//    with no page open, with 20 pages open and polling, and with the same polls sent by 20 plain HTTP
//    clients (the service's share without twenty Chromium renderers on the same cores); rotating rounds.
//    Each round also reports this process's CPU time (service and load generator; Chromium runs in its
//    own processes) per getparams answer: what the service spends, whatever the cores are shared with.
//    With --pin, this process is pinned to core 0 and Chromium to core 1 (taskset), so twenty
//    renderers compete with each other, not with the service; compare conditions under the same pinning.
// Run: node bench/ui.ts [--loads 5] [--seconds 3] [--rounds 3] [--pin]
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { Pool } from 'undici';
import { createResolutionCache } from '../src/cache/store.ts';
import { createClusterSource } from '../src/clusters/source.ts';
import { parseConfig } from '../src/config/parse.ts';
import { buildApp } from '../src/server/app.ts';
import { systemClock } from '../src/shared/clock.ts';
import { createLogger } from '../src/shared/log.ts';
import { clusterLabels, ENVIRONMENTS, staticPromotion } from './lib/ui-promotion.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const LOADS = arg('loads', 5);
const SECONDS = arg('seconds', 3);
const ROUNDS = arg('rounds', 3);
const PIN = args.includes('--pin');
const TOKEN = 'bench-generator-token-01';
const VIEWER = 'bench-viewer-token-02';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Service {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly stateAnswers: Record<string, number>;
}

async function startService(dir: string, watchCount: number, clusterCount: number): Promise<Service> {
  writeFileSync(join(dir, 'token'), TOKEN);
  writeFileSync(join(dir, 'viewer'), VIEWER);
  const watches = Array.from({ length: watchCount }, (_, i) => ({ name: `svc${String(i).padStart(3, '0')}`, image: `registry.bench:5000/acme/svc${i}`, policy: { semver: { range: '>=1.0.0' } }, environments: { staging: { policy: { semver: { range: '>=1.0.0-0' } } } } }));
  const clusters = Array.from({ length: clusterCount }, (_, i) => ({ name: `cluster-${String(i).padStart(3, '0')}`, server: `https://10.0.0.${i}:6443`, labels: clusterLabels(i), annotations: i % 4 === 0 ? { 'argocd-image-plugins/platforms': 'linux/arm64' } : {} }));
  const r = parseConfig({ server: { tokenFile: join(dir, 'token'), viewerTokenFile: join(dir, 'viewer') }, registries: [{ host: 'registry.bench:5000', url: 'http://127.0.0.1:1', insecure: true }], watches, clusters: { platformsAnnotation: 'argocd-image-plugins/platforms', static: clusters }, environments: ENVIRONMENTS });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const cfg = r.config;
  const cache = createResolutionCache();
  const now = Date.now();
  for (const w of cfg.watches) {
    for (const env of ['default', 'staging']) {
      for (const [n, tag] of [[1, '1.0.0'], [2, '1.1.0'], [3, env === 'staging' ? '1.2.0-rc.1' : '1.2.0']] as const) {
        const digest = `sha256:${String(n).repeat(64)}`;
        const at = new Date(now - (4 - n) * 86_400_000).toISOString();
        cache.record(w.name, env, w.image, { kind: 'resolved', resolution: { tag, digest, ref: `${w.image}:${tag}@${digest}`, platforms: ['linux/amd64', 'linux/arm64'], resolvedAt: at }, summary: { tags: 40, candidates: 12, complete: true }, at: new Date(now).toISOString() });
      }
    }
  }
  const logger = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const clusterSource = createClusterSource({ config: () => cfg.clusters, logger, clock: systemClock });
  const app = await buildApp({ logger, config: () => cfg, configError: () => undefined, cache, clusters: clusterSource, clock: systemClock, poller: { isReady: () => true, rescan: async () => undefined }, promotion: staticPromotion(cfg, now) });
  const stateAnswers: Record<string, number> = {};
  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.url === '/ui/api/state') stateAnswers[reply.statusCode] = (stateAnswers[reply.statusCode] ?? 0) + 1;
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, app, stateAnswers };
}

interface LoadFigures { fcp: number; rows: number; lcp: number; bytes: number }

/** One cold load: a fresh context (no cache, no cookie but the session), timings from the page itself. */
async function coldLoad(browser: Browser, url: string): Promise<LoadFigures> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.request.post(`${url}/ui/api/login`, { data: { token: VIEWER } });
  // Evaluated over CDP before the page's own script (not subject to the page's CSP): stamps the
  // moment the first watch row is in the document.
  await context.addInitScript({ content: `new MutationObserver((_m, observer) => {
    if (document.querySelector('#watches tbody tr')) { window.__rows = performance.now(); observer.disconnect(); }
  }).observe(document, { childList: true, subtree: true });` });
  const page = await context.newPage();
  await page.goto(`${url}/ui/`);
  await page.waitForSelector('#watches tbody tr', { timeout: 60_000 });
  // Let the paint after the rows happen, then read the paint and resource timing entries.
  await page.waitForFunction('performance.getEntriesByType("paint").length >= 2', undefined, { timeout: 10_000 }).catch(() => undefined);
  const figures = (await page.evaluate(`new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => {
    const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
    const lcps = [];
    new PerformanceObserver((l) => lcps.push(...l.getEntries())).observe({ type: 'largest-contentful-paint', buffered: true });
    setTimeout(() => {
      const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
      resolve({ fcp: paint['first-contentful-paint'] ?? -1, rows: window.__rows ?? -1, lcp: lcps.length ? lcps[lcps.length - 1].startTime : -1, bytes: entries.reduce((s, e) => s + e.transferSize, 0) });
    }, 50);
  }, 0)))`)) as LoadFigures;
  await context.close();
  return figures;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function p99(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] ?? 0;
}

async function getparamsLatencies(url: string, seconds: number): Promise<number[]> {
  const pool = new Pool(url, { connections: 2, pipelining: 1 });
  const body = `${JSON.stringify({ applicationSetName: 'bench', input: {} })}\n`;
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const res = await pool.request({ method: 'POST', path: '/api/v1/getparams.execute', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'accept-encoding': 'gzip' }, body });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`getparams answered ${res.statusCode}`);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all([worker(), worker()]);
  await pool.close();
  return latencies;
}

/** Part 1: cold loads of both pages, alternating which goes first. */
async function measureLoads(browser: Browser, big: Service, small: Service): Promise<void> {
  const loads: Record<'small' | 'big', LoadFigures[]> = { small: [], big: [] };
  await coldLoad(browser, small.url); // warm the browser binary and the service's first answers
  await coldLoad(browser, big.url);
  for (let i = 0; i < LOADS; i++) {
    for (const which of i % 2 === 0 ? (['small', 'big'] as const) : (['big', 'small'] as const)) loads[which].push(await coldLoad(browser, which === 'big' ? big.url : small.url));
  }
  const med = (which: 'small' | 'big', key: keyof LoadFigures) => median(loads[which].map((l) => l[key]));
  const lines = [
    `page load, cold, median of ${LOADS} (Chromium headless, 1280x800):`,
    `  3 watches, 3 clusters (baseline):     first paint ${med('small', 'fcp').toFixed(0)} ms, rows on screen ${med('small', 'rows').toFixed(0)} ms, LCP ${med('small', 'lcp').toFixed(0)} ms, ${(med('small', 'bytes') / 1024).toFixed(1)} KiB transferred`,
    `  200 watches x 3 environments (+2 waves), 100 clusters: first paint ${med('big', 'fcp').toFixed(0)} ms, rows on screen ${med('big', 'rows').toFixed(0)} ms, LCP ${med('big', 'lcp').toFixed(0)} ms, ${(med('big', 'bytes') / 1024).toFixed(1)} KiB transferred`,
    `  ratio 200/3: rows on screen ${(med('big', 'rows') / med('small', 'rows')).toFixed(2)}, bytes ${(med('big', 'bytes') / med('small', 'bytes')).toFixed(2)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

}

/** Part 2: getparams with no page, 20 open pages, and the pages' polls alone, rotating rounds. */
async function measureGetparams(browser: Browser, big: Service): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.request.post(`${big.url}/ui/api/login`, { data: { token: VIEWER } });
  // Warm: the first answer is built, then its gzip coding is made in the background; wait for it.
  for (const until = performance.now() + 60_000; performance.now() < until; ) {
    const res = await fetch(`${big.url}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'accept-encoding': 'gzip' }, body: `${JSON.stringify({ applicationSetName: 'bench', input: {} })}\n` });
    await res.arrayBuffer();
    if (res.headers.get('content-encoding') === 'gzip') break;
  }
  await getparamsLatencies(big.url, 1);
  type Condition = 'none' | 'pages' | 'polls';
  const lat: Record<Condition, number[]> = { none: [], pages: [], polls: [] };
  const cpuMs: Record<Condition, number> = { none: 0, pages: 0, polls: 0 };
  const p99s: Record<Condition, number[]> = { none: [], pages: [], polls: [] };
  const conditions: Condition[] = ['none', 'pages', 'polls'];
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of conditions.map((_, i) => conditions[(i + r) % conditions.length]!)) {
      const pages = c === 'pages' ? await openPages(context, big.url) : [];
      // 'polls': the same requests the twenty pages send (If-None-Match every 2 s), without browsers,
      // to tell the service's cost from the cost of twenty Chromium renderers on the same two cores.
      const pollers = c === 'polls' ? await startPollers(big.url, 20) : undefined;
      const before = Object.values(big.stateAnswers).reduce((a, b) => a + b, 0);
      const cpu0 = process.cpuUsage();
      const l = await getparamsLatencies(big.url, SECONDS);
      const cpu = process.cpuUsage(cpu0);
      const cpuRound = (cpu.user + cpu.system) / 1000;
      cpuMs[c] += cpuRound;
      const polls = Object.values(big.stateAnswers).reduce((a, b) => a + b, 0) - before;
      lat[c].push(...l);
      p99s[c].push(p99(l));
      pollers?.stop();
      await Promise.all(pages.map((p) => p.close()));
      process.stdout.write(`  round ${r + 1}, ${c.padEnd(5)}: getparams p99 ${p99(l).toFixed(1)} ms over ${l.length} answers; ${polls} state polls answered (${(polls / SECONDS).toFixed(1)}/s); CPU ${(cpuRound / l.length).toFixed(2)} ms per answer\n`);
    }
  }
  await context.close();
  const all = Object.entries(big.stateAnswers).map(([s, n]) => `${n} x ${s}`).join(', ');
  const line = (c: Condition, label: string) => `  ${label}: p99 ${p99(lat[c]).toFixed(1)} ms over ${lat[c].length} answers (rounds ${p99s[c].map((x) => x.toFixed(1)).join(' ')}); this process's CPU ${(cpuMs[c] / lat[c].length).toFixed(2)} ms per answer`;
  const ratio = (c: Condition) => `${(p99(lat[c]) / p99(lat.none)).toFixed(2)} overall, median of rounds ${(median(p99s[c]) / median(p99s.none)).toFixed(2)}, answers ${(lat[c].length / lat.none.length).toFixed(2)}`;
  process.stdout.write([
    `getparams (100 clusters x 200 watches, 2 connections, gzip), ${ROUNDS} rotating rounds of ${SECONDS}s${PIN ? ', service on core 0, Chromium on core 1' : ''}:`,
    line('none', 'no page open           '),
    line('pages', '20 Chromium pages open  '),
    line('polls', '20 pages\' polls, no browser'),
    `  p99 ratio vs none: 20 pages ${ratio('pages')}; their polls alone ${ratio('polls')} (goal: about 1)`,
    `  CPU per getparams answer vs none: 20 pages ${(cpuMs.pages / lat.pages.length / (cpuMs.none / lat.none.length)).toFixed(2)}, polls alone ${(cpuMs.polls / lat.polls.length / (cpuMs.none / lat.none.length)).toFixed(2)} (includes answering the polls)`,
    `  p99 ratio vs none within each round (same seconds, same machine state): 20 pages ${p99s.pages.map((x, i) => (x / p99s.none[i]!).toFixed(2)).join(' ')}; polls alone ${p99s.polls.map((x, i) => (x / p99s.none[i]!).toFixed(2)).join(' ')}`,
    `  state answers over the whole run: ${all}`,
    '',
  ].join('\n'));
}

/** Twenty status pages, opened five at a time, then left to settle so only their polling remains. */
async function openPages(context: BrowserContext, url: string): Promise<Page[]> {
  const pages = await Promise.all(Array.from({ length: 20 }, () => context.newPage()));
  for (let i = 0; i < pages.length; i += 5) {
    await Promise.all(pages.slice(i, i + 5).map((p) => p.goto(`${url}/ui/`, { timeout: 180_000 }).then(() => p.waitForSelector('#watches tbody tr', { state: 'attached', timeout: 180_000 }))));
  }
  await new Promise((r) => setTimeout(r, 3000));
  return pages;
}

/** `count` clients polling the state as the page does: every 2 s, with the last ETag. */
async function startPollers(url: string, count: number): Promise<{ stop(): void }> {
  const login = await fetch(`${url}/ui/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: VIEWER }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const timers = Array.from({ length: count }, (_, i) => {
    let etag = '';
    const poll = async (): Promise<void> => {
      const res = await fetch(`${url}/ui/api/state`, { headers: { cookie, 'accept-encoding': 'gzip', ...(etag && { 'if-none-match': etag }) } });
      await res.arrayBuffer();
      etag = res.headers.get('etag') ?? etag;
    };
    const start = setTimeout(() => void poll(), (2000 / count) * i);
    const every = setInterval(() => void poll(), 2000);
    return { start, every };
  });
  await new Promise((r) => setTimeout(r, 2000));
  return { stop: () => timers.forEach((t) => (clearTimeout(t.start), clearInterval(t.every))) };
}

/** With --pin: this process (all its threads) on core 0, and a Chromium that runs on core 1. */
function pinned(dir: string): string {
  const chromiumPath = '/usr/bin/chromium';
  if (!PIN) return chromiumPath;
  execFileSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' });
  const wrapper = join(dir, 'chromium-on-core-1');
  writeFileSync(wrapper, `#!/bin/sh\nexec taskset -c 1 ${chromiumPath} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ui-'));
  const executablePath = pinned(dir);
  const big = await startService(mkdtempSync(join(dir, 'big-')), 200, 100);
  const small = await startService(mkdtempSync(join(dir, 'small-')), 3, 3);
  const browser = await chromium.launch({ executablePath, headless: true, args: FLAGS });
  const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
  process.stdout.write(`machine load average at start: ${load()}\n`);
  try {
    await measureLoads(browser, big, small);
    await measureGetparams(browser, big);
    process.stdout.write(`machine load average at end: ${load()}\n`);
  } finally {
    await browser.close();
    await big.app.close();
    await small.app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
