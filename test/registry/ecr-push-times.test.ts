// ECR push times end to end at the registry client: the AWS SDK's DescribeImages against the loopback
// AWS peer (IRSA through STS, as a pod would), one request per page of at most 1000 images, each
// tag with its image's `imagePushedAt` and digest; the same SDK session as the login.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { RegistryAuth } from '../../src/config/types.ts';
import { startAwsPeer, type AwsPeer } from '../helpers/aws-peer.ts';
import { irsaEnvironment } from '../helpers/aws-env.ts';
import type { PeerTag } from '../helpers/push-api-peer.ts';
import { registryConfig, testClient } from './support.ts';

const ROLE = 'arn:aws:iam::123456789012:role/argocd-image-plugins';
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const ECR: RegistryAuth = { kind: 'ecr', region: 'eu-west-1', public: false, registryId: '123456789012' };
// the first call loads parts of the SDK's credential chain; the tests are about pages, not deadlines
const DEADLINE_MS = 60_000;

let peer: AwsPeer;
let cleanEnv: () => Promise<void>;
before(async () => {
  const token = 'eyJ.irsa.' + randomUUID();
  peer = await startAwsPeer({ webIdentity: { token, roleArn: ROLE }, login: () => ({ username: 'AWS', password: 'unused' }) });
  cleanEnv = await irsaEnvironment(peer.url, token, ROLE);
});
after(async () => {
  await peer.stop();
  await cleanEnv();
});

const digest = (i: number): string => `sha256:${i.toString(16).padStart(64, '0')}`;
/** `n` images of one tag each, pushed a minute apart, the tag names shuffled against the push order. */
function tags(n: number): PeerTag[] {
  return Array.from({ length: n }, (_, i) => ({ tag: `v${(i * 7919) % n}`, digest: digest(i + 1), pushedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString() }));
}

function ecrClient(overrides = {}) {
  return testClient(registryConfig('http://127.0.0.1:9', { host: HOST, auth: ECR, timeoutMs: DEADLINE_MS, ...overrides })).client;
}

const describeCalls = (from: number) => peer.ecr().slice(from).filter((c) => c.target.endsWith('.DescribeImages'));

test('2,500 images cost 3 DescribeImages pages of 1000, each tag with its push time and digest', async (t) => {
  const all = tags(2500);
  peer.setImages('team/app', all);
  const start = peer.ecr().length;
  const stsStart = peer.sts().length;
  const client = ecrClient();
  t.after(() => client.close());
  const listing = await client.listPushTimes!('team/app');
  const calls = describeCalls(start);
  assert.equal(calls.length, 3, 'one request per page: ⌈2500 / 1000⌉');
  assert.equal(peer.ecr().length - start, 3, 'nothing else was asked of ECR');
  assert.equal(peer.sts().length - stsStart, 1, 'one web identity exchange for the session');
  assert.deepEqual(calls.map((c) => [c.region, c.request?.repositoryName, c.request?.maxResults, c.request?.registryId]), Array(3).fill(['eu-west-1', 'team/app', 1000, '123456789012']));
  assert.deepEqual(calls[0]?.request?.filter, { tagStatus: 'TAGGED' });
  assert.equal(calls[0]?.request?.nextToken, undefined);
  assert.ok(typeof calls[1]?.request?.nextToken === 'string' && calls[2]?.request?.nextToken !== calls[1]?.request?.nextToken);
  assert.equal(listing.complete, true);
  assert.equal(listing.pages, 3);
  assert.equal(listing.tags.length, 2500);
  for (const want of all) assert.deepEqual(listing.pushed?.get(want.tag), { tag: want.tag, pushedAt: want.pushedAt, digest: want.digest }, want.tag);
});

test('a tag moved onto an image already pushed carries that image\'s push time (imagePushedAt is per image)', async (t) => {
  peer.setImages('team/moved', [
    { tag: 'a', digest: digest(1), pushedAt: '2026-02-01T00:00:00.000Z' },
    { tag: 'b', digest: digest(2), pushedAt: '2026-03-01T00:00:00.000Z' },
    { tag: 'c', digest: digest(1), pushedAt: '2026-04-01T00:00:00.000Z' },
  ]);
  const client = ecrClient();
  t.after(() => client.close());
  const listing = await client.listPushTimes!('team/moved');
  assert.deepEqual([...listing.pushed!.values()].map((p) => [p.tag, p.pushedAt]).sort(), [['a', '2026-02-01T00:00:00.000Z'], ['b', '2026-03-01T00:00:00.000Z'], ['c', '2026-02-01T00:00:00.000Z']]);
});

test('a page cap leaves the listing incomplete after exactly maxPages requests', async (t) => {
  peer.setImages('team/big', tags(2500));
  const start = peer.ecr().length;
  const client = ecrClient({ maxPages: 2 });
  t.after(() => client.close());
  const listing = await client.listPushTimes!('team/big');
  assert.equal(describeCalls(start).length, 2);
  assert.equal(listing.complete, false);
  assert.equal(listing.tags.length, 2000);
});

test('each page takes a slot of the registry budget: a spent budget defers the listing (REG_BUDGET_EXHAUSTED)', async (t) => {
  peer.setImages('team/budget', tags(2500));
  const start = peer.ecr().length;
  const client = ecrClient({ requestBudget: 2 });
  t.after(() => client.close());
  await assert.rejects(client.listPushTimes!('team/budget'), (e: { code: string }) => e.code === 'REG_BUDGET_EXHAUSTED');
  assert.equal(describeCalls(start).length, 2);
});

test('a repository ECR does not know is REG_NOT_FOUND naming DescribeImages and the AWS error', async (t) => {
  const client = ecrClient();
  t.after(() => client.close());
  await assert.rejects(client.listPushTimes!('team/absent'), (e: { code: string; message: string }) => e.code === 'REG_NOT_FOUND' && /DescribeImages failed: RepositoryNotFoundException/.test(e.message));
});

test('every DescribeImages request the SDK sends is one the budget counted: a throttled page is not retried behind its back', async (t) => {
  peer.setImages('team/throttled', tags(3));
  const client = ecrClient();
  t.after(() => client.close());
  await client.listPushTimes!('team/throttled');
  const start = peer.ecr().length;
  const used = client.stats().budgetLeft;
  peer.throttleDescribeImages(1);
  await assert.rejects(client.listPushTimes!('team/throttled'), (err: unknown) => (err as { code?: string }).code === 'REG_RATE_LIMITED');
  assert.equal(describeCalls(start).length, 1, 'one request sent, no SDK retry');
  assert.equal(used - client.stats().budgetLeft, 1, 'and it took one request of the budget');
  // the poller's next attempt is the retry, again through the budget
  const listing = await client.listPushTimes!('team/throttled');
  assert.equal(listing.tags.length, 3);
  assert.equal(describeCalls(start).length, 2);
  assert.equal(used - client.stats().budgetLeft, 2);
});
