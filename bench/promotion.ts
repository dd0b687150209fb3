// bench/promotion.ts [--runs N] [--steps N]: randomised runs of the pure promotion engine — 100
// clusters in 3 environments (dev 20, staging 30, prod 50 in two waves), 20 watches, staging
// following dev and prod following staging (soak 30m, pause 10m). Each step a random watch may get a
// newer tag, every Application deploys what its cluster is served with a random health, and the
// clock moves 0-20 minutes. The rules are checked by code independent of the engine's gates:
//   R1 a reference enters staging/prod only after every Application of `from` using the watch ran
//      it Synced and Healthy for the soak; R2 a later wave gets a reference only after every
//      Application of the wave before ran it Synced and Healthy for the pause; R3 never more than
//      two references in an environment; R4 never a downgrade. Prints the violations (goal 0) and
//      the evaluation time against a baseline (the same evaluation with no environments configured).
import type { EnvironmentPolicy } from '../src/config/types.ts';
import { evaluatePromotion } from '../src/promotion/engine.ts';
import { servedFor, waveIn } from '../src/promotion/serve.ts';
import type { ApplicationObservation, ClusterPlacement, EngineInput, PromotionState } from '../src/promotion/types.ts';
import { EMPTY_PROMOTION_STATE } from '../src/promotion/types.ts';

const arg = (name: string, fallback: number): number => Number(process.argv[process.argv.indexOf(name) + 1] ?? fallback) || fallback;
const RUNS = process.argv.includes('--runs') ? arg('--runs', 1000) : 1000;
const STEPS = process.argv.includes('--steps') ? arg('--steps', 24) : 24;
const SOAK = 30 * 60_000;
const PAUSE = 10 * 60_000;
const POLICIES: Record<string, EnvironmentPolicy> = {
  dev: {},
  staging: { promotion: { from: 'dev', soakMs: SOAK, requireHealthy: true, requireApproval: false } },
  prod: { promotion: { from: 'staging', soakMs: SOAK, requireHealthy: true, requireApproval: false }, rollout: { waves: [{ kind: 'percent', percent: 20 }, { kind: 'percent', percent: 80 }], pauseMs: PAUSE, requireHealthy: true } },
};
const CLUSTERS: ClusterPlacement[] = [...Array(100).keys()].map((i) => ({ name: `c${i}`, environment: i < 20 ? 'dev' : i < 50 ? 'staging' : 'prod', labels: {} }));
const WATCHES = [...Array(20).keys()].map((i) => ({ name: `w${i}`, image: `ghcr.io/acme/w${i}` }));

let seed = 42;
const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const res = (tag: number) => ({ tag: `1.${tag}.0`, digest: `sha256:${String(tag).padStart(64, '0')}`, ref: `x:1.${tag}.0`, platforms: [], resolvedAt: '2026-01-01T00:00:00Z' });
const wave = (c: ClusterPlacement): number => waveIn(POLICIES, c.environment, c);

interface World { now: number; tags: number[]; state: PromotionState; apps: Map<string, ApplicationObservation> }

function servedTag(w: World, watch: number, c: ClusterPlacement): number {
  const s = servedFor(w.state, WATCHES[watch]!.name, c.environment, wave(c));
  return s ? Number(s.tag.split('.')[1]) : w.tags[watch]!;
}

function input(w: World, policies: Record<string, EnvironmentPolicy>): EngineInput {
  return { now: new Date(w.now), watches: WATCHES, policies, candidate: (watch) => ({ resolution: res(w.tags[Number(watch.slice(1))]!), history: [] }), clusters: CLUSTERS, applications: { known: true, applications: [...w.apps.values()] }, state: w.state, operations: [] };
}

/** Every Application of `members` using `watch` ran `tag` Synced and Healthy since `holdMs` before now. */
function ran(w: World, watch: number, members: ClusterPlacement[], tag: number, holdMs: number): boolean {
  return members.every((c) => {
    const a = w.apps.get(`${c.name}/${watch}`)!;
    return a.images[0] === `ghcr.io/acme/w${watch}:1.${tag}.0` && a.sync === 'Synced' && a.health === 'Healthy' && Date.parse(a.since) + holdMs <= w.now;
  });
}

