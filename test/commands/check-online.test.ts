// `check-config --online` against the real registry on loopback: every watch resolved now, each one
// that does not resolve named, with its reason, and a non-zero exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { useSeededRegistry } from './seeded-registry.ts';

const CLI = new URL('../../dist/cli.mjs', import.meta.url).pathname;
const fx = useSeededRegistry('aip-online-');

async function checkOnline(name: string, watches: string) {
  const file = await fx.writeConfig(name, watches);
  const { ARGOCD_IMAGE_PLUGINS_CONFIG: _ignored, ...env } = process.env;
  return execa(process.execPath, [CLI, 'check-config', '--online', file], { reject: false, env, extendEnv: false });
}

test('every watch resolves: exit 0, one line per watch and environment with its reference', async () => {
  const r = await checkOnline('good.yaml', `  - name: app\n    image: ${fx.reg.host}/test/app\n    policy: { semver: { range: "^1" } }\n    filter: { exclude: ["main-*"] }\n`);
  assert.equal(r.exitCode, 0, String(r.stderr));
  const digest = fx.seed.find((s) => s.repo === 'test/app' && s.tag === '1.10.0')!.digest;
  assert.deepEqual(String(r.stdout).split('\n'), ['ok: 1 watch, 1 registry', `app (default): resolves to ${fx.reg.host}/test/app:1.10.0@${digest}`]);
});

test('a repository that does not exist and a policy nothing satisfies are named; exit 1', async () => {
  const r = await checkOnline('bad.yaml', [
    `  - name: app\n    image: ${fx.reg.host}/test/app\n    policy: { semver: { range: "^1" } }\n`,
    `  - name: ghost\n    image: ${fx.reg.host}/test/does-not-exist\n    policy: { semver: { range: "^1" } }\n`,
    `  - name: future\n    image: ${fx.reg.host}/test/app\n    policy: { semver: { range: "^9" } }\n`,
  ].join(''));
  assert.equal(r.exitCode, 1);
  const out = String(r.stdout);
  assert.match(out, /^app \(default\): resolves to /m);
  assert.match(out, /^ghost \(default\): does not resolve: REG_[A-Z_]+: .*\(argocd-image-plugins resolve --watch ghost explains every tag\)$/m);
  assert.match(out, /^future \(default\): does not resolve: POLICY_NO_MATCH: /m);
  assert.equal(String(r.stderr).trim(), 'check-config: 2 watches do not resolve: future, ghost');
});

test('without --online no registry is contacted', async () => {
  const file = join(fx.dir, 'offline.yaml');
  await writeFile(file, `registries:\n  - { host: "127.0.0.1:9", insecure: true }\nwatches:\n  - { name: app, image: "127.0.0.1:9/test/app", policy: { lexical: {} } }\n`);
  const r = await execa(process.execPath, [CLI, 'check-config', file], { reject: false });
  assert.equal(r.exitCode, 0, String(r.stderr));
  assert.equal(String(r.stdout), 'ok: 1 watch, 1 registry');
});
