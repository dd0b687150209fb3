// A push webhook received by a follower names the manifest's digest; the follower's rescan request
// carries it through the API (src/ha/requests.ts) to the leader. The leader asks for the pushed tag
// with one GET by tag beside the tag list (src/poller/scan.ts); when the registry does not serve the
// tag yet (Distribution notifies before it writes the tag's link), it fetches the named digest's
// manifest and config instead of waiting. Shown with real `serve --ha` processes behind one gated
// proxy: the manifest is stored but untagged, the tag list is held until the config blob is asked
// for, and the tag is linked only then. And the request channel keeps only what is a tag and a
// digest from a ConfigMap anyone with write access could have filled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { createObjectClient } from '../../src/kube/objects.ts';
import { createTransport } from '../../src/kube/transport.ts';
import { createRequestChannel, MAX_REQUEST_DIGESTS, type RescanRequest } from '../../src/ha/requests.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { silentLogger } from '../generator/fixture.ts';
import { startGatedProxy } from '../helpers/gated-proxy.ts';
import { pushImage, tagManifest } from '../helpers/images.ts';
import { startKubeApi } from '../helpers/kube-api.ts';
import { startRegistry } from '../helpers/registry.ts';
import { until } from '../helpers/until.ts';
import { ask, pushEnvelope, startCluster, tagOf, WEBHOOK_SECRET } from './replicas.ts';

/** Bounds a hold the code under test fails to release; never reached when it behaves. */
const MAX_HOLD_MS = 20_000;

test("a follower hands the push's manifest digest to the leader, which fetches it while the registry does not serve the tag yet", async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const proxy = await startGatedProxy(reg.url);
  t.after(() => proxy.stop());
  const ids = ['r1', 'r2'];
  const cluster = await startCluster(t, reg, ids, { registryUrl: Object.fromEntries(ids.map((id) => [id, proxy.url])) });
  const leader = await until(() => cluster.leader() || undefined, { what: 'a leader' });
  await until(async () => (await Promise.all(cluster.replicas.map((r) => ask(r.url)))).every((a) => tagOf(a.text) === '1.0.0'), { what: 'both serve 1.0.0' });

  // The manifest stored, the tag's link not written yet: what a Distribution registry holds when it notifies.
  const stored = await pushImage(reg, 'acme/web', undefined, { created: '2026-01-02T00:00:00Z', label: 'b' });
  proxy.arm({ hold: /^GET \/v2\/acme\/web\/tags\/list/, until: new RegExp(`^GET /v2/acme/web/blobs/${stored.configDigest}$`), maxHoldMs: MAX_HOLD_MS, afterAwaited: () => tagManifest(reg, 'acme/web', stored.digest, '1.1.0') });
  const follower = cluster.replicas.find((r) => r.id !== leader)!;
  const hook = await request(`${follower.url}/api/v1/webhooks/distribution`, { method: 'POST', headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', authorization: `Bearer ${WEBHOOK_SECRET}` }, body: pushEnvelope(reg.host, 'acme/web', '1.1.0', stored) });
  assert.equal(hook.statusCode, 202, await hook.body.text());
  const released = await until(() => proxy.released[0], { what: 'the held tag list to go on' });
  assert.equal(released, 'awaited', `the config blob was asked for while the tag list was held; seen: ${proxy.seen.join(', ')}`);
  assert.ok(proxy.seen.includes(`GET /v2/acme/web/manifests/${stored.digest}`), 'the named digest was fetched');
  await until(async () => (await Promise.all(cluster.replicas.map((r) => ask(r.url)))).every((a) => tagOf(a.text) === '1.1.0'), { what: 'both serve 1.1.0' });
});

test('the request channel passes on [tag, digest] pairs that are a tag and a digest, at most MAX_REQUEST_DIGESTS, and drops the rest', async (t) => {
  const token = 'requests-token';
  const api = await startKubeApi(t, { tokens: { [token]: [{ verbs: ['*'], resources: ['*'] }] } });
  const transport = createTransport({ server: api.url, token: () => token, insecure: false }, 2000);
  t.after(() => transport.close());
  const objects = createObjectClient(transport);
  const channel = (identity: string) => createRequestChannel({ objects, namespace: 'ns', name: 'requests', identity, labels: {}, clock: systemClock, logger: silentLogger() });
  const received: RescanRequest[] = [];
  const abort = new AbortController();
  const receiving = channel('leader').receive((r) => received.push(r), abort.signal);
  t.after(async () => {
    abort.abort();
    await receiving;
  });

  const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;
  await channel('follower').send('reg/acme/web', 'webhook:distribution', ['1.1.0'], new Map([['1.1.0', digest(1)]]));
  const sent = await until(() => received[0], { what: 'the request' });
  assert.deepEqual(sent.digests, [['1.1.0', digest(1)]]);

  // A writer of the ConfigMap that is not a replica of this version: anything in `digests`.
  const junk = [['1.2.0', 'sha256:aa'], ['../x', digest(2)], ['1.3.0', '../../tags/list'], 'sha256:' + '0'.repeat(64), ['1.4.0', digest(4), 'extra'], ['1.5.0', digest(5)], ...Array.from({ length: 40 }, (_, i) => [`2.${i}.0`, digest(100 + i)])];
  await objects.patch('configmaps', 'ns', 'requests', { data: { other: JSON.stringify([{ id: 'x1', image: 'reg/acme/web', tags: ['1.5.0'], digests: junk, reason: 'r', at: Date.now() }, { id: 'x2', image: 'reg/acme/web', tags: ['1.6.0'], digests: { '1.6.0': digest(6) }, reason: 'r', at: Date.now() }]) } });
  const [first, second] = await until(() => (received.length >= 3 ? [received.find((r) => r.id === 'x1')!, received.find((r) => r.id === 'x2')!] : undefined), { what: 'the written requests' });
  assert.deepEqual(first!.digests, [['1.5.0', digest(5)], ...Array.from({ length: MAX_REQUEST_DIGESTS - 1 }, (_, i) => [`2.${i}.0`, digest(100 + i)])]);
  assert.equal(second!.digests, undefined, 'not a list of pairs: none');
  assert.deepEqual(second!.tags, ['1.6.0'], 'the request itself still stands');
});
