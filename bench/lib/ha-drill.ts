// What every several-replica drill starts from: a real registry holding acme/web:1.0.0, three
// `serve --ha` replicas (test/ha/replicas.ts) on the loopback API peer, all answering 1.0.0; and
// the cleanups, run in reverse order when the drill is over.
import { pushImage } from '../../test/helpers/images.ts';
import { startRegistry, type TestRegistry } from '../../test/helpers/registry.ts';
import { ask, startCluster, tagOf, type Cluster } from '../../test/ha/replicas.ts';
import { until } from '../../test/helpers/until.ts';

export interface Drill {
  readonly reg: TestRegistry;
  readonly cluster: Cluster;
  /** Runs at `finish`, last registered first. */
  onFinish(fn: () => unknown): void;
  finish(): Promise<void>;
}

export async function startDrill(): Promise<Drill> {
  const cleanups: Array<() => unknown> = [];
  const onFinish = (fn: () => unknown): void => void cleanups.push(fn);
  const reg = await startRegistry();
  onFinish(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'v0' });
  const cluster = await startCluster({ after: onFinish }, reg, ['r1', 'r2', 'r3']);
  const live = (): typeof cluster.replicas => cluster.replicas.filter((r) => !r.exited);
  await until(async () => (await Promise.all(live().map((r) => ask(r.url)))).every((a) => tagOf(a.text) === '1.0.0'), { what: 'first answers', deadlineMs: 60_000 });
  return {
    reg,
    cluster,
    onFinish,
    async finish() {
      for (const fn of cleanups.reverse()) await fn();
    },
  };
}

/** The value below which a fraction `q` of `list` lies (nearest rank). */
export function quantile(list: readonly number[], q: number): number {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
