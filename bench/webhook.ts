// Push-to-parameter-set latency of an Amazon ECR event (EventBridge "ECR Image Action", as an API
// destination delivers it) against the baseline in the same run: the Distribution registry's own
// push notification. Each round pushes a new tag to each of two real registries, then times from the
// end of the push until getparams answers that tag. For ECR the bench sends the event itself (the
// time EventBridge takes to deliver is outside this service and not measured); the Distribution
// registry sends its notification on its own. Also printed: the service's own arrival → re-scan
// done figure (push_to_resolved_seconds) per source.
//   node bench/webhook.ts [--rounds N]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { TOKEN, WEBHOOK_SECRET } from '../test/generator/fixture.ts';
import { pushImage } from '../test/helpers/images.ts';
import { startRegistry, type TestRegistry } from '../test/helpers/registry.ts';
import { startBenchService, type BenchService } from './lib/webhook-service.ts';
import { until } from '../test/helpers/until.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } });
const rounds = Number(values.rounds);
const ECR_HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';

function quantile(list: number[], q: number): number {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** Polls every 2 ms: the time to the first answer with `tag` is the figure measured. */
async function untilTag(svc: BenchService, tag: string): Promise<void> {
  await until(async () => (await svc.tagNow()) === tag, { what: `${tag} to be served`, deadlineMs: 15_000, everyMs: 2 });
}

function ecrEvent(tag: string): string {
  return JSON.stringify({
    version: '0', id: `bench-${tag}`, 'detail-type': 'ECR Image Action', source: 'aws.ecr', account: '123456789012', time: new Date().toISOString(), region: 'us-west-2', resources: [],
    detail: { result: 'SUCCESS', 'repository-name': 'acme/web', 'image-digest': `sha256:${'0'.repeat(64)}`, 'action-type': 'PUSH', 'image-tag': tag },
  });
}

async function rescanSeconds(svc: BenchService, source: string): Promise<number> {
  const text = await svc.app.metrics.registry.metrics();
  const sum = Number(new RegExp(`push_to_resolved_seconds_sum\\{source="${source}"\\} ([0-9.e-]+)`).exec(text)?.[1]);
  const count = Number(new RegExp(`push_to_resolved_seconds_count\\{source="${source}"\\} ([0-9]+)`).exec(text)?.[1]);
  return sum / count;
}

const dir = mkdtempSync(join(tmpdir(), 'aip-bench-webhook-'));
const files = { token: join(dir, 'token'), webhookSecret: join(dir, 'webhook-secret') };
writeFileSync(files.token, TOKEN);
writeFileSync(files.webhookSecret, WEBHOOK_SECRET);
const cleanups: Array<() => Promise<void>> = [];
try {
  const dist = await startBenchService(files);
  cleanups.push(() => dist.close());
  const distReg: TestRegistry = await startRegistry({ notifications: { url: `${dist.base}/api/v1/webhooks/distribution`, headers: { Authorization: [`Bearer ${WEBHOOK_SECRET}`] } } });
  cleanups.push(() => distReg.stop());
  const ecr = await startBenchService(files);
  cleanups.push(() => ecr.close());
  const ecrReg = await startRegistry();
  cleanups.push(() => ecrReg.stop());
  // The Distribution service is configured before the first push: a notification answered 403 (no
  // config yet) makes the registry's sink back off and hold later events behind it.
  await dist.attach(distReg, distReg.host);
  await pushImage(distReg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'v0' });
  await untilTag(dist, '1.0.0');
  await pushImage(ecrReg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'v0' });
  await ecr.attach(ecrReg, ECR_HOST);

  const times: Record<'distribution' | 'ecr', number[]> = { distribution: [], ecr: [] };
  for (let i = 1; i <= rounds; i++) {
    const tag = `1.${i}.0`;
    // Alternate which kind goes first, so neither always meets a busier machine.
    for (const kind of i % 2 === 0 ? (['ecr', 'distribution'] as const) : (['distribution', 'ecr'] as const)) {
      const reg = kind === 'ecr' ? ecrReg : distReg;
      const svc = kind === 'ecr' ? ecr : dist;
      await pushImage(reg, 'acme/web', tag, { created: `2026-02-${String(i % 28 + 1).padStart(2, '0')}T00:00:00Z`, label: `${kind}-${i}` });
      const pushed = performance.now();
      if (kind === 'ecr') {
        const res = await request(`${ecr.base}/api/v1/webhooks/ecr`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-webhook-secret': WEBHOOK_SECRET }, body: ecrEvent(tag) });
        await res.body.dump();
        if (res.statusCode !== 202) throw new Error(`ECR event answered ${res.statusCode}`);
      }
      await untilTag(svc, tag).catch(async (err: unknown) => {
        const m = (await svc.app.metrics.registry.metrics()).split('\n').filter((l) => l.includes('webhook_events') || l.includes('push_to_resolved_seconds_count')).join('\n');
        throw new Error(`${kind}: ${String(err)}\n${m}\n${reg.log().split('\n').filter((l) => /notif|sink|retr|error/i.test(l)).slice(-15).join('\n')}`);
      });
      times[kind].push(performance.now() - pushed);
    }
  }
  const line = (kind: 'distribution' | 'ecr') => `median ${quantile(times[kind], 0.5).toFixed(1)} ms, p95 ${quantile(times[kind], 0.95).toFixed(1)} ms`;
  console.log(`rounds: ${rounds}`);
  console.log(`push done → new tag in getparams, distribution notification (baseline): ${line('distribution')}`);
  console.log(`push done → new tag in getparams, ECR EventBridge event:               ${line('ecr')}`);
  console.log(`ratio ECR / distribution (median): ${(quantile(times.ecr, 0.5) / quantile(times.distribution, 0.5)).toFixed(2)}`);
  const [d, e] = [await rescanSeconds(dist, 'distribution'), await rescanSeconds(ecr, 'ecr')];
  console.log(`event arrival → re-scan done (push_to_resolved_seconds mean): distribution ${(d * 1000).toFixed(1)} ms, ecr ${(e * 1000).toFixed(1)} ms, ratio ${(e / d).toFixed(2)}`);
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
