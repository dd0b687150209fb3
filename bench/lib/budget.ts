// The per-registry request budget under a 503 storm, counted at the registry. Two registries in one
// service, each with the same repositories and the same storm: one with a small `requestBudget`, one
// with a budget too large to matter. The second is the baseline measured in the same run: it shows
// what the storm would cost without the budget, so the check on the first one can fail.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry } from '../../test/helpers/registry.ts';
import { startProtocolRegistry, type ProtocolRegistry } from '../../test/helpers/protocol-registry.ts';
import { pushImage } from '../../test/helpers/images.ts';
import { writeConfig, type RunWatch } from './config.ts';
import { imageStates, startService, waitReady, type ServiceProcess } from './service.ts';
import { until } from '../../test/helpers/until.ts';

export interface BudgetUse {
  /** Requests the registry received during the storm. */
  readonly total: number;
  readonly spanMs: number;
  /** Most requests in any window of one interval. */
  readonly maxPerWindow: number;
  /** What the budget allows in the span: budget × (⌈span / interval⌉ + 1). */
  readonly bound: number;
}

export interface BudgetResult {
  readonly budget: number;
  readonly intervalSeconds: number;
  readonly repositories: number;
  readonly limited: BudgetUse;
  readonly unlimited: BudgetUse;
  /** Every watch of the limited registry cleared its error within the deadline after the storm. */
  readonly recovered: boolean;
  readonly logLines: readonly string[];
}

interface Sample {
  readonly t: number;
  readonly n: number;
}

/**
 * The service resets each registry's budget every interval on its own timer, whose phase we do not
 * know; so a window of one interval may straddle a reset (up to 2 × budget), and a span of T ms may
 * hold at most budget × (⌈T / interval⌉ + 1) requests.
 */
function use(samples: readonly Sample[], intervalMs: number, budget: number): BudgetUse {
  let maxPerWindow = 0;
  let j = 0;
  for (let i = 0; i < samples.length; i++) {
    while (j + 1 < samples.length && samples[j + 1]!.t - samples[i]!.t <= intervalMs) j++;
    maxPerWindow = Math.max(maxPerWindow, samples[j]!.n - samples[i]!.n);
  }
  const first = samples[0]?.t ?? 0;
  const spanMs = (samples.at(-1)?.t ?? first) - first;
  return { total: samples.at(-1)?.n ?? 0, spanMs, maxPerWindow, bound: budget * (Math.ceil(spanMs / intervalMs) + 1) };
}

/** The longest a storm is stretched, as a multiple of its stormMs, waiting for the baseline to show its size. */
const STORM_STRETCH = 6;

export async function runBudgetStorm(options: { cli: string; token: string; intervalSeconds: number; stormMs: number; budget?: number; repositories?: number }): Promise<BudgetResult> {
  const budget = options.budget ?? 3;
  const repos = Array.from({ length: options.repositories ?? 4 }, (_, i) => `storm/r${i}`);
  const dir = await mkdtemp(join(tmpdir(), 'aip-budget-'));
  const reg = await startRegistry();
  const peers: ProtocolRegistry[] = [];
  let service: ServiceProcess | undefined;
  try {
    const limited = await startProtocolRegistry({ upstream: reg.url });
    peers.push(limited);
    const unlimited = await startProtocolRegistry({ upstream: reg.url });
    peers.push(unlimited);
    for (const repo of repos) await pushImage(reg, repo, '1.0.0', { created: '2026-03-01T00:00:00Z', label: repo });
    await mkdir(join(dir, 'cache'));
    await writeFile(join(dir, 'token'), `${options.token}\n`);
    const watches: RunWatch[] = [];
    repos.forEach((repo, i) => {
      watches.push({ name: `limited_${i}`, image: `${limited.host}/${repo}`, range: '^1.0.0' });
      watches.push({ name: `unlimited_${i}`, image: `${unlimited.host}/${repo}`, range: '^1.0.0' });
    });
    const config = await writeConfig({
      dir,
      tokenFile: join(dir, 'token'),
      intervalSeconds: options.intervalSeconds,
      registries: [
        { host: limited.host, url: limited.url, requestBudget: budget, timeoutSeconds: 1 },
        { host: unlimited.host, url: unlimited.url, requestBudget: 1_000_000, timeoutSeconds: 1 },
      ],
      watches,
    });
    service = await startService({ cli: options.cli, config });
    await waitReady(service.url, 30_000);
    const s = service;
    for (const p of peers) {
      p.addFault({ fault: { kind: 'status', status: 503 } });
      p.resetCounts();
    }
    const samples: [Sample[], Sample[]] = [[], []];
    const sampler = setInterval(() => {
      const t = Date.now();
      samples[0].push({ t, n: limited.requests().length });
      samples[1].push({ t, n: unlimited.requests().length });
    }, 10);
    const intervalMs = options.intervalSeconds * 1000;
    // The storm lasts stormMs, and longer while the unbudgeted registry has not yet received more than
    // the budgeted one may (a busy machine retries more slowly), up to STORM_STRETCH × stormMs.
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        const elapsed = Date.now() - started;
        const shown = use(samples[1], intervalMs, budget).total > use(samples[0], intervalMs, budget).bound;
        if ((elapsed >= options.stormMs && shown) || elapsed >= STORM_STRETCH * options.stormMs) {
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    clearInterval(sampler);
    for (const p of peers) p.clearFaults();
    let recovered = true;
    await until(async () => ((await imageStates(s.url, options.token)).filter((x) => x.watch.startsWith('limited_')).every((x) => x.lastError === null) ? true : undefined), { what: 'the limited registry to recover', deadlineMs: Math.max(20_000, 10 * intervalMs), everyMs: 200, retryErrors: true }).catch(() => (recovered = false));
    return { budget, intervalSeconds: options.intervalSeconds, repositories: repos.length, limited: use(samples[0], intervalMs, budget), unlimited: use(samples[1], intervalMs, budget), recovered, logLines: service.lines() };
  } finally {
    await service?.stop('SIGKILL');
    for (const p of peers) await p.stop();
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
