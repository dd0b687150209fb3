// Safety rule "nothing moves while the Application data is unknown", through the running service and
// its real Application watcher: staging runs 1.1.0 healthy and prod waits only for an approval; the
// watch then expires (410 Gone) and the list that follows is held on the loopback API peer. An
// approval arriving in that window moves nothing: prod reads as stale until the list is back, then
// moves at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { request } from 'undici';
import { pushImage } from '../helpers/images.ts';
import { until } from '../helpers/until.ts';
import { serviceFolder } from '../helpers/service-folder.ts';
import { promotionConfig, startPromotionPeers } from '../helpers/promotion-peers.ts';
import { objectClientFor } from '../helpers/pull-secret.ts';

const TOKEN = 'promotion-expired-token-81c4';
const OPERATOR = 'promotion-expired-operator-3e9a';

async function ask<T>(url: string, path: string, token = TOKEN, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await request(`${url}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  return { status: res.statusCode, json: (await res.body.json()) as T };
}

async function prodCanary(url: string): Promise<string | undefined> {
  const { json } = await ask<{ output?: { parameters: { name: string; images: { web: { tag: string } } }[] } }>(url, '/api/v1/getparams.execute', TOKEN, { applicationSetName: 'web', input: {} });
  return json.output?.parameters.find((p) => p.name === 'prod-canary')?.images.web.tag;
}

async function prodState(url: string): Promise<string | undefined> {
  const { json } = await ask<{ promotion: { environment: string; state: string; reason?: string }[] }>(url, '/api/v1/images');
  const prod = json.promotion.find((p) => p.environment === 'prod');
  return prod && `${prod.state}${prod.state === 'stale' ? `: ${prod.reason}` : ''}`;
}

test('an approval while the Application watch is re-listing after a 410 moves nothing until the list is back', async (t) => {
  const peers = await startPromotionPeers(t);
  const { api, run } = peers;
  // The list is held on the peer for as long as the test needs, far beyond the default 5 s request bound.
  const kube = objectClientFor(api.url, api.token, 120_000);
  t.after(() => kube.close());
  const folder = await serviceFolder(t, { prefix: 'aip-promotion-expired-', token: TOKEN, objects: kube.objects });
  await writeFile(join(folder.dir, 'operator'), `${OPERATOR}\n`);
  const config = promotionConfig(peers, '1h');
  const environments = config.environments as { prod: { promotion: Record<string, unknown> } };
  environments.prod.promotion = { ...environments.prod.promotion, soak: '0s', requireApproval: true };
  await folder.writeConfig({ ...config, server: { tokenFile: join(folder.dir, 'token'), operatorTokens: [{ name: 'alice', tokenFile: join(folder.dir, 'operator') }], refreshApplicationSets: false } });
  const url = await folder.start();
  await until(async () => (await prodCanary(url)) === '1.0.0', { what: 'prod on 1.0.0' });

  await pushImage(peers.reg, 'acme/web', '1.1.0', { created: '2026-02-01T00:00:00Z', label: 'b' });
  await run('stg-1', '1.1.0');
  await until(async () => (await prodState(url)) === 'awaiting-approval', { what: 'prod waiting for an approval' });

  api.held.arm('watch', 'applications');
  api.objects.dropWatches();
  await until(() => api.held.waiting('watch', 'applications') === 1, { what: 'the watcher to come back' });
  api.objects.compact();
  api.held.arm('list', 'applications');
  api.held.release('watch', 'applications');
  await until(() => api.held.waiting('list', 'applications') === 1, { what: 'the list after the 410' });
  const stale = 'stale: nothing moves while the Application data is unknown: the Application watch in argocd expired (410 Gone); listing again';
  await until(async () => (await prodState(url)) === stale, { what: 'prod stale while the data is unknown' });

  const approved = await ask<unknown>(url, '/api/v1/operations/approve', OPERATOR, { watch: 'web', environment: 'prod', tag: '1.1.0', reason: 'staging looks good' });
  assert.equal(approved.status, 201, JSON.stringify(approved.json));
  assert.equal(await prodState(url), stale);
  assert.equal(await prodCanary(url), '1.0.0', 'the approval moved nothing while the Application data is unknown');

  api.held.release('list', 'applications');
  await until(async () => (await prodCanary(url)) === '1.1.0', { what: 'the canary wave on 1.1.0 once the list is back' });
});
