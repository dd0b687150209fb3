// The status page under load, in Debian's headless Chromium (playwright-core), against the built
// CLI's `serve` running as its own process (bench/lib/ui-service.ts), so what the clients spend is
// never counted as the service's:
// 1. page load with 200 watches (default, staging, and prod rolling out in two waves: five rows a
//    watch, every other one with a pending move) and 100 clusters: first contentful paint, the
//    moment the watch rows are on screen (first meaningful paint: the page's purpose is those rows),
//    largest contentful paint, and bytes transferred, cold (fresh browser context each load); the
//    baseline is the same page with 3 watches and 3 clusters, loaded in the same run.
// 2. getparams p99 (500 clusters' worth is bench/getparams.ts; here the 100-cluster service above)
//    with no page open, with 20 pages open and polling, and with the same polls sent by 20 plain HTTP
//    clients (the service's share without twenty Chromium renderers on the same cores); rotating
//    rounds. The load generator and the pollers run in this process, the pages in Chromium's. Each
//    round also reports the service process's CPU time (/proc/<pid>/stat) per getparams answer.
//    With --pin (taskset, util-linux), the service runs on core 0 and every client (this process and
//    Chromium) on core 1, so the clients compete with each other, not with the service.
// Run: npm run build && node bench/ui.ts [--loads 5] [--seconds 3] [--rounds 3] [--pin]
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { snapshotCli } from './lib/service.ts';
import { getparamsLatencies, openPages, startPollers, warmGetparams, type StateAnswers } from './lib/ui-clients.ts';
import { cpuMsOf, startUiService, VIEWER, type UiService } from './lib/ui-service.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const LOADS = arg('loads', 5);
const SECONDS = arg('seconds', 3);
const ROUNDS = arg('rounds', 3);
const PIN = args.includes('--pin');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');
const serviceCpuMs = (pid: number): number => cpuMsOf(pid, (path) => readFileSync(path, 'utf8'));

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

