// The client against the protocol peer (test/helpers/protocol-registry.ts), a pass-through in front of the
// real Distribution 2.8 that implements the OCI distribution-spec tag pagination Distribution 2.8 lacks
// (`n`/`last`, `Link: <…>; rel="next"`) and injects the faults real registries produce.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { seedStandard, type SeedEntry } from '../helpers/images.ts';
import { startProtocolRegistry, type ProtocolRegistryOptions, type ProtocolRegistry } from '../helpers/protocol-registry.ts';
import { registryConfig, startSink, testClient } from './support.ts';
import type { RegistryConfig } from '../../src/config/types.ts';

let reg: TestRegistry;
let seed: SeedEntry[];
let appTags: string[];

before(async () => {
  reg = await startRegistry();
  seed = await seedStandard(reg);
  appTags = seed.filter((s) => s.repo === 'test/app').map((s) => s.tag).sort();
});
after(() => reg.stop());

async function peer(t: TestContext, options: Partial<ProtocolRegistryOptions> = {}, config: Partial<RegistryConfig> = {}, extra: Parameters<typeof testClient>[1] = {}) {
  const proxy = await startProtocolRegistry({ upstream: reg.url, ...options });
  const made = testClient(registryConfig(proxy.url, config), extra);
  t.after(async () => {
    await made.client.close();
    await proxy.stop();
  });
  return { proxy, ...made };
}

const tagPages = (p: ProtocolRegistry): number => p.count({ method: 'GET', path: /\/tags\/list$/ });
const truth = (repo: string, tag: string): SeedEntry => seed.find((s) => s.repo === repo && s.tag === tag) ?? assert.fail(`${repo}:${tag}`);

test('follows relative next links to the last page', async (t) => {
  const { client, proxy } = await peer(t, { pageSize: 3 });
  const listing = await client.listTags('test/app');
  assert.deepEqual(listing, { tags: appTags, pages: 4, complete: true });
  assert.equal(tagPages(proxy), 4);
});

test('follows absolute same-origin next links', async (t) => {
  const { client } = await peer(t, { pageSize: 4, links: 'absolute' });
  const listing = await client.listTags('test/app');
  assert.deepEqual([...listing.tags].sort(), appTags);
  assert.equal(listing.pages, 3);
  assert.equal(listing.complete, true);
});

test('reads a GHCR-like oldest-first listing to the end: the newest tag is on the last page', async (t) => {
  const { client } = await peer(t, { pageSize: 3, order: 'oldest-first' });
  const listing = await client.listTags('test/app');
  assert.equal(listing.complete, true);
  assert.equal(listing.tags.at(-1), 'sha-3f2a9c1', 'newest created comes last');
  assert.deepEqual([...listing.tags].sort(), appTags);
});

test('refuses a next link to another origin: listing marked incomplete, the other origin receives nothing', async (t) => {
  const sink = await startSink();
  t.after(() => sink.stop());
  const { client, proxy, logs } = await peer(t, { pageSize: 3, linkOrigin: sink.url });
  const listing = await client.listTags('test/app');
  assert.equal(listing.complete, false);
  assert.equal(listing.pages, 1);
  assert.deepEqual(listing.tags, appTags.slice(0, 3));
  assert.equal(sink.hits(), 0);
  assert.equal(tagPages(proxy), 1);
  assert.ok(logs.records().some((r) => r.level === 40 && r.msg === 'tags list next link refused, listing is incomplete'));
});

test('stops at maxPages and reports the listing incomplete', async (t) => {
  const { client, proxy, logs } = await peer(t, { pageSize: 3 }, { maxPages: 2 });
  const listing = await client.listTags('test/app');
  assert.deepEqual(listing, { tags: appTags.slice(0, 6), pages: 2, complete: false });
  assert.equal(tagPages(proxy), 2);
  assert.ok(logs.records().some((r) => r.msg === 'tags list page cap reached, listing is incomplete' && r.maxPages === 2));
});

test('429 with Retry-After seconds: waits what the registry asked, then succeeds', async (t) => {
  const { client, proxy, sleep } = await peer(t);
  proxy.addFault({ method: 'HEAD', path: '/v2/test/app/manifests/', times: 1, fault: { kind: 'status', status: 429, retryAfter: '2' } });
  assert.equal((await client.headManifest('test/app', 'latest')).digest, truth('test/app', 'latest').digest);
  assert.deepEqual(sleep.calls, [2_000]);
  assert.equal(proxy.count({ method: 'HEAD' }), 2);
  assert.deepEqual(client.stats().requestsByStatus, { '200': 1, '429': 1 });
});

