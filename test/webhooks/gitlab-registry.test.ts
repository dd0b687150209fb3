// GitLab's container registry is a CNCF Distribution registry and notifies the same way
// (gitlab.rb `registry['notifications']`). Here the real Distribution registry is that sender: its
// notification endpoint is `/api/v1/webhooks/gitlab` with the Authorization header, and the config
// names it by a GitLab host whose `url` is the loopback registry. Pushes → notifications → re-scans
// → getparams, with the events counted under the `gitlab` source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchService } from '../../bench/lib/webhook-service.ts';
import { TOKEN, WEBHOOK_SECRET } from '../generator/fixture.ts';
import { pushImage } from '../helpers/images.ts';
import { startRegistry } from '../helpers/registry.ts';
import { until } from '../helpers/until.ts';

test("GitLab registry notifications from a real Distribution registry move the parameter set", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'aip-gitlab-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = { token: join(dir, 'token'), webhookSecret: join(dir, 'webhook-secret') };
  writeFileSync(files.token, TOKEN);
  writeFileSync(files.webhookSecret, WEBHOOK_SECRET);
  const svc = await startBenchService(files);
  t.after(() => svc.close());
  const registry = await startRegistry({ notifications: { url: `${svc.base}/api/v1/webhooks/gitlab`, headers: { Authorization: [`Bearer ${WEBHOOK_SECRET}`] } } });
  t.after(() => registry.stop());
  // Configured before the first push: a refused notification would make the registry back off.
  await svc.attach(registry, 'registry.gitlab.example.com');
  for (const tag of ['1.0.0', '1.1.0']) {
    await pushImage(registry, 'acme/web', tag, { created: `2026-03-0${tag.length}T00:00:00Z`, label: tag });
    await until(async () => (await svc.tagNow()) === tag, { what: `getparams to answer ${tag}` });
  }
  const metrics = await svc.app.metrics.registry.metrics();
  assert.match(metrics, /webhook_events_total\{source="gitlab",outcome="rescan"\} [1-9]/);
  assert.doesNotMatch(metrics, /outcome="unverified"/);
});
