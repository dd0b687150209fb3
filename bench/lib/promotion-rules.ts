// The safety rules of docs/promotion.md, checked by bench/promotion.ts from what the clusters are
// served before and after one evaluation and from the Applications the engine was shown. The
// checks use none of the engine's gate code: only the served answers, the Applications and the
// configured soak and pause.
//   soak     a reference enters staging/prod only after every Application of its `from`
//            environment using the watch (at least one) ran it Synced and Healthy for the soak
//   waves    prod's second wave gets a reference only when every first-wave cluster is served it,
//            has been for the pause, and every first-wave Application using the watch ran it
//            Synced and Healthy for the pause
//   versions never more than two references served in one environment, and a newer reference
//            arriving mid-rollout waits: while two are served, a cluster that moves moves to
//            the newer of the two (the rollout under way finishes first)
//   stale    nothing served in staging/prod changes while the Application data is unknown
//   empty    every staging/prod cluster has a reference from the promotion state (never none)
//   downgrade no cluster is ever served an older tag than before
import type { ApplicationObservation } from '../../src/promotion/types.ts';
import { CLUSTERS, FROM, GATED, imageOf, PAUSE, SOAK, WATCHES, WAVE } from './promotion-world.ts';

export const RULES = ['soak', 'waves', 'versions', 'stale', 'empty', 'downgrade'] as const;
export type Rule = (typeof RULES)[number];
export type Counts = Record<Rule, number>;

export interface Observed {
  readonly now: number;
  readonly known: boolean;
  readonly apps: ReadonlyMap<string, ApplicationObservation>;
  /** [watch][cluster] tag served before and after the evaluation (-1: none). */
  readonly before: readonly (readonly number[])[];
  readonly after: readonly (readonly number[])[];
}

/** `watch/tag` → when every first-wave prod cluster was first seen served that tag (the checker's own record). */
export type WaveClock = Map<string, number>;

const inEnv = (env: string): number[] => CLUSTERS.flatMap((c, i) => (c.environment === env ? [i] : []));
const PROD_W0 = CLUSTERS.flatMap((c, i) => (c.environment === 'prod' && WAVE[i] === 0 ? [i] : []));

/** Every Application of `clusters` using the watch (at least `min`) ran `tag` Synced and Healthy for `holdMs`. */
function ranFor(o: Observed, watch: number, clusters: readonly number[], tag: number, holdMs: number, min: number): boolean {
  const apps = clusters.flatMap((i) => o.apps.get(`${CLUSTERS[i]!.name}/${watch}`) ?? []);
  if (apps.length < min) return false;
  return apps.every((a) => a.images[0] === imageOf(watch, tag) && a.sync === 'Synced' && a.health === 'Healthy' && Date.parse(a.since) + holdMs <= o.now);
}

function checkSoak(o: Observed, watch: number, env: string, counts: Counts): void {
  const members = inEnv(env);
  const had = new Set(members.map((i) => o.before[watch]![i]));
  const entered = new Set(members.map((i) => o.after[watch]![i]!).filter((tag) => tag >= 0 && !had.has(tag)));
  for (const tag of entered) if (!ranFor(o, watch, inEnv(FROM[env]!), tag, SOAK, 1)) counts.soak += 1;
}

function checkWaves(o: Observed, watch: number, clock: WaveClock, counts: Counts): void {
  const w0 = PROD_W0.map((i) => o.after[watch]![i]!);
  if (w0.length > 0 && w0.every((t) => t === w0[0]) && !clock.has(`${watch}/${w0[0]}`)) clock.set(`${watch}/${w0[0]}`, o.now);
  const moved = new Set(inEnv('prod').filter((i) => WAVE[i] === 1 && o.after[watch]![i] !== o.before[watch]![i]).map((i) => o.after[watch]![i]!));
  for (const tag of moved) {
    const firstDone = PROD_W0.every((i) => o.before[watch]![i] === tag) && (clock.get(`${watch}/${tag}`) ?? Infinity) + PAUSE <= o.now;
    if (!firstDone || !ranFor(o, watch, PROD_W0, tag, PAUSE, 0)) counts.waves += 1;
  }
}

function checkVersions(o: Observed, watch: number, members: readonly number[], counts: Counts): void {
  if (new Set(members.map((i) => o.after[watch]![i])).size > 2) return void (counts.versions += 1);
  const was = [...new Set(members.map((i) => o.before[watch]![i]!))];
  if (was.length !== 2) return;
  const target = Math.max(...was);
  if (members.some((i) => o.after[watch]![i] !== o.before[watch]![i] && o.after[watch]![i] !== target)) counts.versions += 1;
}

export function check(o: Observed, clock: WaveClock, counts: Counts): void {
  for (let watch = 0; watch < WATCHES.length; watch++) {
    for (const env of GATED) {
      const members = inEnv(env);
      checkVersions(o, watch, members, counts);
      if (members.some((i) => o.after[watch]![i]! < 0)) counts.empty += 1;
      if (!o.known && members.some((i) => o.after[watch]![i] !== o.before[watch]![i])) counts.stale += 1;
      checkSoak(o, watch, env, counts);
    }
    checkWaves(o, watch, clock, counts);
    if (CLUSTERS.some((_, i) => o.after[watch]![i]! < o.before[watch]![i]!)) counts.downgrade += 1;
  }
}

/** Informational, not a rule: environments where the Applications run three or more versions at once (lagging syncs). */
export function runningVersions(apps: ReadonlyMap<string, ApplicationObservation>): number {
  let over = 0;
  for (let watch = 0; watch < WATCHES.length; watch++) {
    for (const env of GATED) {
      const seen = new Set(inEnv(env).flatMap((i) => apps.get(`${CLUSTERS[i]!.name}/${watch}`)?.images[0] ?? []));
      if (seen.size > 2) over += 1;
    }
  }
  return over;
}

/** Not a rule, a sign the versions rule was tested: (watch) steps where prod was mid-rollout while staging already served a newer reference. */
export function newerMidRollout(served: readonly (readonly number[])[]): number {
  let n = 0;
  for (let watch = 0; watch < WATCHES.length; watch++) {
    const prod = new Set(inEnv('prod').map((i) => served[watch]![i]!));
    if (prod.size === 2 && inEnv('staging').some((i) => served[watch]![i]! > Math.max(...prod))) n += 1;
  }
  return n;
}
