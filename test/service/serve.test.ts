// `argocd-image-plugins serve` as a real process: the built CLI against the real registry on
// loopback, asked over a real socket the way Argo CD's ApplicationSet controller asks
// (applicationset/services/plugin/plugin_service.go: POST, Bearer token, JSON body).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { request } from 'undici';
import { startRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { startProtocolRegistry } from '../helpers/protocol-registry.ts';
import { waitReady } from '../helpers/serve-process.ts';

const CLI = new URL('../../dist/cli.mjs', import.meta.url).pathname;
const TOKEN = 'test-token-7c1f0a';

async function startServe(configFile: string): Promise<{ child: ResultPromise; url: string; lines: () => string[] }> {
  const child = execa(process.execPath, [CLI, 'serve', '--config', configFile, '--listen', '127.0.0.1:0'], { reject: false, env: { LOG_LEVEL: 'info' } });
  const lines: string[] = [];
  let buffer = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${lines.join('\n')}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let i;
      while ((i = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        try {
          const rec = JSON.parse(line) as { msg?: string; url?: string };
          if (rec.msg === 'listening' && rec.url) {
            clearTimeout(timer);
            resolve(rec.url);
          }
        } catch {
          // not a log record
        }
      }
    });
    void child.then((r) => reject(new Error(`serve exited ${r.exitCode}: ${r.stderr}\n${lines.join('\n')}`)));
  });
  return { child, url, lines: () => lines };
}

async function getParams(url: string, body: unknown, token = TOKEN) {
  const res = await request(`${url}/api/v1/getparams.execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'user-agent': 'argocd-applicationset' },
    body: `${JSON.stringify(body)}\n`,
  });
  return { status: res.statusCode, text: await res.body.text() };
}

test('serve answers getparams per cluster from the real registry, persists its cache on SIGTERM and restarts from it without a scan', async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  const peer = await startProtocolRegistry({ upstream: reg.url });
  t.after(() => peer.stop());
  const v1 = await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const v2 = await pushImage(reg, 'acme/web', '1.1.0-rc.1', { created: '2026-01-02T00:00:00Z', label: 'b' });
  const dir = await mkdtemp(join(tmpdir(), 'aip-serve-'));
  // After hooks run in the order they were added: stop the service (it writes its cache into dir on
  // SIGTERM) before removing dir.
  let stop = async (): Promise<void> => {};
  t.after(async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(join(dir, 'token'), `${TOKEN}\n`);
  const configFile = join(dir, 'config.yaml');
  await writeFile(
    configFile,
    [
      'server:',
      `  tokenFile: ${join(dir, 'token')}`,
      '  refreshApplicationSets: false',
      'polling: { intervalSeconds: 3600 }',
      `cache: { path: ${join(dir, 'cache.json')} }`,
      'registries:',
      `  - { host: "${peer.host}", url: "${peer.url}", insecure: true }`,
      'watches:',
      `  - name: web`,
      `    image: ${peer.host}/acme/web`,
      '    policy: { semver: { range: "^1.0.0" } }',
      '    environments:',
      '      staging: { policy: { semver: { range: "^1.0.0-0" } } }',
      'clusters:',
      '  static:',
      '    - { name: prod-eu, server: "https://prod-eu.example:6443", labels: { environment: prod } }',
      '    - { name: staging_1, server: "https://staging.example:6443", labels: { environment: staging } }',
      '',
    ].join('\n'),
  );

  const first = await startServe(configFile);
  await waitReady(first.url);
  const refused = await getParams(first.url, { applicationSetName: 'web', input: {} }, 'wrong');
  assert.equal(refused.status, 401);
  const answer = await getParams(first.url, { applicationSetName: 'web', input: {} });
  assert.equal(answer.status, 200, answer.text);
  const params = (JSON.parse(answer.text) as { output: { parameters: Array<Record<string, unknown>> } }).output.parameters;
  assert.deepEqual(params.map((p) => p.name), ['prod-eu', 'staging_1']);
  const byName = Object.fromEntries(params.map((p) => [p.name as string, p]));
  const prod = byName['prod-eu'] as { images: { web: { tag: string; digest: string; ref: string } }; imageOverrides: string; nameNormalized: string };
  const staging = byName['staging_1'] as typeof prod;
  assert.equal(prod.images.web.tag, '1.0.0');
  assert.equal(prod.images.web.digest, v1.digest);
  assert.equal(staging.images.web.tag, '1.1.0-rc.1', 'the staging environment admits pre-releases');
  assert.equal(staging.images.web.digest, v2.digest);
  assert.equal(staging.nameNormalized, 'staging-1');
  assert.deepEqual(JSON.parse(prod.imageOverrides), { [`${peer.host}/acme/web`]: `${peer.host}/acme/web:1.0.0@${v1.digest}` });

  first.child.kill('SIGTERM');
  const exit = await first.child;
  assert.equal(exit.exitCode, 0, String(exit.stderr));
  const saved = JSON.parse(await readFile(join(dir, 'cache.json'), 'utf8')) as { entries: unknown[] };
  assert.equal(saved.entries.length, 2);

  peer.resetCounts();
  const second = await startServe(configFile);
  stop = async () => {
    second.child.kill('SIGTERM');
    await second.child;
  };
  await waitReady(second.url);
  const again = await getParams(second.url, { applicationSetName: 'web', input: {} });
  assert.equal(again.text, answer.text, 'the same answer, byte for byte, from the restored cache');
  assert.equal(peer.count({ path: /tags\/list/ }), 0, 'a restart within the interval does not re-scan');
});
