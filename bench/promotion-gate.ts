// Progressive delivery through the real service (bench/lib/promotion-service.ts: `serve` as a child
// process, a real registry, Applications on the loopback Kubernetes API peer).
// 1. Gate opening → next wave: each round pushes a new tag; once staging serves it, staging's
//    Applications are written running it Synced and Healthy; prod's entry gate opens one soak later.
//    The bench times from that moment until getparams answers the tag for prod's canary clusters,
//    and until the service asks for the ApplicationSet refresh (its PATCH of the annotation). Then the canary Applications run
//    it, and the same is timed for the second wave (one pause later). Two gate openings per round.
//    A wave that moves before its gate opened is a violation. Goal: < 2 s.
// 2. Steady state: for --steady seconds nothing moves while the simulated Argo CD controller rewrites
//    an Application every 5 s (a status write no gate reads); every request the service makes to the
//    API is counted, per minute by verb and resource. Goal: one watch stream, no polling.
//   node bench/promotion-gate.ts [--openings 20] [--soak 1] [--steady 60]   (--soak 0: the gate opens on the
//   Application's own watch event, no timer; --steady 0 skips part 2)
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { perMinute } from '../test/helpers/kube-api-requests.ts';
import { CANARY, CONTROLLER_TOKEN, REST, SERVICE_TOKEN, STAGING, startPromotionBench, type PromotionBench } from './lib/promotion-service.ts';

const { values } = parseArgs({ options: { openings: { type: 'string', default: '20' }, soak: { type: 'string', default: '1' }, steady: { type: 'string', default: '60' } } });
const ROUNDS = Math.ceil(Number(values.openings) / 2);
const SOAK_MS = Number(values.soak) * 1000;
const STEADY_MS = Number(values.steady) * 1000;

