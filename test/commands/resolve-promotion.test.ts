// `argocd-image-plugins resolve` explains what promotion decides, as real child processes: a real
// `serve` process (real registry, Applications on the loopback Kubernetes API peer) answers
// `resolve --server` live; `resolve --cache` describes the service's saved state with the same
// engine; plain `resolve` says what it cannot know. Holds and approvals show who, why, when, until.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { request } from 'undici';
import { stringify } from 'yaml';
import { pushImage } from '../helpers/images.ts';
import { peerKubeconfig, promotionConfig, startPromotionPeers } from '../helpers/promotion-peers.ts';
import { CLI, startServe, stopServe, type ServeProcess } from '../helpers/serve-process.ts';
import { until } from '../helpers/until.ts';

const TOKEN = 'resolve-promotion-generator-7d1e';
const OPERATOR = 'resolve-promotion-operator-93af';

interface Row {
  environment: string;
  candidate: { tag: string } | null;
  promotion: { state: string; servedTag: string; pendingTag?: string; wave?: number; waves?: number; reason?: string; opensAt?: string } | null;
  held: { tag: string; by: string; reason: string; until: string } | null;
  approvals: { tag: string; by: string; reason: string }[];
}

async function prodStatus(url: string): Promise<{ state: string; wave?: number; pendingTag?: string } | undefined> {
  const res = await request(`${url}/api/v1/images`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = (await res.body.json()) as { promotion?: { environment: string; state: string; wave?: number; pendingTag?: string }[] };
  return body.promotion?.find((p) => p.environment === 'prod');
}

async function setUp(t: TestContext) {
  const peers = await startPromotionPeers(t);
  const dir = await mkdtemp(join(tmpdir(), 'aip-resolve-promotion-'));
  const running: { serve?: ServeProcess } = {};
  // The service writes its cache as it stops: the folder goes only after that.
  t.after(async () => {
    if (running.serve) await stopServe(running.serve);
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(join(dir, 'token'), TOKEN);
  await writeFile(join(dir, 'operator'), `${OPERATOR}\n`);
  await writeFile(join(dir, 'kubeconfig'), peerKubeconfig(peers.api));
  const server = { tokenFile: join(dir, 'token'), operatorTokens: [{ name: 'alice', tokenFile: join(dir, 'operator') }], refreshApplicationSets: false };
  const config = promotionConfig(peers, '1h');
  // staging is also one of the watch's own environments, so a hold of it is a hold the poller applies.
  const watches = (config.watches as Record<string, unknown>[]).map((w) => ({ ...w, environments: { staging: {} } }));
  await writeFile(join(dir, 'config.yaml'), stringify({ ...config, watches, server, cache: { path: join(dir, 'cache.json') } }));
  running.serve = await startServe(join(dir, 'config.yaml'), { KUBECONFIG: join(dir, 'kubeconfig') });
  const url = running.serve.url;
  const cli = (args: string[], env: Record<string, string> = { ARGOCD_IMAGE_PLUGINS_TOKEN: OPERATOR }) => execa(process.execPath, [CLI, ...args], { reject: false, env, extendEnv: false });
  const resolve = (args: string[], env?: Record<string, string>) => cli(['resolve', '--config', join(dir, 'config.yaml'), ...args], env);
  return { peers, dir, url, cli, resolve };
}

test('resolve shows what promotion decides per environment and wave, with holds and approvals, live and as saved', async (t) => {
  const { peers, dir, url, cli, resolve } = await setUp(t);
  await until(async () => ((await prodStatus(url))?.state === 'idle' ? true : undefined), { what: 'prod to settle on 1.0.0' });
  await pushImage(peers.reg, 'acme/web', '1.1.0', { created: '2026-02-01T00:00:00Z', label: 'b' });
  await until(async () => ((await prodStatus(url))?.state === 'blocked' ? true : undefined), { what: 'prod blocked on staging' });
  const ops = { ARGOCD_IMAGE_PLUGINS_SERVER: url, ARGOCD_IMAGE_PLUGINS_TOKEN: OPERATOR };
  for (const action of [['hold', 'web', '-e', 'staging', '--reason', 'freeze staging', '--for', '2h'], ['approve', 'web', '-e', 'prod', '--tag', '1.1.0', '--reason', 'release board ok', '--for', '1h']]) {
    const done = await cli(action, ops);
    assert.equal(done.exitCode, 0, done.stderr);
  }

  const live = await resolve(['--server', url, '--json']);
  assert.equal(live.exitCode, 0, live.stderr);
  const body = JSON.parse(live.stdout) as { promotion: { source: string; rows: Row[] } };
  assert.equal(body.promotion.source, 'service');
  const prod = body.promotion.rows.find((r) => r.environment === 'prod')!;
  assert.equal(prod.candidate?.tag, '1.1.0');
  assert.equal(prod.promotion?.state, 'blocked');
  assert.equal(prod.promotion?.servedTag, '1.0.0');
  assert.equal(prod.promotion?.pendingTag, '1.1.0');
  assert.match(prod.promotion?.reason ?? '', /staging Application argocd\/web-stg-1 \(cluster stg-1\) runs .*1\.0\.0, not 1\.1\.0/);
  assert.deepEqual(prod.approvals.map((a) => [a.tag, a.by, a.reason]), [['1.1.0', 'alice', 'release board ok']]);
  const staging = body.promotion.rows.find((r) => r.environment === 'staging')!;
  assert.deepEqual([staging.held?.tag, staging.held?.by, staging.held?.reason], ['1.1.0', 'alice', 'freeze staging']);
  assert.ok(staging.held?.until);

  const human = await resolve(['--server', url]);
  assert.equal(human.exitCode, 0, human.stderr);
  assert.match(human.stdout, /# promotion and operations, as the service at http:\/\/127\.0\.0\.1:\d+ decides them/);
  assert.match(human.stdout, /web \(prod\) {2}follows staging, soak 1s Synced and Healthy; 2 waves, pause 1h Synced and Healthy\n {2}candidate {2}1\.1\.0\n {2}wave 1\/2 {3}1\.0\.0\n {2}wave 2\/2 {3}1\.0\.0\n {2}pending {4}1\.1\.0 waits at the gate/);
  assert.match(human.stdout, /state {6}blocked since \S+: staging Application argocd\/web-stg-1/);
  assert.match(human.stdout, /approved 1\.1\.0 by alice at \S+ until \S+: release board ok/);
  assert.match(human.stdout, /web \(staging\) {2}no promotion or rollout\n {2}candidate {2}1\.1\.0\n {2}held at 1\.1\.0 by alice at \S+ until \S+: freeze staging/);
  for (const out of [live, human]) assert.ok(!`${out.stdout}${out.stderr}`.includes(OPERATOR), 'the operator token is never printed');

  // staging runs 1.1.0 healthy: after the soak the canary wave opens; wave 2 then waits for its 1 h pause.
  await peers.run('stg-1', '1.1.0');
  await until(async () => ((await prodStatus(url))?.wave === 1 && (await prodStatus(url))?.pendingTag === '1.1.0' ? true : undefined), { what: 'the canary wave on 1.1.0' });
  const rolling = await resolve(['--server', url, '--environment', 'prod']);
  assert.match(rolling.stdout, /wave 1\/2 {3}1\.1\.0 \(rolling out\)\n {2}wave 2\/2 {3}1\.0\.0\n {2}state {6}rolling since \S+: wave 1 runs 1\.1\.0 since \S+; pause until \S+\n {2}opens at {3}\S+ \(in [0-9dhms ]+, if nothing changes\)/);
  assert.ok(!/web \(staging\)/.test(rolling.stdout), '--environment keeps to prod');

  // Offline, from the service's saved state: the same engine describes it; no Application is read.
  const saved = await resolve(['--cache', join(dir, 'cache.json')]);
  assert.equal(saved.exitCode, 0, saved.stderr);
  assert.match(saved.stdout, /as saved in \S+cache\.json at \S+: the gates as the service last evaluated them \(resolve reads no Applications/);
  assert.match(saved.stdout, /wave 1\/2 {3}1\.1\.0 \(rolling out\)\n {2}wave 2\/2 {3}1\.0\.0\n {2}state {6}rolling since/);
  assert.match(saved.stdout, /held at 1\.1\.0 by alice at \S+ until \S+: freeze staging/);

  const bare = await resolve(['--environment', 'prod']);
  assert.match(bare.stdout, /# promotion: resolve reads neither the service's promotion state nor the Argo CD Applications.*add --server URL.*or --cache FILE/);
  assert.match(bare.stdout, /web \(prod\) {2}follows staging.*\n {2}candidate {2}1\.1\.0\s*$/);

  const refused = await resolve(['--server', url, '--json'], {});
  assert.equal(refused.exitCode, 1);
  assert.match(refused.stderr, /resolve: promotion not read from http:\/\/127\.0\.0\.1:\d+: OPS_AUTH_REQUIRED: set ARGOCD_IMAGE_PLUGINS_TOKEN/);
  assert.equal((JSON.parse(refused.stdout) as { promotion: { error: { code: string } } }).promotion.error.code, 'OPS_AUTH_REQUIRED');
});