test('429 with an HTTP-date Retry-After, and without one (jittered backoff)', async (t) => {
  const { client, proxy, sleep } = await peer(t);
  proxy.addFault({ path: '/v2/test/app/tags/list', times: 1, fault: { kind: 'status', status: 429, retryAfter: new Date(Date.now() + 5_000).toUTCString() } });
  proxy.addFault({ path: '/v2/test/app/tags/list', times: 1, fault: { kind: 'status', status: 429 } });
  await client.listTags('test/app');
  assert.equal(sleep.calls.length, 2);
  assert.ok((sleep.calls[0] ?? 0) > 3_000 && (sleep.calls[0] ?? 0) <= 5_000, `date-based wait ${sleep.calls[0]}`);
  assert.equal(sleep.calls[1], 10, 'second attempt: random 0.5 × base 10 × 2');
});

test('429 that outlasts the retries, or asks for a wait longer than the cap, is REG_RATE_LIMITED', async (t) => {
  const { client, proxy } = await peer(t, {}, {}, { retry: { maxAttempts: 3 } });
  proxy.addFault({ path: '/v2/test/app/tags/list', fault: { kind: 'status', status: 429, retryAfter: '1' } });
  await assert.rejects(client.listTags('test/app'), (e: { code: string; details: Record<string, unknown> }) => e.code === 'REG_RATE_LIMITED' && e.details.attempts === 3 && e.details.status === 429);
  assert.equal(tagPages(proxy), 3);
  proxy.clearFaults();
  proxy.resetCounts();
  proxy.addFault({ path: '/v2/test/app/tags/list', fault: { kind: 'status', status: 429, retryAfter: '3600' } });
  await assert.rejects(client.listTags('test/app'), (e: { code: string; details: Record<string, unknown> }) => e.code === 'REG_RATE_LIMITED' && e.details.retryAfterMs === 3_600_000);
  assert.equal(tagPages(proxy), 1, 'an hour is not waited out inside a poll');
});

test('503 twice, then success', async (t) => {
  const { client, proxy, sleep } = await peer(t);
  proxy.addFault({ method: 'GET', path: '/v2/test/multi/manifests/', times: 2, fault: { kind: 'status', status: 503 } });
  const details = await client.describeImage('test/multi', truth('test/multi', '1.0.0').digest);
  assert.equal(details.platforms.length, 2);
  assert.equal(sleep.calls.length, 2);
  assert.equal(client.stats().requestsByStatus['503'], 2);
});

test('500 forever is REG_UNAVAILABLE after bounded attempts', async (t) => {
  const { client, proxy } = await peer(t);
  proxy.addFault({ fault: { kind: 'status', status: 500 } });
  await assert.rejects(client.headManifest('test/app', 'latest'), (e: { code: string; details: Record<string, unknown> }) => {
    assert.equal(e.code, 'REG_UNAVAILABLE');
    assert.equal(e.details.status, 500);
    assert.equal(e.details.attempts, 4);
    assert.equal(e.details.repository, 'test/app');
    return true;
  });
  assert.equal(proxy.count(), 4);
});

test('a dropped connection is retried', async (t) => {
  const { client, proxy } = await peer(t);
  proxy.addFault({ path: '/v2/test/app/tags/list', times: 1, fault: { kind: 'drop' } });
  assert.equal((await client.listTags('test/app')).tags.length, appTags.length);
  assert.equal(client.stats().requestsByStatus.error, 1);
});

test('truncated JSON is REG_PROTOCOL, not retried', async (t) => {
  const { client, proxy } = await peer(t);
  proxy.addFault({ path: '/v2/test/app/tags/list', times: 1, fault: { kind: 'truncate' } });
  await assert.rejects(client.listTags('test/app'), { code: 'REG_PROTOCOL' });
  assert.equal(tagPages(proxy), 1);
  proxy.addFault({ method: 'GET', path: '/v2/test/app/blobs/', times: 1, fault: { kind: 'truncate' } });
  await assert.rejects(client.describeImage('test/app', truth('test/app', 'latest').digest), { code: 'REG_PROTOCOL' });
});

test('a body that does not match Docker-Content-Digest is REG_PROTOCOL', async (t) => {
  const { client, proxy } = await peer(t);
  const wrong = 'sha256:' + 'f'.repeat(64);
  proxy.addFault({ method: 'GET', path: '/v2/test/app/manifests/', fault: { kind: 'digest', value: wrong } });
  await assert.rejects(client.describeImage('test/app', truth('test/app', '1.2.3').digest), (e: { code: string; details: Record<string, unknown> }) => e.code === 'REG_PROTOCOL' && e.details.claimed === wrong);
  proxy.addFault({ method: 'HEAD', path: '/v2/test/app/manifests/', fault: { kind: 'digest', value: wrong } });
  await assert.rejects(client.headManifest('test/app', truth('test/app', '1.2.3').digest), { code: 'REG_PROTOCOL' });
});