function quantile(list: readonly number[], q: number): number {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** Polls `check` every 5 ms (at most `limitMs`); the performance.now() at which it first held. */
async function when(what: string, check: () => boolean | Promise<boolean>, limitMs = 30_000): Promise<number> {
  const end = performance.now() + limitMs;
  for (;;) {
    if (await check()) return performance.now();
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const patches = (b: PromotionBench): number => b.peer.started.filter((s) => s.token === SERVICE_TOKEN && s.verb === 'patch' && s.resource === 'applicationsets').length;

/** When the service first asked for an ApplicationSet refresh (a PATCH setting the annotation) after `t`. */
function refreshAfter(b: PromotionBench, t: number): number | undefined {
  return b.peer.started.find((s) => s.at > t && s.token === SERVICE_TOKEN && s.verb === 'patch' && s.resource === 'applicationsets')?.at;
}

const on = (tags: Record<string, string>, clusters: readonly string[], tag: string): boolean => clusters.every((c) => tags[c] === tag);

interface Opening {
  readonly params: number;
  readonly refresh: number;
  readonly early: boolean;
}

/** The Applications of `from` start running `tag` healthy; times the move of `next` from the moment its gate opens. */
async function opening(b: PromotionBench, from: readonly string[], next: readonly string[], tag: string): Promise<Opening> {
  b.clearRefresh();
  const flipped = performance.now();
  await b.run(from, tag);
  // The gate opens one soak (pause) after the last Application is written: timed from the moment that write reached the API.
  const opens = b.peer.started.findLast((s) => s.token === CONTROLLER_TOKEN && s.resource === 'applications' && s.verb === 'update')!.at + SOAK_MS;
  const params = await when(`${next.join(',')} on ${tag}`, async () => on(await b.tags(), next, tag));
  await when('the refresh annotation', () => refreshAfter(b, flipped) !== undefined && b.refreshed());
  const refresh = refreshAfter(b, flipped)!;
  return { params: params - opens, refresh: refresh - opens, early: params < opens || refresh < opens };
}

/** Waits until the service made no API request for `quietMs` (the refresh of the last move is done). */
async function settled(b: PromotionBench, quietMs = 500): Promise<void> {
  await when('a quiet API', () => performance.now() - (b.peer.started.findLast((s) => s.token === SERVICE_TOKEN && s.verb !== 'watch')?.at ?? 0) > quietMs);
}

async function gateOpenings(b: PromotionBench): Promise<Opening[]> {
  const out: Opening[] = [];
  // The start-up refreshes (first resolution, prod's first state) may come a while after the first answer.
  await when('the start-up refresh', () => patches(b) > 0);
  await settled(b, 2000);
  for (let n = 1; n <= ROUNDS; n++) {
    const tag = `1.${n}.0`;
    const before = patches(b);
    await b.push(n);
    await when(`staging on ${tag} and its refresh`, async () => on(await b.tags(), STAGING, tag) && patches(b) > before);
    await settled(b);
    out.push(await opening(b, STAGING, CANARY, tag));
    await settled(b);
    out.push(await opening(b, CANARY, REST, tag));
    await b.run(REST, tag);
    process.stdout.write(`round ${n}: canary ${out.at(-2)!.params.toFixed(0)} ms (refresh ${out.at(-2)!.refresh.toFixed(0)} ms), second wave ${out.at(-1)!.params.toFixed(0)} ms (refresh ${out.at(-1)!.refresh.toFixed(0)} ms)\n`);
  }
  return out;
}

/** Nothing moves; Argo CD rewrites one Application every 5 s. Returns the service's requests per minute. */
async function steadyState(b: PromotionBench, tag: string): Promise<Record<string, number>> {
  const from = performance.now();
  let i = 0;
  while (performance.now() - from < STEADY_MS) {
    await b.run([[...STAGING, ...CANARY, ...REST][i++ % 8]!], tag);
    await new Promise((r) => setTimeout(r, Math.min(5000, Math.max(0, STEADY_MS - (performance.now() - from)))));
  }
  return perMinute(b.peer.started, SERVICE_TOKEN, from, performance.now());
}

function report(openings: readonly Opening[], steady: Record<string, number>): boolean {
  const figure = (what: string, list: number[]): string => `${what}: p50 ${quantile(list, 0.5).toFixed(0)} ms, p95 ${quantile(list, 0.95).toFixed(0)} ms, max ${Math.max(...list).toFixed(0)} ms`;
  const params = openings.map((o) => o.params);
  const early = openings.filter((o) => o.early).length;
  process.stdout.write(`\n${openings.length} gate openings (soak and pause ${SOAK_MS / 1000} s), timed from the moment the gate opened:\n`);
  process.stdout.write(`  ${figure('next wave in getparams', params)} (goal < 2000 ms)\n  ${figure('ApplicationSet refresh annotation written', openings.map((o) => o.refresh))}\n`);
  process.stdout.write(`  waves that moved (or refreshed) before their gate opened: ${early} (goal 0)\n`);
  if (STEADY_MS === 0) return early === 0 && Math.max(...params) < 2000;
  const total = Object.values(steady).reduce((a, b) => a + b, 0);
  process.stdout.write(`\nsteady state, ${STEADY_MS / 1000} s, an Application rewritten every 5 s: the service's Kubernetes API requests per minute: ${total.toFixed(2)}\n`);
  for (const [what, n] of Object.entries(steady)) process.stdout.write(`  ${what}: ${n.toFixed(2)}/min\n`);
  const polling = Object.entries(steady).some(([what]) => !what.startsWith('watch '));
  process.stdout.write(`  requests other than watches: ${polling ? 'yes (polling)' : 'none'}\n`);
  return early === 0 && Math.max(...params) < 2000 && !polling;
}

spawnSync(process.execPath, ['scripts/build.ts'], { stdio: 'inherit', cwd: new URL('..', import.meta.url).pathname });
const bench = await startPromotionBench(`${SOAK_MS / 1000}s`);
try {
  await when('every cluster on 1.0.0', async () => Object.values(await bench.tags()).length === 8, 60_000);
  const openings = await gateOpenings(bench);
  const steady = STEADY_MS > 0 ? await steadyState(bench, `1.${ROUNDS}.0`) : {};
  process.exitCode = report(openings, steady) ? 0 : 1;
} finally {
  await bench.close();
}
