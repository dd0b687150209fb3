// A gate that opens moves the next wave, end to end: a real `serve` process, a real registry, the
// Applications and an ApplicationSet using the watch on the loopback Kubernetes API peer. When the
// canary wave's Application runs the new reference Synced and Healthy (status.summary.images), the
// second wave's parameter set carries it after the pause, and the service writes the ApplicationSet's
// refresh annotation for that move. Events are awaited under a deadline; nothing is timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { stringify } from 'yaml';
import { REFRESH_ANNOTATION } from '../../src/kube/refresh/refresher.ts';
import { pushImage } from '../helpers/images.ts';
import { peerKubeconfig, promotionConfig, startPromotionPeers, type PromotionPeers } from '../helpers/promotion-peers.ts';
import { startServe, stopServe, type ServeProcess } from '../helpers/serve-process.ts';
import { until } from '../helpers/until.ts';

const TOKEN = 'gate-opens-generator-3c9a';
const APPSET = { metadata: { name: 'web' }, spec: { generators: [{ plugin: { configMapRef: { name: 'argocd-image-plugins' }, input: { parameters: { images: ['web'] } } } }] } };

async function tags(url: string): Promise<Record<string, string>> {
  const res = await request(`${url}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: '{"applicationSetName":"web","input":{}}' });
  const body = (await res.body.json()) as { output?: { parameters: { name: string; images: { web: { tag: string } } }[] } };
  return Object.fromEntries((body.output?.parameters ?? []).map((p) => [p.name, p.images.web.tag]));
}

async function prod(url: string): Promise<{ state: string; wave?: number; reason?: string } | undefined> {
  const res = await request(`${url}/api/v1/images`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return ((await res.body.json()) as { promotion: { environment: string; state: string; wave?: number; reason?: string }[] }).promotion.find((p) => p.environment === 'prod');
}

/** Waits until getparams answers `expected` for every cluster; the last answer is in the timeout message. */
async function answers(url: string, expected: Record<string, string>, what: string): Promise<void> {
  let last: Record<string, string> = {};
  await until(async () => {
    last = await tags(url);
    return JSON.stringify(last) === JSON.stringify(expected) || undefined;
  }, { what: () => `${what} (last answer: ${JSON.stringify(last)})`, deadlineMs: 60_000 });
}

const refreshed = (peers: PromotionPeers): boolean => peers.api.get('applicationsets', 'argocd', 'web')?.metadata.annotations?.[REFRESH_ANNOTATION] === 'true';
const refreshPatches = (peers: PromotionPeers): number => peers.api.started.filter((s) => s.verb === 'patch' && s.resource === 'applicationsets').length;

async function startGateService(t: Parameters<typeof startPromotionPeers>[0], peers: PromotionPeers): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aip-gate-opens-'));
  const running: { serve?: ServeProcess } = {};
  // The service writes its cache as it stops: the folder goes only after that.
  t.after(async () => {
    if (running.serve) await stopServe(running.serve);
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(join(dir, 'token'), TOKEN);
  await writeFile(join(dir, 'kubeconfig'), peerKubeconfig(peers.api));
  const server = { tokenFile: join(dir, 'token'), refreshApplicationSets: true };
  await writeFile(join(dir, 'config.yaml'), stringify({ ...promotionConfig(peers, '1s'), server, cache: { path: join(dir, 'cache.json') } }));
  running.serve = await startServe(join(dir, 'config.yaml'), { KUBECONFIG: join(dir, 'kubeconfig') });
  return running.serve.url;
}

test('the canary wave turning Synced and Healthy on the new image moves the second wave and refreshes the ApplicationSet', async (t) => {
  const peers = await startPromotionPeers(t);
  peers.api.put('applicationsets', 'argocd', APPSET);
  const url = await startGateService(t, peers);
  await answers(url, { 'prod-1': '1.0.0', 'prod-canary': '1.0.0', 'stg-1': '1.0.0' }, 'every cluster on 1.0.0');

  await pushImage(peers.reg, 'acme/web', '1.1.0', { created: '2026-02-01T00:00:00Z', label: 'b' });
  await answers(url, { 'prod-1': '1.0.0', 'prod-canary': '1.0.0', 'stg-1': '1.1.0' }, 'staging on 1.1.0');
  await peers.run('stg-1', '1.1.0');
  await answers(url, { 'prod-1': '1.0.0', 'prod-canary': '1.1.0', 'stg-1': '1.1.0' }, 'the canary wave on 1.1.0');
  // The second wave's gate stays closed while the canary's Application runs the old image.
  await until(async () => /wave 1: Application argocd\/web-prod-canary \(cluster prod-canary\) runs .*1\.0\.0, not 1\.1\.0/.test((await prod(url))?.reason ?? '') || undefined, { what: 'wave 2 blocked on the canary', deadlineMs: 60_000 });
  await until(() => refreshed(peers) || undefined, { what: 'the refresh for the canary move', deadlineMs: 60_000 });
  peers.api.put('applicationsets', 'argocd', APPSET);
  const patchesBefore = refreshPatches(peers);
  assert.deepEqual(await tags(url), { 'prod-1': '1.0.0', 'prod-canary': '1.1.0', 'stg-1': '1.1.0' }, 'wave 2 keeps 1.0.0 while its gate is closed');

  await peers.run('prod-canary', '1.1.0');
  await answers(url, { 'prod-1': '1.1.0', 'prod-canary': '1.1.0', 'stg-1': '1.1.0' }, 'the second wave on 1.1.0');
  await until(() => (refreshed(peers) && refreshPatches(peers) > patchesBefore) || undefined, { what: 'the ApplicationSet refresh annotation for the second wave', deadlineMs: 60_000 });
  assert.equal((await prod(url))?.state, 'idle');
});
