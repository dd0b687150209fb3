// The promotion engine's states reach /metrics: a move blocked at the promotion gate counts as
// blocked, a rollout waiting in its pause counts as pending, each with its promotion_state series.
// The running service, a real registry, Applications on the loopback Kubernetes API peer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { serviceFolder } from '../helpers/service-folder.ts';
import { promotionConfig, startPromotionPeers } from '../helpers/promotion-peers.ts';
import { pushImage } from '../helpers/images.ts';
import { until } from '../helpers/until.ts';

async function metricsUntil(url: string, what: string, pattern: RegExp): Promise<string> {
  let text = '';
  await until(async () => {
    text = await (await request(`${url}/metrics`)).body.text();
    return pattern.test(text);
  }, { what: () => `${what}: ${text.split('\n').filter((l) => l.includes('promotion_')).join('\n')}` });
  return text;
}

test('/metrics counts a blocked move and a pending one, with the per environment state', async (t) => {
  const peers = await startPromotionPeers(t);
  const { reg, kube, run } = peers;
  const folder = await serviceFolder(t, { prefix: 'aip-promotion-metrics-', token: 'promotion-metrics-token-1c9e', objects: kube.objects });
  await folder.writeConfig(promotionConfig(peers, '1h'));
  const url = await folder.start();
  await metricsUntil(url, 'nothing waits on 1.0.0', /promotion_moves\{state="pending"\} 0\n[\s\S]*promotion_moves\{state="blocked"\} 0/);

  await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-02-01T00:00:00Z', label: 'b' });
  // staging serves 1.1.0 but its Application still runs 1.0.0: prod is blocked at the gate.
  const blocked = await metricsUntil(url, 'one blocked move', /promotion_moves\{state="blocked"\} 1/);
  assert.match(blocked, /promotion_moves\{state="pending"\} 0/);
  assert.match(blocked, /promotion_state\{watch="web",environment="prod",state="blocked"\} 1/);

  await run('stg-1', '1.1.0');
  // The canary wave opens and the second wave waits out its pause: one pending move, none blocked.
  const pending = await metricsUntil(url, 'one pending move', /promotion_moves\{state="pending"\} 1/);
  assert.match(pending, /promotion_moves\{state="blocked"\} 0/);
  assert.match(pending, /promotion_state\{watch="web",environment="prod",state="(rolling|waiting)"\} 1/);
  assert.doesNotMatch(pending, /state="blocked"\} 1/);
});
