// Progressive delivery through the running service: a real registry, Applications on the loopback
// Kubernetes API peer (list + watch), and getparams answers per cluster. staging moves at once, prod
// waits for staging's Application to run the new tag Synced and Healthy for the soak, then moves
// wave by wave; a restart in the middle of the rollout resumes where it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { pushImage } from '../helpers/images.ts';
import { until } from '../helpers/until.ts';
import { serviceFolder } from '../helpers/service-folder.ts';
import { promotionConfig, startPromotionPeers } from '../helpers/promotion-peers.ts';

const TOKEN = 'promotion-test-token-5b2d';

async function tags(url: string): Promise<Record<string, string>> {
  const res = await request(`${url}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: '{"applicationSetName":"web","input":{}}' });
  const body = (await res.body.json()) as { output?: { parameters: { name: string; images: { web: { tag: string } } }[] } };
  return Object.fromEntries((body.output?.parameters ?? []).map((p) => [p.name, p.images.web.tag]));
}

async function promotionOf(url: string, environment: string): Promise<{ state: string; reason?: string } | undefined> {
  const res = await request(`${url}/api/v1/images`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = (await res.body.json()) as { promotion: { environment: string; state: string; reason?: string }[] };
  return body.promotion.find((p) => p.environment === environment);
}

/** Waits until `check` holds for the answer and returns it; the last answer is in the timeout message. */
async function answerWhen<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let last: T | undefined;
  const hit = await until(async () => {
    last = await read();
    return check(last) ? { value: last } : undefined;
  }, { what: () => `${what} (last answer: ${JSON.stringify(last)})` });
  return hit.value;
}

test('staging moves, prod waits for the gate, then moves wave by wave, and a restart resumes the rollout', async (t) => {
  const peers = await startPromotionPeers(t);
  const { reg, kube, run } = peers;
  const folder = await serviceFolder(t, { prefix: 'aip-promotion-', token: TOKEN, objects: kube.objects });
  await folder.writeConfig(promotionConfig(peers, '1s'));
  const start = (): Promise<string> => folder.start();
  let url = await start();
  await answerWhen('every cluster on 1.0.0', () => tags(url), (v) => Object.values(v).length === 3 && Object.values(v).every((tag) => tag === '1.0.0'));

  await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-02-01T00:00:00Z', label: 'b' });
  assert.deepEqual(await answerWhen('staging on 1.1.0', () => tags(url), (v) => v['stg-1'] === '1.1.0'), { 'stg-1': '1.1.0', 'prod-canary': '1.0.0', 'prod-1': '1.0.0' });
  await answerWhen('prod blocked on staging', () => promotionOf(url, 'prod'), (p) => p?.state === 'blocked' && /web-stg-1 \(cluster stg-1\) runs .*1\.0\.0, not 1\.1\.0/.test(p.reason ?? ''));
  await run('stg-1', '1.1.0', 'Degraded');
  await answerWhen('prod blocked on a Degraded staging', () => promotionOf(url, 'prod'), (p) => /is Synced\/Degraded since/.test(p?.reason ?? ''));
  assert.deepEqual(await tags(url), { 'stg-1': '1.1.0', 'prod-canary': '1.0.0', 'prod-1': '1.0.0' });
  await run('stg-1', '1.1.0');
  assert.deepEqual(await answerWhen('the canary wave on 1.1.0', () => tags(url), (v) => v['prod-canary'] === '1.1.0'), { 'stg-1': '1.1.0', 'prod-canary': '1.1.0', 'prod-1': '1.0.0' });

  await folder.stop();
  url = await start();
  assert.deepEqual(await answerWhen('answers after the restart', () => tags(url), (v) => Object.keys(v).length === 3), { 'stg-1': '1.1.0', 'prod-canary': '1.1.0', 'prod-1': '1.0.0' }, 'the rollout resumes where it was');
  await run('prod-canary', '1.1.0');
  assert.deepEqual(await answerWhen('the second wave on 1.1.0', () => tags(url), (v) => v['prod-1'] === '1.1.0'), { 'stg-1': '1.1.0', 'prod-canary': '1.1.0', 'prod-1': '1.1.0' });
  assert.equal((await promotionOf(url, 'prod'))?.state, 'idle');
});
