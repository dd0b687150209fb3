// The state's shard ConfigMaps against the Role: the Role names every shard the leader may write
// (HA_STATE_MAX_SHARDS as the Deployment sets it, else the default), and a state that would need
// more is refused before anything is written, so the last good state stays whole in the API
// (a half-written one would leave every reader that starts later without a consistent state).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createObjectClient } from '../../src/kube/objects.ts';
import { createTransport } from '../../src/kube/transport.ts';
import { createStateStore, type StateStore } from '../../src/ha/state-store.ts';
import { MAX_SHARDS_DEFAULT, SHARD_BYTES } from '../../src/ha/state-codec.ts';
import { haSettingsFrom } from '../../src/ha/settings.ts';
import { silentLogger } from '../generator/fixture.ts';
import { startKubeApi, type KubeApiPeer } from '../helpers/kube-api.ts';
import { build, find, MANIFESTS } from '../manifests/kustomize.ts';
import { roleOfManifests, roleRules } from './role.ts';

const NAME = 'argocd-image-plugins-state';
/** State bytes per watch and environment, as bench/ha-scale.ts measured them (docs/reliability.md). */
const BYTES_PER_WATCH_ENVIRONMENT = 0.9 * 1024;
/** The size docs/install.md promises to fit: the scale benchmark's 10 000 watches in one environment. */
const DOCUMENTED_WATCH_ENVIRONMENTS = 10_000;

interface Container { env?: Array<{ name: string; value?: string }> }

/** HA_STATE_MAX_SHARDS as the shipped Deployment leaves it, read by the product's own settings parser. */
async function shippedMaxShards(): Promise<number> {
  const deployment = find(await build(MANIFESTS), 'Deployment', 'argocd-image-plugins') as unknown as { spec: { template: { spec: { containers: Container[] } } } };
  const env = Object.fromEntries(deployment.spec.template.spec.containers.flatMap((c) => c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
  return haSettingsFrom({ ...env, POD_NAME: 'p', POD_NAMESPACE: 'argocd' }).stateMaxShards ?? MAX_SHARDS_DEFAULT;
}

test('the Role names every shard the leader may write, and those hold the documented size with margin', async () => {
  const max = await shippedMaxShards();
  const rules = await roleOfManifests();
  const named = (verb: string): string[] => rules.filter((r) => r.resources.includes('configmaps') && r.verbs.includes(verb)).flatMap((r) => r.resourceNames ?? []);
  for (let i = 0; i < max; i++) {
    for (const verb of ['get', 'update', 'delete']) assert.ok(named(verb).includes(`${NAME}-${i}`), `the Role lets the service ${verb} ${NAME}-${i}`);
  }
  assert.ok(max * SHARD_BYTES >= 1.5 * DOCUMENTED_WATCH_ENVIRONMENTS * BYTES_PER_WATCH_ENVIRONMENT, `${max} shards of ${SHARD_BYTES} bytes hold ${DOCUMENTED_WATCH_ENVIRONMENTS} watch-environment pairs with half again as margin`);
});

test('HA_STATE_MAX_SHARDS is a whole number from 1 to 256', () => {
  const env = { POD_NAME: 'p', POD_NAMESPACE: 'argocd' };
  assert.equal(haSettingsFrom(env).stateMaxShards, MAX_SHARDS_DEFAULT);
  assert.equal(haSettingsFrom({ ...env, HA_STATE_MAX_SHARDS: '24' }).stateMaxShards, 24);
  for (const bad of ['0', '257', '1.5', '-1', 'ten', ' 8']) {
    assert.throws(() => haSettingsFrom({ ...env, HA_STATE_MAX_SHARDS: bad }), (err: Error & { code?: string }) => err.code === 'REPLICAS_SETTINGS_INVALID' && err.message.includes('HA_STATE_MAX_SHARDS'), bad);
  }
});

function store(t: TestContext, api: KubeApiPeer, leading: boolean): StateStore {
  const transport = createTransport({ server: api.url, token: () => 'sa', insecure: false }, 2000);
  t.after(() => transport.close());
  return createStateStore({ objects: createObjectClient(transport), namespace: 'argocd', name: NAME, labels: {}, logger: silentLogger(), isLeader: () => leading, shardBytes: 100 });
}

/** A state text of exactly `bytes` bytes: with 100-byte shards, `bytes / 100` shards. */
const text = (bytes: number, fill = 'x'): string => JSON.stringify({ pad: fill.repeat(bytes - 10) });

test('with exactly the Role, a state needing one shard more than allowed is refused before any write; the last good state survives', async (t) => {
  const api = await startKubeApi(t, { tokens: { sa: await roleRules() } });
  const leader = store(t, api, true);
  const full = text(100 * MAX_SHARDS_DEFAULT);
  assert.equal(await leader.publish(full), 1, 'the largest allowed state is written');
  assert.deepEqual(api.requests.filter((r) => r.endsWith(' 403')), [], 'the Role allows every shard written');
  const writes = api.writes.length;

  await assert.rejects(leader.publish(text(100 * MAX_SHARDS_DEFAULT + 1, 'y')), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'REPLICAS_STATE_TOO_LARGE');
    assert.match(err.message, new RegExp(`needs ${MAX_SHARDS_DEFAULT + 1} shard ConfigMaps but HA_STATE_MAX_SHARDS allows ${MAX_SHARDS_DEFAULT}`));
    assert.match(err.message, new RegExp(`${NAME}-${MAX_SHARDS_DEFAULT}\\b.*Role`));
    return true;
  });
  assert.equal(api.writes.length, writes, 'nothing was written');
  const later = store(t, api, false);
  assert.deepEqual(await later.read(), { revision: 1, text: full }, 'a replica starting now reads the last good state whole');

  assert.equal(await leader.publish(text(150)), 2, 'a state that fits again is published');
  assert.deepEqual(api.requests.filter((r) => r.endsWith(' 403')), []);
});
