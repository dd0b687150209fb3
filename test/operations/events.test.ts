// Kubernetes Events (events.k8s.io/v1) on the ApplicationSets that use a watch, written with the
// service account's Role built from manifests/ (the loopback API peer enforces exactly its rules):
// a hold taken through the operations API records one Held Event on the ApplicationSet; a repeated
// event becomes a series (count), not a second object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { stringify } from 'yaml';
import { createKubeClient } from '../../src/kube/client.ts';
import { createEventRecorder } from '../../src/kube/events/recorder.ts';
import { mustParse, baseConfig, silentLogger } from '../generator/fixture.ts';
import { startService } from '../../src/service/start.ts';
import { manualClock } from '../../src/shared/clock.ts';
import { pushImage } from '../helpers/images.ts';
import { startKubeApi, type Rule } from '../helpers/kube-api.ts';
import { startRegistry } from '../helpers/registry.ts';

import { build, find, MANIFESTS } from '../manifests/kustomize.ts';
import { until } from '../helpers/until.ts';

interface RoleRule { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }

async function roleRules(): Promise<Rule[]> {
  const role = find(await build(MANIFESTS), 'Role', 'argocd-image-plugins') as unknown as { rules: RoleRule[] };
  return role.rules.map((r) => ({ verbs: r.verbs, resources: r.resources, namespaces: ['argocd'], ...(r.resourceNames && { names: r.resourceNames }) }));
}

const appSet = (name: string) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name, namespace: 'argocd', uid: `uid-${name}` }, spec: { generators: [{ plugin: { configMapRef: { name: 'argocd-image-plugins' }, input: { parameters: { images: ['web'] } } } }], template: { spec: {} } } });

test('a hold records one Held Event on each ApplicationSet that uses the watch, with the Role from manifests/', async (t) => {
  const api = await startKubeApi(t, { tokens: { sa: await roleRules() } });
  api.put('applicationsets', 'argocd', appSet('web-apps'));
  api.put('applicationsets', 'argocd', { ...appSet('other'), spec: { generators: [{ plugin: { configMapRef: { name: 'argocd-image-plugins' }, input: { parameters: { images: ['api'] } } } }], template: { spec: {} } } });
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const dir = await mkdtemp(join(tmpdir(), 'aip-ops-events-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'token'), 'gen-token-1');
  await writeFile(join(dir, 'op'), 'op-token-1');
  await writeFile(join(dir, 'config.yaml'), stringify({
    server: { tokenFile: join(dir, 'token'), operatorTokens: [{ name: 'dana', tokenFile: join(dir, 'op') }], refreshApplicationSets: true },
    polling: { intervalSeconds: 3600 },
    cache: { path: join(dir, 'cache.json') },
    registries: [{ host: reg.host, url: reg.url, insecure: true }],
    watches: [{ name: 'web', image: `${reg.host}/acme/web`, policy: { semver: { range: '^1' } } }, { name: 'api', image: `${reg.host}/acme/api`, policy: { semver: { range: '^1' } } }],
    clusters: { static: [{ name: 'edge', server: 'https://edge.example:6443' }] },
  }));
  const service = await startService({ configPath: join(dir, 'config.yaml'), listen: { host: '127.0.0.1', port: 0 }, logger: silentLogger(), connectKube: () => createKubeClient({ server: api.url, token: () => 'sa', insecure: false }) });
  // The service writes its cache as it closes: its folder is removed only after that.
  t.after(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });
  await until(async () => {
    const res = await request(`${service.url}/api/v1/images`, { headers: { authorization: 'Bearer gen-token-1' } });
    const body = (await res.body.json()) as { images: { watch: string; tag: string | null }[] };
    return body.images.find((i) => i.watch === 'web')?.tag === '1.0.0' ? true : undefined;
  }, { what: 'web to resolve' });
  const res = await request(`${service.url}/api/v1/operations/hold`, { method: 'POST', headers: { authorization: 'Bearer op-token-1', 'content-type': 'application/json' }, body: JSON.stringify({ watch: 'web', reason: 'INC-5 freeze' }) });
  assert.equal(res.statusCode, 201, await res.body.text());
  const events = await until(async () => (api.events.list('argocd').some((e) => e.reason === 'Held') ? api.events.list('argocd') : undefined), { what: 'the Held Event' });
  const held = events.filter((e) => e.reason === 'Held');
  assert.equal(held.length, 1, 'one Event, on the ApplicationSet that uses web only');
  const e = held[0]!;
  assert.deepEqual(e.regarding, { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', namespace: 'argocd', name: 'web-apps', uid: 'uid-web-apps' });
  assert.equal(e.type, 'Normal');
  assert.equal(e.action, 'Hold');
  assert.equal(e.reportingController, 'argoproj.io/argocd-image-plugins');
  assert.match(String(e.note), /^web\/default held at 1\.0\.0 by dana: INC-5 freeze$/);
  assert.ok(!api.requests.some((r) => / events 403$/.test(r)), 'the Role allows what the service does');
});

test('a repeat of the same event within the series window is the same Event with a count; the Role allows the patch', async (t) => {
  const api = await startKubeApi(t, { tokens: { sa: await roleRules() } });
  api.put('applicationsets', 'argocd', appSet('web-apps'));
  const kube = createKubeClient({ server: api.url, token: () => 'sa', insecure: false });
  t.after(() => kube.close());
  const clock = manualClock(Date.UTC(2026, 10, 30, 14));
  const config = mustParse(baseConfig('/s'));
  const recorder = createEventRecorder({ kube, config: () => config, configMapName: 'argocd-image-plugins', clock, logger: silentLogger(), instance: 'pod-1' });
  const blocked = { reason: 'Blocked' as const, watch: 'web', environment: 'prod', note: 'web/prod waits: staging/web-staging is Degraded since 14:00' };
  recorder.emit(blocked);
  clock.advance(60_000);
  recorder.emit(blocked);
  recorder.emit({ ...blocked, note: 'web/prod waits: staging/web-staging is OutOfSync' });
  await recorder.idle();
  const events = api.events.list('argocd');
  assert.equal(events.length, 2, 'the repeat is a series; a different note is a new Event');
  assert.deepEqual((events[0]!.series as { count: number }).count, 2);
  assert.equal(events[0]!.type, 'Warning');
  clock.advance(7 * 60_000);
  recorder.emit(blocked);
  await recorder.idle();
  assert.equal(api.events.list('argocd').length, 3, 'after the series window a new Event starts');
});
