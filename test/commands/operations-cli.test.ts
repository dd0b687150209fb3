// `argocd-image-plugins hold|release|approve|promote|status` as real child processes against a real
// service (startService on loopback, a real registry): human and --json output, the token from the
// environment or a file (never a flag), and refusals with codes and exit status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startService } from '../../src/service/start.ts';
import { silentLogger } from '../generator/fixture.ts';
import { pushImage } from '../helpers/images.ts';
import { startRegistry } from '../helpers/registry.ts';
import { CLI } from '../helpers/serve-process.ts';
import { until } from '../helpers/until.ts';

const TOKEN = 'generator-token-e81b2f';
const OPERATOR = 'operator-token-5b6d0c';

test('hold, status, approve and release through the CLI; the token never on the command line', async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-01-02T00:00:00Z', label: 'b' });
  const dir = await mkdtemp(join(tmpdir(), 'aip-cli-ops-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'token'), TOKEN);
  await writeFile(join(dir, 'operator'), `${OPERATOR}\n`);
  await writeFile(join(dir, 'config.yaml'), [
    'server:',
    `  tokenFile: ${join(dir, 'token')}`,
    `  operatorTokens: [{ name: carol, tokenFile: ${join(dir, 'operator')} }]`,
    '  refreshApplicationSets: false',
    'polling: { intervalSeconds: 3600 }',
    `cache: { path: ${join(dir, 'cache.json')} }`,
    `registries: [{ host: "${reg.host}", url: "${reg.url}", insecure: true }]`,
    `watches: [{ name: web, image: ${reg.host}/acme/web, policy: { semver: { range: "^1.0.0" } }, environments: { prod: {} } }]`,
    'clusters: { static: [{ name: prod, server: "https://prod.example:6443", labels: { environment: prod } }] }',
    '',
  ].join('\n'));
  const service = await startService({ configPath: join(dir, 'config.yaml'), listen: { host: '127.0.0.1', port: 0 }, logger: silentLogger() });
  // The service writes its cache as it closes: its folder is removed only after that.
  t.after(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });
  const env = { ARGOCD_IMAGE_PLUGINS_SERVER: service.url, ARGOCD_IMAGE_PLUGINS_TOKEN: OPERATOR };
  const cli = (args: string[], extra: Record<string, string> = env) => execa(process.execPath, [CLI, ...args], { reject: false, env: extra, extendEnv: false });

  const status0 = await until(async () => {
    const r = await cli(['status', 'web', '--environment', 'prod', '--json']);
    const row = (JSON.parse(r.stdout) as { status: { served: { tag: string } | null; held: unknown }[] }).status[0];
    return row?.served?.tag === '1.1.0' ? row : undefined;
  }, { what: 'prod to serve 1.1.0' });
  assert.equal(status0.held, null);

  const hold = await cli(['hold', 'web', '-e', 'prod', '--tag', '1.0.0', '--reason', 'INC-31 latency', '--for', '2h']);
  assert.equal(hold.exitCode, 0, hold.stderr);
  assert.match(hold.stdout, /^hold recorded for web\/prod\n {2}\S+ {2}hold 1\.0\.0 {2}by carol until \S+: INC-31 latency\n/);
  // `resolve --cache` reads the persisted operations log and applies the hold as the service does.
  const resolved = await execa(process.execPath, [CLI, 'resolve', '--config', join(dir, 'config.yaml'), '--cache', join(dir, 'cache.json'), '--watch', 'web', '--environment', 'prod', '--json'], { reject: false });
  const target = (JSON.parse(resolved.stdout) as { reports: { targets: { resolution?: { tag: string }; verdicts: { rule: string; detail?: string }[] }[] }[] }).reports[0]!.targets[0]!;
  assert.equal(target.resolution?.tag, '1.0.0', resolved.stderr);
  assert.ok(target.verdicts.some((v) => v.rule === 'hold' && v.detail === 'INC-31 latency'));
  const human = await cli(['status', 'web', '--server', service.url, '--token-file', join(dir, 'operator')], {});
  assert.equal(human.exitCode, 0, human.stderr);
  assert.match(human.stdout, /web\/prod: serves 1\.[01]\.0\n {2}held at 1\.0\.0 \(by carol, until \S+\): INC-31 latency/);

  const approve = await cli(['approve', 'web', '-e', 'prod', '--tag', '1.1.0', '--reason', 'canary fine', '--json']);
  assert.equal(approve.exitCode, 0, approve.stderr);
  assert.deepEqual((JSON.parse(approve.stdout) as { record: { tag: string } }).record.tag, '1.1.0');
  const waveZero = await cli(['approve', 'web', '-e', 'prod', '--tag', '1.1.0', '--wave', '0', '--reason', 'canary fine']);
  assert.equal(waveZero.exitCode, 2, 'waves are numbered from 1: a usage error');
  assert.match(waveZero.stderr, /--wave is a wave number from 1 \(the first wave\) to 64/);
  const noWaves = await cli(['approve', 'web', '-e', 'prod', '--tag', '1.1.0', '--wave', '2', '--reason', 'canary fine']);
  assert.equal(noWaves.exitCode, 1);
  assert.match(noWaves.stderr, /OPS_INVALID.*environment "prod" has no rollout/);

  const release = await cli(['release', 'web', '-e', 'prod', '--reason', 'resolved']);
  assert.equal(release.exitCode, 0, release.stderr);
  const again = await cli(['release', 'web', '-e', 'prod', '--reason', 'twice']);
  assert.equal(again.exitCode, 1);
  assert.match(again.stderr, /^release: OPS_NOT_HELD: web\/prod has no hold in effect/);

  const generator = await cli(['hold', 'web', '--reason', 'x'], { ...env, ARGOCD_IMAGE_PLUGINS_TOKEN: TOKEN });
  assert.equal(generator.exitCode, 1);
  assert.match(generator.stderr, /OPS_AUTH_INVALID: this is the generator's token/);
  const flag = await cli(['hold', 'web', '--reason', 'x', '--token', OPERATOR]);
  assert.equal(flag.exitCode, 2);
  assert.match(flag.stderr, /--token is not accepted/);
  assert.equal((await cli(['hold', 'web'])).exitCode, 2, 'a reason is required');
  const noToken = await cli(['status'], { ARGOCD_IMAGE_PLUGINS_SERVER: service.url });
  assert.equal(noToken.exitCode, 1);
  assert.match(noToken.stderr, /set ARGOCD_IMAGE_PLUGINS_TOKEN/);
  const down = await cli(['status'], { ...env, ARGOCD_IMAGE_PLUGINS_SERVER: 'http://127.0.0.1:1' });
  assert.equal(down.exitCode, 1);
  assert.match(down.stderr, /OPS_UNREACHABLE: cannot reach http:\/\/127\.0\.0\.1:1/);

  const log = JSON.parse((await cli(['status', 'web', '-e', 'prod', '--json'])).stdout) as { status: { log: { kind: string; by: string }[] }[] };
  assert.deepEqual(log.status[0]!.log.map((r) => `${r.kind} ${r.by}`), ['hold carol', 'approve carol', 'release carol']);
});
