// End to end for ACR, Quay, Artifact Registry and GitLab events: a tag pushed to the real registry
// (test/webhooks/vendor-service.ts names it by the vendor's host), then the vendor's event for it →
// the real poller re-scans → getparams answers the new tag. A forged event (no secret, a wrong one)
// is refused first and moves nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WEBHOOK_SECRET } from '../generator/fixture.ts';
import { startVendorService } from './vendor-service.ts';
import { acrPush, gcrMessage, gitlabNotification, pubsubPush, quayPush } from './vendor-samples.ts';

interface Case {
  readonly source: string;
  readonly host: string;
  readonly body: (host: string, tag: string) => unknown;
  readonly signed: { path: string; headers: Record<string, string> };
  readonly forged: Array<{ path: string; headers: Record<string, string> }>;
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
const CASES: Case[] = [
  { source: 'acr', host: 'myregistry.azurecr.io', body: (h, tag) => acrPush(h, 'acme/web', tag), signed: { path: 'acr', headers: bearer(WEBHOOK_SECRET) }, forged: [{ path: 'acr', headers: {} }, { path: 'acr', headers: bearer('guess') }] },
  { source: 'quay', host: 'quay.io', body: (h, tag) => quayPush(`${h}/acme/web`, [tag]), signed: { path: `quay?secret=${WEBHOOK_SECRET}`, headers: {} }, forged: [{ path: 'quay', headers: {} }, { path: 'quay?secret=guess', headers: {} }] },
  { source: 'gar', host: 'europe-west1-docker.pkg.dev', body: (h, tag) => pubsubPush(gcrMessage(`${h}/acme/web`, tag)), signed: { path: `gar?secret=${WEBHOOK_SECRET}`, headers: {} }, forged: [{ path: 'gar', headers: {} }, { path: 'gar?secret=guess', headers: {} }] },
  { source: 'gitlab', host: 'registry.gitlab.example.com', body: (h, tag) => gitlabNotification(h, 'acme/web', tag), signed: { path: 'gitlab', headers: bearer(WEBHOOK_SECRET) }, forged: [{ path: 'gitlab', headers: {} }, { path: 'gitlab', headers: bearer('guess') }] },
];

for (const c of CASES) {
  test(`${c.source} end to end: push to the real registry, its event → the new tag in getparams; forged events refused`, async (t) => {
    const svc = await startVendorService(t, c.host);
    assert.equal(await svc.tagNow(), '1.0.0');
    await svc.push('1.1.0');
    const body = JSON.stringify(c.body(c.host, '1.1.0'));
    for (const f of c.forged) {
      const res = await svc.post(f.path, f.headers, body);
      assert.equal(res.status, 401, `${f.path} ${JSON.stringify(f.headers)}: ${res.text}`);
      assert.equal(res.json().code, 'WEBHOOK_UNVERIFIED');
    }
    assert.equal(await svc.tagNow(), '1.0.0', 'a refused event re-scans nothing');
    const res = await svc.post(c.signed.path, c.signed.headers, body);
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(res.json().rescanning, [`${c.host}/acme/web`]);
    await svc.until('1.1.0');
    const metrics = await svc.untilMetric(new RegExp(`push_to_resolved_seconds_count\\{source="${c.source}"\\} 1`));
    assert.match(metrics, new RegExp(`webhook_events_total\\{source="${c.source}",outcome="unverified"\\} ${c.forged.length}`));
  });
}
