// The config shipped in the ConfigMap is valid for the real parser (`check-config`), and its paths and
// port agree with the Deployment that mounts it; the plugin ConfigMap Argo CD reads points at the
// Service and the token Secret that exist, in the form Argo CD accepts (Argo CD's Generators-Plugin.md).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { parse } from 'yaml';
import { build, find, MANIFESTS, REPO, type KubeObject } from './kustomize.ts';

interface EnvVar { name: string; value?: string }
interface Container { env?: EnvVar[]; ports?: Array<{ name: string; containerPort: number }>; volumeMounts?: Array<{ name: string; mountPath: string }>; livenessProbe?: { httpGet?: { path: string; port: string } }; readinessProbe?: { httpGet?: { path: string; port: string } } }
interface Volume { name: string; configMap?: { name: string }; secret?: { secretName: string; items?: Array<{ key: string; path: string }> } }
type Deployment = KubeObject & { spec: { template: { spec: { containers: Container[]; volumes: Volume[] } } } };
type ConfigMap = KubeObject & { data: Record<string, string> };

async function checkConfig(text: string): Promise<{ exitCode: number | undefined; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'aip-config-'));
  try {
    writeFileSync(join(dir, 'config.yaml'), text);
    const r = await execa(process.execPath, [join(REPO, 'src/cli.ts'), 'check-config', join(dir, 'config.yaml')], { reject: false, all: true });
    return { exitCode: r.exitCode, output: String(r.all) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('config.yaml in the argocd-image-plugins-config ConfigMap', async () => {
  const objects = await build(MANIFESTS);
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('argocd-image-plugins-config-')) as ConfigMap;
  const text = configMap.data['config.yaml'] ?? '';
  const config = parse(text) as { server: { listen: string; tokenFile: string }; cache: { path: string }; clusters?: { argocd?: { namespace: string } } };
  const deployment = find(objects, 'Deployment', 'argocd-image-plugins') as Deployment;
  const container = deployment.spec.template.spec.containers[0]!;
  const volumes = deployment.spec.template.spec.volumes;
  const mountOf = (volume: string): string | undefined => container.volumeMounts?.find((m) => m.name === volume)?.mountPath;

  it('passes check-config', async () => {
    const r = await checkConfig(text);
    assert.equal(r.exitCode, 0, r.output);
  });

  it('a broken copy fails check-config (the check above can fail)', async () => {
    const r = await checkConfig(text.replace('intervalSeconds: 300', 'intervalSeconds: soon'));
    assert.notEqual(r.exitCode, 0);
    assert.match(r.output, /polling\.intervalSeconds/);
  });

  it('is the file ARGOCD_IMAGE_PLUGINS_CONFIG names', () => {
    const path = container.env?.find((e) => e.name === 'ARGOCD_IMAGE_PLUGINS_CONFIG')?.value;
    assert.equal(path, posix.join(mountOf('config') ?? '?', 'config.yaml'));
    assert.equal(volumes.find((v) => v.name === 'config')?.configMap?.name, configMap.metadata.name);
  });

  it('listens on the container port the probes and the Service use', () => {
    const port = Number(config.server.listen.split(':').pop());
    const http = container.ports?.find((p) => p.name === 'http');
    assert.equal(http?.containerPort, port);
    assert.deepEqual(container.livenessProbe?.httpGet, { path: '/healthz', port: 'http' });
    assert.deepEqual(container.readinessProbe?.httpGet, { path: '/readyz', port: 'http' });
    const service = find(objects, 'Service', 'argocd-image-plugins') as KubeObject & { spec: { ports: Array<{ targetPort: string }> } };
    assert.equal(service.spec.ports[0]?.targetPort, 'http');
  });

  it('reads the token from the mounted token Secret and writes the cache to the cache volume', () => {
    const tokenVolume = volumes.find((v) => v.name === 'token');
    assert.equal(tokenVolume?.secret?.secretName, 'argocd-image-plugins-token');
    // A Secret volume without `items` holds one file per key, named after the key.
    const file = tokenVolume?.secret?.items?.find((i) => i.key === 'token')?.path ?? 'token';
    assert.equal(config.server.tokenFile, posix.join(mountOf('token') ?? '?', file));
    const secret = find(objects, 'Secret', 'argocd-image-plugins-token') as KubeObject & { stringData?: Record<string, string> };
    assert.ok('token' in (secret.stringData ?? {}), 'the Secret has a token key');
    assert.equal(dirname(config.cache.path), mountOf('cache'));
  });

  it('reads cluster Secrets from the namespace the manifests install into', () => {
    assert.equal(config.clusters?.argocd?.namespace, deployment.metadata.namespace);
  });
});

describe('plugin generator ConfigMap (read by the ApplicationSet controller)', async () => {
  const objects = await build(MANIFESTS);
  const cm = find(objects, 'ConfigMap', 'argocd-image-plugins') as ConfigMap;

  it('has exactly the keys Argo CD reads', () => {
    assert.deepEqual(Object.keys(cm.data).sort(), ['baseUrl', 'requestTimeout', 'token']);
  });

  it('baseUrl is the Service, by its short name in the same namespace', () => {
    const service = find(objects, 'Service', 'argocd-image-plugins') as KubeObject & { spec: { ports: Array<{ port: number }> } };
    const url = new URL(cm.data.baseUrl ?? '');
    assert.equal(url.protocol, 'http:');
    assert.equal(url.hostname, service.metadata.name);
    assert.equal(Number(url.port), service.spec.ports[0]?.port);
    assert.equal(service.metadata.namespace, cm.metadata.namespace);
  });

  it('token is a $secret:key reference to the token Secret the service mounts', () => {
    const match = /^\$([a-z0-9.-]+):(.+)$/.exec(cm.data.token ?? '');
    assert.ok(match, `token must be "$<secret>:<key>", got ${cm.data.token}`);
    const secret = find(objects, 'Secret', match[1]!) as KubeObject & { stringData?: Record<string, string>; data?: Record<string, string> };
    assert.ok(match[2]! in { ...secret.data, ...secret.stringData }, `Secret ${match[1]} has key ${match[2]}`);
  });

  it('requestTimeout is whole seconds, as Argo CD parses it', () => {
    assert.match(cm.data.requestTimeout ?? '', /^[1-9]\d*$/);
  });
});