/** Part 1: cold loads of both pages, alternating which goes first. */
async function measureLoads(browser: Browser, big: UiService, small: UiService): Promise<void> {
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

type Condition = 'none' | 'pages' | 'polls';
const CONDITIONS: Condition[] = ['none', 'pages', 'polls'];

interface Rounds {
  readonly lat: Record<Condition, number[]>;
  readonly p99s: Record<Condition, number[]>;
  /** The service process's CPU time (ms) while getparams was measured. */
  readonly cpuMs: Record<Condition, number>;
  readonly answers: StateAnswers;
}

/** One condition of one round: open its clients, measure getparams for SECONDS, close them. */
async function oneRound(context: BrowserContext, big: UiService, c: Condition, rounds: Rounds, r: number): Promise<void> {
  const pages = c === 'pages' ? await openPages(context, big.url, rounds.answers) : [];
  // 'polls': the same requests the twenty pages send (If-None-Match every 2 s), without browsers,
  // to tell the service's cost from the cost of twenty Chromium renderers on the same two cores.
  const pollers = c === 'polls' ? await startPollers(big.url, 20, rounds.answers) : undefined;
  const before = Object.values(rounds.answers).reduce((a, b) => a + b, 0);
  const cpu0 = serviceCpuMs(big.pid);
  const l = await getparamsLatencies(big.url, SECONDS);
  const cpuRound = serviceCpuMs(big.pid) - cpu0;
  const polls = Object.values(rounds.answers).reduce((a, b) => a + b, 0) - before;
  pollers?.stop();
  await Promise.all(pages.map((p) => p.close()));
  rounds.cpuMs[c] += cpuRound;
  rounds.lat[c].push(...l);
  rounds.p99s[c].push(p99(l));
  process.stdout.write(`  round ${r + 1}, ${c.padEnd(5)}: getparams p99 ${p99(l).toFixed(1)} ms over ${l.length} answers; ${polls} state polls answered (${(polls / SECONDS).toFixed(1)}/s); service CPU ${(cpuRound / l.length).toFixed(2)} ms per answer; load ${load()}\n`);
}

function report(rounds: Rounds): void {
  const { lat, p99s, cpuMs } = rounds;
  const perAnswer = (c: Condition): number => cpuMs[c] / lat[c].length;
  const all = Object.entries(rounds.answers).map(([s, n]) => `${n} x ${s}`).join(', ');
  const line = (c: Condition, label: string) => `  ${label}: p99 ${p99(lat[c]).toFixed(1)} ms over ${lat[c].length} answers (rounds ${p99s[c].map((x) => x.toFixed(1)).join(' ')}); service CPU ${perAnswer(c).toFixed(2)} ms per answer`;
  const ratio = (c: Condition) => `${(p99(lat[c]) / p99(lat.none)).toFixed(2)} overall, median of rounds ${(median(p99s[c]) / median(p99s.none)).toFixed(2)}, answers ${(lat[c].length / lat.none.length).toFixed(2)}`;
  process.stdout.write([
    `getparams (100 clusters x 200 watches, 2 connections, gzip), ${ROUNDS} rotating rounds of ${SECONDS}s, service in its own process${PIN ? ' on core 0, every client on core 1' : ''}:`,
    line('none', 'no page open           '),
    line('pages', '20 Chromium pages open  '),
    line('polls', '20 pages\' polls, no browser'),
    `  p99 ratio vs none: 20 pages ${ratio('pages')}; their polls alone ${ratio('polls')} (goal: about 1)`,
    `  service CPU per getparams answer vs none: 20 pages ${(perAnswer('pages') / perAnswer('none')).toFixed(2)}, polls alone ${(perAnswer('polls') / perAnswer('none')).toFixed(2)} (includes answering the polls)`,
    `  p99 ratio vs none within each round (same seconds, same machine state): 20 pages ${p99s.pages.map((x, i) => (x / p99s.none[i]!).toFixed(2)).join(' ')}; polls alone ${p99s.polls.map((x, i) => (x / p99s.none[i]!).toFixed(2)).join(' ')}`,
    `  state answers while measuring and opening pages: ${all}`,
    '',
  ].join('\n'));
}

/** Part 2: getparams with no page, 20 open pages, and the pages' polls alone, rotating rounds. */
async function measureGetparams(browser: Browser, big: UiService): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.request.post(`${big.url}/ui/api/login`, { data: { token: VIEWER } });
  await warmGetparams(big.url);
  await getparamsLatencies(big.url, 1);
  const rounds: Rounds = { lat: { none: [], pages: [], polls: [] }, p99s: { none: [], pages: [], polls: [] }, cpuMs: { none: 0, pages: 0, polls: 0 }, answers: {} };
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of CONDITIONS.map((_, i) => CONDITIONS[(i + r) % CONDITIONS.length]!)) await oneRound(context, big, c, rounds, r);
  }
  await context.close();
  report(rounds);
}

/** With --pin: the service's command prefix (core 0), and this process and Chromium on core 1. */
function pinned(dir: string): { chromium: string; wrap?: string[] } {
  const chromiumPath = '/usr/bin/chromium';
  if (!PIN) return { chromium: chromiumPath };
  execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
  const wrapper = join(dir, 'chromium-on-core-1');
  writeFileSync(wrapper, `#!/bin/sh\nexec taskset -c 1 ${chromiumPath} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return { chromium: wrapper, wrap: ['taskset', '-c', '0'] };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ui-'));
  const cli = await snapshotCli();
  const services: UiService[] = [];
  try {
    const pin = pinned(dir);
    const big = await startUiService(cli.cli, mkdtempSync(join(dir, 'big-')), 200, 100, pin.wrap);
    services.push(big);
    const small = await startUiService(cli.cli, mkdtempSync(join(dir, 'small-')), 3, 3, pin.wrap);
    services.push(small);
    const browser = await chromium.launch({ executablePath: pin.chromium, headless: true, args: FLAGS });
    process.stdout.write(`machine load average at start: ${load()}\n`);
    try {
      await measureLoads(browser, big, small);
      await measureGetparams(browser, big);
      process.stdout.write(`machine load average at end: ${load()}\n`);
    } finally {
      await browser.close();
    }
  } finally {
    await Promise.all(services.map((s) => s.process.stop()));
    await cli.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
