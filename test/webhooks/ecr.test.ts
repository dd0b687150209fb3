// Amazon ECR push events as EventBridge delivers them through an API destination. The sample is
// the "Event for a completed image push" of the ECR user guide
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html); the secret is the
// API key header of the destination's connection (X-Webhook-Secret).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseConfig, startFixture, WEBHOOK_SECRET } from '../generator/fixture.ts';
import { send } from '../generator/socket.ts';
import { startVendorService } from './vendor-service.ts';

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';

/** The documented sample, with the repository and tag a test needs. */
function ecrPush(repository = 'my-repository-name', tag = 'latest', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0', id: '13cde686-328b-6117-af20-0e5566167482', 'detail-type': 'ECR Image Action', source: 'aws.ecr',
    account: '123456789012', time: '2019-11-16T01:54:34Z', region: 'us-west-2', resources: [],
    detail: { result: 'SUCCESS', 'repository-name': repository, 'image-digest': 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234', 'action-type': 'PUSH', 'image-tag': tag },
    ...extra,
  };
}

function config(dir: string): Record<string, unknown> {
  const base = baseConfig(dir);
  return { ...base, watches: [...(base.watches as unknown[]), { name: 'ecr', image: `${HOST}/my-repository-name`, policy: { semver: { range: '>=1.0.0' } } }] };
}

const secret = { 'content-type': 'application/json', 'x-webhook-secret': WEBHOOK_SECRET };

test('ECR: the documented push event re-scans the image it names, with the API key header as proof', async (t) => {
  const fx = await startFixture(t, { config });
  const post = (headers: Record<string, string>, body: unknown) => send(fx.app, { method: 'POST', url: '/api/v1/webhooks/ecr', headers, payload: JSON.stringify(body) });
  const ok = await post(secret, ecrPush());
  assert.equal(ok.status, 202, ok.text);
  assert.deepEqual(ok.json().rescanning, [`${HOST}/my-repository-name`]);
  assert.equal((await post({ 'content-type': 'application/json' }, ecrPush())).status, 401);
  assert.equal((await post({ 'content-type': 'application/json', 'x-webhook-secret': `${WEBHOOK_SECRET}x` }, ecrPush())).status, 401);
  assert.equal((await post({ 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_SECRET}` }, ecrPush())).status, 401, 'only the API key header counts');
  // China regions live under amazonaws.com.cn; nobody watches that one, so it is accepted and ignored.
  assert.deepEqual((await post(secret, ecrPush('my-repository-name', 'latest', { region: 'cn-north-1' }))).json(), { rescanning: [], ignored: 1 });
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(fx.rescans, [`${HOST}/my-repository-name webhook:ecr`]);
});

test('ECR: other ECR events, failed pushes and untagged pushes are accepted and change nothing; bad names are 400', async (t) => {
  const fx = await startFixture(t, { config });
  const post = (body: unknown) => send(fx.app, { method: 'POST', url: '/api/v1/webhooks/ecr', headers: secret, payload: JSON.stringify(body) });
  const quiet = [
    { ...ecrPush(), 'detail-type': 'ECR Image Scan' },
    { ...ecrPush(), detail: { ...(ecrPush().detail as object), result: 'FAILURE' } },
    { ...ecrPush(), detail: { ...(ecrPush().detail as object), 'image-tag': '' } },
    { ...ecrPush(), detail: { ...(ecrPush().detail as object), 'action-type': 'TAG' } },
  ];
  for (const body of quiet) {
    const res = await post(body);
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(res.json(), { rescanning: [], ignored: 0 });
  }
  const bad: Array<[unknown, RegExp]> = [
    [{ ...ecrPush(), source: 'aws.s3' }, /aws\.ecr/],
    [{ detail: ecrPush().detail }, /EventBridge event/],
    [{ ...ecrPush(), account: '12345' }, /12-digit/],
    [{ ...ecrPush(), region: 'us-west-2/../x' }, /region/],
    [ecrPush('Team/Web'), /not an image reference/],
    [ecrPush('web', 'bad tag'), /not an image reference|not a valid tag/],
    [{ ...ecrPush(), detail: { ...(ecrPush().detail as object), 'repository-name': 7 } }, /repository-name/],
  ];
  for (const [body, reason] of bad) {
    const res = await post(body);
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json().code, 'WEBHOOK_INVALID');
    assert.match(res.json().message as string, reason);
  }
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(fx.rescans, []);
});

test('ECR end to end: a push to the real registry, then its event → the new tag in getparams; a forged event is refused', async (t) => {
  const svc = await startVendorService(t, HOST);
  assert.equal(await svc.tagNow(), '1.0.0');
  await svc.push('1.1.0');
  const body = JSON.stringify(ecrPush('acme/web', '1.1.0'));
  const forged = await svc.post('ecr', { 'x-webhook-secret': 'guessed' }, body);
  assert.equal(forged.status, 401);
  assert.equal(forged.json().code, 'WEBHOOK_UNVERIFIED');
  assert.equal((await svc.post('ecr', {}, body)).status, 401);
  assert.equal(await svc.tagNow(), '1.0.0', 'a refused event re-scans nothing');
  const res = await svc.post('ecr', { 'x-webhook-secret': WEBHOOK_SECRET }, body);
  assert.equal(res.status, 202, res.text);
  await svc.until('1.1.0');
  // The latency is recorded once the re-scan's promise settles, which may be just after getparams moved.
  const metrics = await svc.untilMetric(/push_to_resolved_seconds_count\{source="ecr"\} 1/);
  assert.match(metrics, /webhook_events_total\{source="ecr",outcome="unverified"\} 2/);
});