function check(w: World, before: number[][], violations: Record<string, number>): void {
  for (let watch = 0; watch < WATCHES.length; watch++) {
    for (const env of ['staging', 'prod']) if (new Set(CLUSTERS.filter((c) => c.environment === env).map((c) => servedTag(w, watch, c))).size > 2) violations.R3! += 1;
    CLUSTERS.forEach((c, i) => {
      const now = servedTag(w, watch, c);
      const was = before[watch]![i]!;
      if (now < was) violations.R4! += 1;
      if (now === was || c.environment === 'dev') return;
      const from = c.environment === 'staging' ? 'dev' : 'staging';
      const entered = !CLUSTERS.some((o, j) => o.environment === c.environment && before[watch]![j] === now);
      if (entered && !ran(w, watch, CLUSTERS.filter((o) => o.environment === from), now, SOAK)) violations.R1! += 1;
      if (c.environment === 'prod' && wave(c) === 1 && !ran(w, watch, CLUSTERS.filter((o) => o.environment === 'prod' && wave(o) === 0), now, PAUSE)) violations.R2! += 1;
    });
  }
}

function deploy(w: World): void {
  for (const c of CLUSTERS) for (let watch = 0; watch < WATCHES.length; watch++) {
    const key = `${c.name}/${watch}`;
    const image = `ghcr.io/acme/w${watch}:1.${servedTag(w, watch, c)}.0`;
    const health = random() < 0.995 ? 'Healthy' : random() < 0.5 ? 'Progressing' : 'Degraded';
    const prev = w.apps.get(key);
    const since = prev && prev.images[0] === image && prev.health === health ? prev.since : new Date(w.now).toISOString();
    w.apps.set(key, { namespace: 'argocd', name: key.replace('/', '-'), cluster: c.name, sync: 'Synced', health, images: [image], since });
  }
}

const violations: Record<string, number> = { R1: 0, R2: 0, R3: 0, R4: 0 };
let moves = 0;
let gated = 0;
let plain = 0;
let evaluations = 0;
for (let run = 0; run < RUNS; run++) {
  const w: World = { now: Date.parse('2026-01-01T00:00:00Z'), tags: WATCHES.map(() => 0), state: EMPTY_PROMOTION_STATE, apps: new Map() };
  w.state = evaluatePromotion(input(w, POLICIES)).state;
  deploy(w);
  for (let step = 0; step < STEPS; step++) {
    if (random() < 0.5) w.tags[Math.floor(random() * WATCHES.length)]! += 1;
    w.now += Math.floor(random() * 30) * 60_000;
    const before = WATCHES.map((_, watch) => CLUSTERS.map((c) => servedTag(w, watch, c)));
    let t = performance.now();
    const result = evaluatePromotion(input(w, POLICIES));
    gated += performance.now() - t;
    t = performance.now();
    evaluatePromotion(input(w, {}));
    plain += performance.now() - t;
    evaluations += 1;
    moves += result.changes.filter((c) => c.kind === 'moved').length;
    w.state = result.state;
    check(w, before, violations);
    deploy(w);
  }
}
const total = Object.values(violations).reduce((a, b) => a + b, 0);
process.stdout.write(`runs ${RUNS} x ${STEPS} steps, ${CLUSTERS.length} clusters, ${WATCHES.length} watches: ${moves} moves\n`);
process.stdout.write(`rule violations: ${total} (R1 soak ${violations.R1}, R2 wave order ${violations.R2}, R3 three versions ${violations.R3}, R4 downgrade ${violations.R4}); goal 0\n`);
process.stdout.write(`evaluation: ${(gated / evaluations).toFixed(2)} ms per evaluation (20 watches x 100 clusters, 2,000 Applications); baseline without environments ${(plain / evaluations).toFixed(3)} ms; ratio ${(gated / plain).toFixed(1)}x\n`);
if (total > 0) process.exitCode = 1;
