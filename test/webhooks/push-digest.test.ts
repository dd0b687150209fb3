// A Distribution push notification names the manifest's digest (`target.digest`) next to the tag.
// The service hands it to the re-scan as a hint (poller/scan.ts fetches that manifest beside the
// tag's HEAD); here the real registry is the sender, and a made-up event shows that a digest which
// is not one is dropped while its tag still goes on. The poller is a recorder of re-scan requests.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { RescanOptions, RescanResult } from '../../src/poller/types.ts';
import { baseConfig, mustParse, startFixture, WEBHOOK_SECRET } from '../generator/fixture.ts';
import { listenOnce, send } from '../generator/socket.ts';
import { pushImage } from '../helpers/images.ts';
import { startRegistry } from '../helpers/registry.ts';
import { until } from '../helpers/until.ts';

interface Recorded {
  readonly image: string;
  readonly options: RescanOptions | undefined;
}

async function recordingService(t: TestContext) {
  const rescans: Recorded[] = [];
  const poller = {
    isReady: () => true,
    rescan: async (image: string, _reason: string, options?: RescanOptions): Promise<RescanResult> => {
      rescans.push({ image, options });
      return { image, changed: [] };
    },
  };
  const fx = await startFixture(t, { poller });
  return { fx, rescans, base: await listenOnce(fx.app) };
}

test("the real registry's push notification: the tag and its manifest digest go to the re-scan", async (t) => {
  const { fx, rescans, base } = await recordingService(t);
  const reg = await startRegistry({ notifications: { url: `${base}/api/v1/webhooks/distribution`, headers: { Authorization: [`Bearer ${WEBHOOK_SECRET}`] } } });
  t.after(() => reg.stop());
  fx.setConfig(mustParse(baseConfig(fx.dir, { registries: [{ host: reg.host, url: reg.url, insecure: true }], watches: [{ name: 'web', image: `${reg.host}/acme/web`, policy: { semver: { range: '>=1.0.0' } } }] })));
  const pushed = await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-01-02T00:00:00Z', label: 'b' });
  const got = await until(() => rescans.find((r) => r.options?.tags?.includes('1.1.0')), { what: 'the re-scan the notification asks for' });
  assert.equal(got.image, `${reg.host}/acme/web`);
  assert.deepEqual([...(got.options?.digests ?? [])], [['1.1.0', pushed.digest]]);
});

test('a target.digest that is not a digest is dropped; the tag still goes to the re-scan', async (t) => {
  const { fx, rescans } = await recordingService(t);
  const events = [
    { action: 'push', target: { repository: 'acme/web', tag: '1.5.0', digest: 'sha256:aa' }, request: { host: '127.0.0.1:5999' } },
    { action: 'push', target: { repository: 'acme/web', tag: '1.6.0', digest: '../../tags/list' }, request: { host: '127.0.0.1:5999' } },
    { action: 'push', target: { repository: 'acme/web', tag: '1.7.0', digest: { sha256: 'x' } }, request: { host: '127.0.0.1:5999' } },
  ];
  const res = await send(fx.app, { method: 'POST', url: '/api/v1/webhooks/distribution', headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_SECRET}` }, payload: JSON.stringify({ events }) });
  assert.equal(res.status, 202, res.text);
  const got = await until(() => rescans[0], { what: 'the re-scan' });
  assert.deepEqual(got.options?.tags, ['1.5.0', '1.6.0', '1.7.0']);
  assert.equal(got.options?.digests, undefined);
});
