// `resolve` with newestPush on a private Docker Hub repository, as users run it: the built CLI, the
// registry's user name and password (files) traded at the hub API's /v2/auth/token (loopback peer),
// the tags API's push times ordering the candidates, the real Distribution registry serving the
// chosen image. The heading names the credentials used and the digest line the push time, in the
// human output and in --json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { startPushApiPeer, type PushApiPeer } from '../helpers/push-api-peer.ts';

const CLI = new URL('../../dist/cli.mjs', import.meta.url).pathname;
const s: { reg?: TestRegistry; api?: PushApiPeer; dir?: string; fresh?: string } = {};

before(async () => {
  s.reg = await startRegistry();
  s.api = await startPushApiPeer({ hubLogin: { identifier: 'acme-ci', secret: 'dckr_pat_resolve' } });
  // by created time `old` is the newest build, but `fresh` was pushed last
  const old = (await pushImage(s.reg, 'acme/private', 'old', { created: '2026-03-01T00:00:00Z' })).digest;
  s.fresh = (await pushImage(s.reg, 'acme/private', 'fresh', { created: '2026-01-01T00:00:00Z' })).digest;
  s.api.setTags('acme/private', [{ tag: 'old', digest: old, pushedAt: '2026-05-01T00:00:00.000Z' }, { tag: 'fresh', digest: s.fresh, pushedAt: '2026-07-01T12:00:00.000Z' }]);
  s.dir = await mkdtemp(join(tmpdir(), 'aip-resolve-hub-'));
  await writeFile(join(s.dir, 'username'), 'acme-ci');
  await writeFile(join(s.dir, 'password'), 'dckr_pat_resolve');
});
after(async () => {
  await s.api?.stop();
  await s.reg?.stop();
  if (s.dir) await rm(s.dir, { recursive: true, force: true });
});

test('resolve: a private Docker Hub repository ordered by push time, with the hub API login, human and --json', async () => {
  const config = [
    'registries:',
    `  - { host: docker.io, url: "${s.reg!.url}", insecure: true, apiUrl: "${s.api!.url}", auth: { usernameFile: ${join(s.dir!, 'username')}, passwordFile: ${join(s.dir!, 'password')} } }`,
    'watches:',
    '  - { name: app, image: docker.io/acme/private, policy: { newestPush: {} } }',
  ].join('\n');
  const file = join(s.dir!, 'config.yaml');
  await writeFile(file, config + '\n');
  const human = await execa(process.execPath, [CLI, 'resolve', '--config', file], { reject: false });
  assert.equal(human.exitCode, 0, String(human.stderr));
  const out = String(human.stdout);
  assert.match(out, /^# docker\.io\/acme\/private: 2 tags in 1 page\(s\) \[auth: basic\]$/m);
  assert.ok(out.includes(`→ docker.io/acme/private:fresh@${s.fresh}`), out);
  assert.match(out, /pushed 2026-07-01T12:00:00\.000Z/);
  assert.equal(s.api!.hub.logins(), 1, 'one hub API login');

  const json = await execa(process.execPath, [CLI, 'resolve', '--json', '--config', file], { reject: false });
  assert.equal(json.exitCode, 0, String(json.stderr));
  const [report] = (JSON.parse(String(json.stdout)) as { reports: Array<{ auth: string; targets: Array<{ resolution: { tag: string; pushedAt: string } }> }> }).reports;
  assert.equal(report?.auth, 'basic');
  assert.deepEqual([report?.targets[0]?.resolution.tag, report?.targets[0]?.resolution.pushedAt], ['fresh', '2026-07-01T12:00:00.000Z']);
});