test('describeTag: one manifest GET by tag; the digest is the hash of the bytes, checked against Docker-Content-Digest', async (t) => {
  const { client, proxy } = await peer(t);
  for (const [repo, tag] of [['test/app', '1.2.3'], ['test/docker-multi', '1.0.0']] as const) {
    const [byTag, byDigest] = [await client.describeTag!(repo, tag), await client.describeImage(repo, truth(repo, tag).digest)];
    assert.deepEqual(byTag, byDigest, `${repo}:${tag} read by tag as by its digest`);
  }
  assert.equal(proxy.count({ method: 'HEAD' }), 0);
  proxy.addFault({ path: '/v2/test/app/manifests/1.2.3', times: 1, fault: { kind: 'no-digest' } });
  assert.equal((await client.describeTag!('test/app', '1.2.3')).digest, truth('test/app', '1.2.3').digest, 'without the header: the sha256 of the body');
  const wrong = 'sha256:' + 'f'.repeat(64);
  proxy.addFault({ method: 'GET', path: '/v2/test/app/manifests/1.2.3', fault: { kind: 'digest', value: wrong } });
  await assert.rejects(client.describeTag!('test/app', '1.2.3'), (e: { code: string; details: Record<string, unknown> }) => e.code === 'REG_PROTOCOL' && e.details.claimed === wrong);
  await assert.rejects(client.describeTag!('test/app', truth('test/app', '1.2.3').digest), { code: 'REG_INVALID_REFERENCE' });
});

test('a HEAD without Docker-Content-Digest falls back to GET and the sha256 of the body', async (t) => {
  const { client, proxy } = await peer(t);
  proxy.addFault({ path: '/v2/', fault: { kind: 'no-digest' } });
  for (const [repo, tag] of [['test/app', '1.2.3'], ['test/docker-multi', '1.0.0']] as const) {
    const head = await client.headManifest(repo, tag);
    assert.equal(head.digest, truth(repo, tag).digest);
    assert.equal(head.mediaType, truth(repo, tag).mediaType);
  }
  assert.equal(proxy.count({ method: 'HEAD' }), 2);
  assert.equal(proxy.count({ method: 'GET' }), 2);
});

test('a wrong Content-Type on HEAD is not trusted: the body decides the media type', async (t) => {
  const { client, proxy } = await peer(t);
  proxy.addFault({ path: '/v2/test/multi/manifests/', fault: { kind: 'content-type', value: 'text/plain' } });
  const head = await client.headManifest('test/multi', 'latest');
  assert.deepEqual(head, { digest: truth('test/multi', 'latest').digest, mediaType: truth('test/multi', 'latest').mediaType });
});

test('a body that stalls past timeoutMs is REG_TIMEOUT', async (t) => {
  // 1.5 s: long enough for the unfaulted requests before it on a busy machine, far below the stall
  const { client, proxy } = await peer(t, {}, { timeoutMs: 1500 });
  proxy.addFault({ path: '/v2/test/app/tags/list', fault: { kind: 'slow-body', delayMs: 10_000 } });
  await assert.rejects(client.listTags('test/app'), (e: { code: string; details: Record<string, unknown> }) => e.code === 'REG_TIMEOUT' && e.details.timeoutMs === 1500);
  assert.equal(tagPages(proxy), 1, 'a timeout is not retried inside the poll');
});

test('the request budget stops a cycle with REG_BUDGET_EXHAUSTED; resetBudget starts a new one', async (t) => {
  const { client, proxy } = await peer(t, { pageSize: 3 }, { requestBudget: 3 });
  await assert.rejects(client.listTags('test/app'), (e: { code: string; details: Record<string, unknown> }) => e.code === 'REG_BUDGET_EXHAUSTED' && e.details.host === proxy.host);
  assert.equal(tagPages(proxy), 3, 'nothing sent past the budget');
  assert.equal(client.stats().budgetLeft, 0);
  client.resetBudget();
  assert.equal(client.stats().budgetLeft, 3);
  assert.equal((await client.headManifest('test/app', 'latest')).digest, truth('test/app', 'latest').digest);
  assert.equal(client.stats().budgetLeft, 2);
});

test('bodies larger than the limits are REG_TOO_LARGE', async (t) => {
  const { client } = await peer(t, {}, { maxTagListBytes: 64 }, { limits: { manifestBytes: 64 } });
  await assert.rejects(client.listTags('test/app'), (e: { code: string; details: Record<string, unknown> }) => e.code === 'REG_TOO_LARGE' && e.details.limitBytes === 64);
  await assert.rejects(client.describeImage('test/app', truth('test/app', 'latest').digest), { code: 'REG_TOO_LARGE' });
});

test('never more than maxConcurrency requests in flight to one registry', async (t) => {
  const { client, proxy } = await peer(t, {}, { maxConcurrency: 2 });
  proxy.addFault({ path: '/v2/test/app/tags/list', fault: { kind: 'slow-body', delayMs: 100 } });
  const listings = await Promise.all(Array.from({ length: 6 }, () => client.listTags('test/app')));
  assert.ok(listings.every((l) => l.tags.length === appTags.length));
  assert.equal(tagPages(proxy), 6);
  assert.equal(proxy.maxInFlight(), 2);
});
