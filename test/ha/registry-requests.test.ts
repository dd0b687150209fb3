// Three replicas ask the registry exactly what one replica asks: the leader polls as a single
// replica does, cycle for cycle, and the followers never contact the registry. Each process talks
// to the real registry through its own counting proxy, so every request is attributed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.ts';
import { pushImage } from '../helpers/images.ts';
import { startRegistry } from '../helpers/registry.ts';
import { ask, startCluster, tagOf } from './replicas.ts';
import { cyclesAfter, sorted } from './request-count.ts';
import { until } from '../helpers/until.ts';

test('with three replicas the registry gets the requests of one: the leader polls as one replica does, the followers never', async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-01-02T00:00:00Z', label: 'b' });
  const proxy = async (): Promise<CountingProxy> => {
    const p = await startCountingProxy(reg.url);
    t.after(() => p.stop());
    return p;
  };

  // Three whole cycles once a replica serves the newest tag: what it asks in steady state.
  const steadyCycles = async (url: string, seen: readonly string[], what: string): Promise<string[]> => {
    await until(async () => tagOf((await ask(url)).text) === '1.1.0', { what: `${what} serving 1.1.0` });
    const mark = seen.length;
    return until(() => cyclesAfter(seen, mark, 3), { what: `three cycles of ${what}` });
  };

  // One replica (plain `serve`, its state in its file), polling every second.
  const soloProxy = await proxy();
  const solo = await startCluster(t, reg, ['solo'], { single: true, intervalSeconds: 1, registryUrl: { solo: soloProxy.url } });
  const one = await steadyCycles(solo.replicas[0]!.url, soloProxy.seen, 'one replica');
  solo.replicas[0]!.child.kill('SIGKILL');
  await solo.replicas[0]!.child;

  // Three replicas, same config.
  const ids = ['r1', 'r2', 'r3'];
  const proxies = Object.fromEntries(await Promise.all(ids.map(async (id) => [id, await proxy()] as const)));
  const cluster = await startCluster(t, reg, ids, { intervalSeconds: 1, registryUrl: Object.fromEntries(ids.map((id) => [id, proxies[id]!.url])) });
  const leader = await until(() => cluster.leader() || undefined, { what: 'a leader' });
  const leaderUrl = cluster.replicas.find((r) => r.id === leader)!.url;
  const three = await steadyCycles(leaderUrl, proxies[leader]!.seen, 'the leader');

  t.diagnostic(`requests per 3 cycles: one replica ${one.length}, three replicas ${three.length}`);
  assert.deepEqual(sorted(three), sorted(one), 'the leader asks what one replica asks, cycle for cycle');
  assert.equal(cluster.leader(), leader, 'one leader all along');
  for (const id of ids.filter((i) => i !== leader)) assert.deepEqual(proxies[id]!.seen, [], `follower ${id} never contacted the registry`);
});
