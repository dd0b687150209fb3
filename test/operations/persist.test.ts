// Operations survive the process: a hold taken through the API is applied by the poller (the
// served reference moves to the held tag), is on disk before the API answers, and is still in
// effect after the service is killed with SIGKILL and restarted. Real registry, real `serve`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { startServe, stopServe, waitReady, type ServeProcess } from '../helpers/serve-process.ts';
import { until } from '../helpers/until.ts';

const TOKEN = 'generator-token-3a91c4';
const OPERATOR = 'operator-token-c07d52';

async function call(url: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await request(`${url}${path}`, { method, headers: { authorization: `Bearer ${OPERATOR}`, ...(body !== undefined && { 'content-type': 'application/json' }) }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

async function served(url: string): Promise<{ tag?: string; held?: { tag: string; by?: string } | null }> {
  const res = await request(`${url}/api/v1/images`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const images = ((await res.body.json()) as { images: { environment: string; tag?: string; held?: { tag: string; by?: string } | null }[] }).images;
  return images.find((i) => i.environment === 'default')!;
}

test('a hold is applied at once, persisted before the answer, and survives SIGKILL; release lets the policy decide again', async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-01-02T00:00:00Z', label: 'b' });
  const dir = await mkdtemp(join(tmpdir(), 'aip-ops-'));
  let running: ServeProcess | undefined;
  t.after(async () => {
    if (running) await stopServe(running);
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(join(dir, 'token'), TOKEN);
  await writeFile(join(dir, 'operator'), OPERATOR);
  const configFile = join(dir, 'config.yaml');
  await writeFile(configFile, [
    'server:',
    `  tokenFile: ${join(dir, 'token')}`,
    `  operatorTokens: [{ name: alice, tokenFile: ${join(dir, 'operator')} }]`,
    '  refreshApplicationSets: false',
    'polling: { intervalSeconds: 3600 }',
    `cache: { path: ${join(dir, 'cache.json')} }`,
    'registries:',
    `  - { host: "${reg.host}", url: "${reg.url}", insecure: true }`,
    'watches:',
    `  - { name: web, image: ${reg.host}/acme/web, policy: { semver: { range: "^1.0.0" } } }`,
    'clusters: { static: [{ name: prod, server: "https://prod.example:6443" }] }',
    '',
  ].join('\n'));

  running = await startServe(configFile);
  await waitReady(running.url);
  assert.equal((await served(running.url)).tag, '1.1.0');
  const held = await call(running.url, 'POST', '/api/v1/operations/hold', { watch: 'web', tag: '1.0.0', reason: 'INC-9 rollback' });
  assert.equal(held.status, 201, JSON.stringify(held.json));
  const id = (held.json.record as { id: string }).id;
  const onDisk = JSON.parse(await readFile(join(dir, 'cache.json'), 'utf8')) as { operations: { id: string }[] };
  assert.deepEqual(onDisk.operations.map((r) => r.id), [id], 'on disk before the API answered');
  const rolledBack = await until(async () => {
    const s = await served(running!.url);
    return s.tag === '1.0.0' ? s : undefined;
  }, { what: 'the hold to apply' });
  assert.deepEqual(rolledBack.held, { tag: '1.0.0', reason: 'INC-9 rollback', by: 'alice' });

  const metrics = await (await request(`${running.url}/metrics`)).body.text();
  assert.match(metrics, /argocd_image_plugins_promotion_moves\{state="held"\} 1/, 'the held move is counted');

  await stopServe(running, 'SIGKILL');
  running = await startServe(configFile);
  await waitReady(running.url);
  const after = await served(running.url);
  assert.equal(after.tag, '1.0.0', 'still held after SIGKILL');
  const status = await call(running.url, 'GET', '/api/v1/operations/status?watch=web');
  const row = (status.json.status as { held: { tag: string; by: string; source: string } }[])[0]!;
  assert.deepEqual([row.held.tag, row.held.by, row.held.source], ['1.0.0', 'alice', 'operation']);

  assert.equal((await call(running.url, 'POST', '/api/v1/operations/release', { watch: 'web', reason: 'fixed' })).status, 201);
  const released = await until(async () => {
    const s = await served(running!.url);
    return s.tag === '1.1.0' ? s : undefined;
  }, { what: 'the release to apply' });
  assert.equal(released.held, null);
});
