// A running service (startService, in-process) over the real registry on loopback, configured the
// way the status page is meant to be used: a viewer token, an Argo CD proxy secret, three watches
// (one held in prod, one with a prerelease channel in staging, one built for amd64 only) and three
// clusters (prod on amd64 and on arm64, staging). Polls every second so pushes show up at once.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import { startService, type ServiceHandle } from '../../src/service/start.ts';
import { silentLogger } from '../generator/fixture.ts';
import { pushImage, pushIndex } from '../helpers/images.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';

export const VIEWER_TOKEN = 'viewer-token-ui-4c1e';
export const GENERATOR_TOKEN = 'generator-token-ui-9a0b';
export const PROXY_SECRET = 'proxy-secret-ui-77d2';

export interface Live {
  readonly service: ServiceHandle;
  readonly reg: TestRegistry;
  readonly url: string;
  /** Pushes a two-platform image of acme/web under `tag`. */
  pushWeb(tag: string): Promise<void>;
}

const created = (day: number): string => `2026-03-${String(day).padStart(2, '0')}T10:00:00Z`;

export async function startLive(t: TestContext): Promise<Live> {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  const both = [{ architecture: 'amd64' }, { architecture: 'arm64' }];
  const pushWeb = async (tag: string, day = 20): Promise<void> => void (await pushIndex(reg, 'acme/web', tag, { created: created(day), platforms: both, label: tag }));
  await pushWeb('1.0.0', 1);
  await pushWeb('1.1.0', 8);
  await pushWeb('1.2.0-rc.1', 12);
  for (const [tag, day] of [['2.0.0', 2], ['2.1.0', 9]] as const) await pushIndex(reg, 'acme/api', tag, { created: created(day), platforms: both, label: tag });
  await pushImage(reg, 'acme/worker', '0.9.0', { created: created(5), architecture: 'amd64', label: 'worker' });
  const dir = await mkdtemp(join(tmpdir(), 'aip-ui-'));
  // The service writes its cache when it closes: close it first, then remove its folder.
  const started: { service?: ServiceHandle } = {};
  t.after(async () => {
    await started.service?.close();
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(join(dir, 'token'), GENERATOR_TOKEN);
  await writeFile(join(dir, 'viewer'), VIEWER_TOKEN);
  await writeFile(join(dir, 'proxy'), PROXY_SECRET);
  const image = (repo: string) => `${reg.host}/${repo}`;
  const platforms = 'argocd-image-plugins/platforms';
  await writeFile(join(dir, 'config.yaml'), stringify({
    server: { tokenFile: join(dir, 'token'), viewerTokenFile: join(dir, 'viewer'), proxySecretFile: join(dir, 'proxy'), refreshApplicationSets: false },
    polling: { intervalSeconds: 1, jitter: 0 },
    cache: { path: join(dir, 'cache.json') },
    registries: [{ host: reg.host, url: reg.url, insecure: true }],
    watches: [
      { name: 'web', image: image('acme/web'), policy: { semver: { range: '^1.0.0' } }, environments: { staging: { policy: { semver: { range: '>=1.0.0-0' } } }, prod: {} }, holds: { prod: { tag: '1.0.0', reason: 'INC-1234: memory leak in 1.1.0' } } },
      { name: 'api', image: image('acme/api'), policy: { semver: { range: '>=2.0.0' } } },
      { name: 'worker', image: image('acme/worker'), policy: { semver: { range: '*' } } },
    ],
    clusters: {
      platformsAnnotation: platforms,
      static: [
        { name: 'prod-eu', server: 'https://prod-eu.example:6443', labels: { environment: 'prod' }, annotations: { [platforms]: 'linux/amd64' } },
        { name: 'prod-us', server: 'https://prod-us.example:6443', labels: { environment: 'prod' }, annotations: { [platforms]: 'linux/arm64' } },
        { name: 'staging', server: 'https://staging.example:6443', labels: { environment: 'staging' } },
      ],
    },
  }));
  const service = await startService({ configPath: join(dir, 'config.yaml'), listen: { host: '127.0.0.1', port: 0 }, logger: silentLogger() });
  started.service = service;
  return { service, reg, url: service.url, pushWeb: (tag) => pushWeb(tag) };
}
