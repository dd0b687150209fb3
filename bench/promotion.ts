// bench/promotion.ts [--runs N] [--steps N] [--seed N]: randomised runs of the pure promotion engine
// in the world of bench/lib/promotion-world.ts (100 clusters: dev 20, staging 30 following dev,
// prod 50 following staging in two percent waves; soak 30m, pause 10m; 20 watches; one Application
// per cluster and watch). Each step: maybe new tags, maybe a broken Application watch, the clock
// moves 0-30 minutes, the engine evaluates, the rules of bench/lib/promotion-rules.ts are checked
// on what every cluster is served, then every Application follows its cluster with random lag,
// sync drift, health flips, deletions and re-creations. Prints the seed, the violations per rule
// (goal 0) and the evaluation time against a baseline (the same evaluation with no environment
// configured, measured on the same steps). The default is 100 runs; the issue's figure is --runs 1000.
import { parseArgs } from 'node:util';
import { evaluatePromotion } from '../src/promotion/engine.ts';
import { check, newerMidRollout, RULES, runningVersions, type Counts, type WaveClock } from './lib/promotion-rules.ts';
import { deploy, engineInput, happen, newWorld, POLICIES, servedMatrix } from './lib/promotion-world.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100' }, steps: { type: 'string', default: '36' }, seed: { type: 'string', default: '20261130' }, baseline: { type: 'string', default: '10' } } });
const RUNS = Number(values.runs);
const STEPS = Number(values.steps);
const SEED = Number(values.seed);
/** Runs whose steps also time the baseline evaluation (it does not change the state). */
const BASELINE_RUNS = Number(values.baseline);

interface Totals {
  counts: Counts;
  moves: number;
  staleSteps: number;
  newerWaiting: number;
  threeRunning: number;
  gatedMs: number;
  gatedEvaluations: number;
  plainMs: number;
  plainEvaluations: number;
  firstViolatingRun?: number;
}

function step(w: ReturnType<typeof newWorld>, clock: WaveClock, totals: Totals, timeBaseline: boolean): void {
  happen(w);
  const before = servedMatrix(w.state);
  totals.newerWaiting += newerMidRollout(before);
  let t = performance.now();
  const result = evaluatePromotion(engineInput(w, POLICIES));
  totals.gatedMs += performance.now() - t;
  totals.gatedEvaluations += 1;
  if (timeBaseline) {
    t = performance.now();
    evaluatePromotion(engineInput(w, {}));
    totals.plainMs += performance.now() - t;
    totals.plainEvaluations += 1;
  }
  totals.moves += result.changes.filter((c) => c.kind === 'moved').length;
  if (w.staleFor > 0) totals.staleSteps += 1;
  w.state = result.state;
  const after = servedMatrix(w.state);
  check({ now: w.now, known: w.staleFor === 0, apps: w.apps, before, after }, clock, totals.counts);
  deploy(w, after);
  totals.threeRunning += runningVersions(w.apps);
}

function run(index: number, totals: Totals): void {
  const w = newWorld(SEED + index);
  // The first evaluation adopts a starting reference for every environment: nothing to check yet.
  w.state = evaluatePromotion(engineInput(w, POLICIES)).state;
  deploy(w, servedMatrix(w.state));
  const clock: WaveClock = new Map();
  const violationsBefore = Object.values(totals.counts).reduce((a, b) => a + b, 0);
  for (let s = 0; s < STEPS; s++) step(w, clock, totals, index < BASELINE_RUNS);
  const violationsAfter = Object.values(totals.counts).reduce((a, b) => a + b, 0);
  if (violationsAfter > violationsBefore && totals.firstViolatingRun === undefined) totals.firstViolatingRun = index;
}

const totals: Totals = { counts: Object.fromEntries(RULES.map((r) => [r, 0])) as Counts, moves: 0, staleSteps: 0, newerWaiting: 0, threeRunning: 0, gatedMs: 0, gatedEvaluations: 0, plainMs: 0, plainEvaluations: 0 };
const started = performance.now();
for (let i = 0; i < RUNS; i++) {
  run(i, totals);
  if ((i + 1) % 50 === 0 && i + 1 < RUNS) process.stderr.write(`${i + 1} runs: ${totals.moves} moves, ${Object.values(totals.counts).reduce((a, b) => a + b, 0)} violations\n`);
}
const total = Object.values(totals.counts).reduce((a, b) => a + b, 0);
const gated = totals.gatedMs / totals.gatedEvaluations;
const plain = totals.plainMs / Math.max(1, totals.plainEvaluations);
const out = (line: string): boolean => process.stdout.write(`${line}\n`);
out(`seed ${SEED}; runs ${RUNS} x ${STEPS} steps (run i uses seed ${SEED}+i); 100 clusters (dev 20, staging 30, prod 50 in 2 waves), 20 watches, 2,000 Applications; ${((performance.now() - started) / 1000).toFixed(0)} s`);
out(`moves ${totals.moves}; steps with the Application data stale ${totals.staleSteps}; (watch) steps with a newer reference arriving while prod was mid-rollout ${totals.newerWaiting}`);
out(`rule violations: ${total} (${RULES.map((r) => `${r} ${totals.counts[r]}`).join(', ')}); goal 0`);
if (totals.firstViolatingRun !== undefined) out(`first run with a violation: ${totals.firstViolatingRun} (alone: --seed ${SEED + totals.firstViolatingRun} --runs 1)`);
out(`not a rule: (watch, environment) steps whose Applications ran 3+ versions at once because syncs lag what is served: ${totals.threeRunning}`);
out(`evaluation: ${gated.toFixed(2)} ms (20 watches x 100 clusters, 2,000 Applications); baseline without environments ${plain.toFixed(3)} ms over ${totals.plainEvaluations} of the same steps; ratio ${(gated / plain).toFixed(1)}x`);
if (total > 0) process.exitCode = 1;
