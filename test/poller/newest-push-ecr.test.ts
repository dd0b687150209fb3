// newestPush on ECR through the service's scan: DescribeImages (AWS SDK at the loopback AWS peer,
// IRSA through STS) is the listing, the real Distribution registry (counted by the spec peer in front
// of it) is read only for the chosen image's manifest and config. Cold: ⌈images / 1000⌉ pages + 2
// registry requests; warm: the pages and nothing else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { startProtocolRegistry, type ProtocolRegistry } from '../helpers/protocol-registry.ts';
import { startAwsPeer, type AwsPeer } from '../helpers/aws-peer.ts';
import { irsaEnvironment } from '../helpers/aws-env.ts';
import type { PeerTag } from '../helpers/push-api-peer.ts';
import { parseConfig } from '../../src/config/parse.ts';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import { createClientPool } from '../../src/poller/clients.ts';
import { planRepositories } from '../../src/poller/plan.ts';
import { scanRepository } from '../../src/poller/scan.ts';
import { createLogger } from '../../src/shared/log.ts';
import { systemClock } from '../../src/shared/clock.ts';

const quiet = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const ROLE = 'arn:aws:iam::123456789012:role/argocd-image-plugins';
const s: { reg?: TestRegistry; oci?: ProtocolRegistry; aws?: AwsPeer; clean?: () => Promise<void>; old?: string; fresh?: string } = {};

before(async () => {
  s.reg = await startRegistry();
  s.oci = await startProtocolRegistry({ upstream: s.reg.url });
  const token = 'eyJ.irsa.' + randomUUID();
  s.aws = await startAwsPeer({ webIdentity: { token, roleArn: ROLE }, login: () => ({ username: 'AWS', password: 'unused' }) });
  s.clean = await irsaEnvironment(s.aws.url, token, ROLE);
  // by created time `old` is the newest build, but `fresh` was pushed last
  s.old = (await pushImage(s.reg, 'team/app', 'old', { created: '2026-03-01T00:00:00Z' })).digest;
  s.fresh = (await pushImage(s.reg, 'team/app', 'fresh', { created: '2026-01-01T00:00:00Z' })).digest;
});
after(async () => {
  await s.aws?.stop();
  await s.oci?.stop();
  await s.reg?.stop();
  await s.clean?.();
});

/** 1,000 tags on 1,000 images (only `old` and `fresh` exist in the registry; the others are never read). */
function images(): PeerTag[] {
  const base = Date.UTC(2026, 5, 1);
  const tags: PeerTag[] = Array.from({ length: 998 }, (_, i) => ({ tag: `build-${i}`, digest: `sha256:${(i + 1).toString(16).padStart(64, '0')}`, pushedAt: new Date(base + i * 1000).toISOString() }));
  return [...tags, { tag: 'old', digest: s.old!, pushedAt: new Date(base + 999_000).toISOString() }, { tag: 'fresh', digest: s.fresh!, pushedAt: '2026-07-01T12:00:00.000Z' }];
}

test('ECR: newestPush picks the tag pushed last; cold 1 DescribeImages page + 2 registry requests, warm the page only', async (t) => {
  s.aws!.setImages('team/app', images());
  const parsed = parseConfig({ registries: [{ host: HOST, url: s.oci!.url, insecure: true, auth: { ecr: {} }, timeoutSeconds: 60 }], watches: [{ name: 'app', image: `${HOST}/team/app`, policy: { newestPush: {} } }] });
  assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed.issues));
  const cache = createResolutionCache();
  const metadata = createMetadataStore();
  const pool = createClientPool(parsed.config, { logger: quiet, clock: systemClock });
  t.after(() => pool.close());
  const [plan] = planRepositories(parsed.config);
  const scan = () => scanRepository({ client: pool.clientFor(plan!.registry), cache, metadata, clock: systemClock, logger: quiet, explain: true }, plan!);
  const pages = () => s.aws!.ecr().filter((c) => c.target.endsWith('.DescribeImages')).length;
  s.oci!.resetCounts();

  const cold = await scan();
  const target = cold.targets[0]!;
  assert.equal(target.error, undefined, JSON.stringify(target.error));
  assert.deepEqual([target.resolution?.tag, target.resolution?.digest, target.resolution?.pushedAt], ['fresh', s.fresh, '2026-07-01T12:00:00.000Z']);
  assert.equal(pages(), 1, '⌈1000 / 1000⌉ DescribeImages pages');
  assert.equal(s.oci!.count({ method: 'GET', path: /tags\/list/ }), 0, 'no tags list: DescribeImages is the listing');
  assert.equal(s.oci!.count(), 2, 'the manifest and config of the chosen image');

  s.oci!.resetCounts();
  const warm = await scan();
  assert.equal(warm.targets[0]?.resolution?.tag, 'fresh');
  assert.equal(pages(), 2, 'one more page');
  assert.equal(s.oci!.count(), 0, 'nothing per tag once the digest and its details are known');
});
