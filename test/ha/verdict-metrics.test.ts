// `serve --ha`: the leader's poller verifies signatures through the replica's own gate, so its
// verdicts are counted in signature_verdicts_total as with one replica. A real process against the
// loopback API peer and the real registry; the image is unsigned, so its verdict is "refused".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { makeKeyPair } from '../helpers/cosign.ts';
import { pushImage } from '../helpers/images.ts';
import { startRegistry } from '../helpers/registry.ts';
import { until } from '../helpers/until.ts';
import { startCluster } from './replicas.ts';

async function verdicts(url: string): Promise<Record<string, number>> {
  const res = await request(`${url}/metrics`);
  const text = await res.body.text();
  return Object.fromEntries([...text.matchAll(/^argocd_image_plugins_signature_verdicts_total\{verdict="(\w+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

test('serve --ha: the leader counts its signature verdicts; a follower, which never verifies, counts none', async (t) => {
  const keys = await mkdtemp(join(tmpdir(), 'aip-ha-keys-'));
  t.after(() => rm(keys, { recursive: true, force: true }));
  const key = makeKeyPair(keys, 'release');
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'unsigned' });
  const verify = { cosign: { publicKeys: [{ file: key.publicKey }] } };
  const cluster = await startCluster(t, reg, ['r1', 'r2'], { config: { watches: [{ name: 'web', image: `${reg.host}/acme/web`, policy: { semver: { range: '^1.0.0' } }, verify }] } });
  // The first published state holds the scan, and the scan reached its verdict before it was recorded.
  await until(() => cluster.api.objects.get('configmaps', 'argocd', 'argocd-image-plugins-state') !== undefined, { what: 'the first state published', deadlineMs: 60_000 });
  const leader = cluster.replicas.find((r) => r.id === cluster.leader())!;
  const follower = cluster.replicas.find((r) => r.id !== cluster.leader())!;
  const counted = await verdicts(leader.url);
  assert.ok((counted.refused ?? 0) >= 1, `the leader counts the unsigned image's verdict: ${JSON.stringify(counted)}`);
  assert.equal((await verdicts(follower.url)).refused ?? 0, 0);
});
