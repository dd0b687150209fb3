// `argocd-image-plugins resolve` as users run it: the built CLI against the real registry on
// loopback, as a table and as JSON, with exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { useSeededRegistry } from './seeded-registry.ts';

const CLI = new URL('../../dist/cli.mjs', import.meta.url).pathname;
const fx = useSeededRegistry('aip-resolve-');

test('the table names every tag, the rule that removed it, the winner, its digest and platforms', async () => {
  const file = await fx.writeConfig('ok.yaml', `  - name: app\n    image: ${fx.reg.host}/test/app\n    policy: { semver: { range: "^1" } }\n    filter: { exclude: ["main-*"] }\n`);
  const r = await execa(process.execPath, [CLI, 'resolve', '--config', file], { reject: false });
  assert.equal(r.exitCode, 0, String(r.stderr));
  const out = String(r.stdout);
  const tags = fx.seed.filter((s) => s.repo === 'test/app').map((s) => s.tag);
  for (const tag of tags) assert.match(out, new RegExp(`^  ${tag.replace(/\./g, '\\.')}\\s`, 'm'), `a row for ${tag}`);
  assert.match(out, /^ {2}1\.10\.0\s+selected/m);
  // the header names where the registry's credentials came from
  assert.match(out, new RegExp(`^# ${fx.reg.host}/test/app: \\d+ tags in 1 page\\(s\\) \\[auth: anonymous\\]$`, 'm'));
  assert.match(out, /^ {2}main-abc123-20260101\s+rejected\s+filter\.exclude/m);
  assert.match(out, /^ {2}2\.0\.0\s+rejected/m, 'out of range');
  const digest = fx.seed.find((s) => s.repo === 'test/app' && s.tag === '1.10.0')!.digest;
  assert.ok(out.includes(`→ ${fx.reg.host}/test/app:1.10.0@${digest}`));
  assert.match(out, /platforms linux\/amd64/);
});

test('--json carries the same verdicts; nothing matched exits 1 with the reason', async () => {
  const file = await fx.writeConfig('none.yaml', `  - name: app\n    image: ${fx.reg.host}/test/app\n    policy: { semver: { range: "^9" } }\n  - name: multi\n    image: ${fx.reg.host}/test/multi\n    policy: { semver: { range: ">=0.1.0" } }\n`);
  const r = await execa(process.execPath, [CLI, 'resolve', '--config', file, '--json'], { reject: false });
  assert.equal(r.exitCode, 1);
  const json = JSON.parse(String(r.stdout)) as { reports: Array<{ image: string; targets: Array<{ watch: string; error?: { code: string; message: string }; resolution?: { tag: string }; verdicts: Array<{ tag: string; outcome: string }> }> }> };
  const app = json.reports.find((x) => x.image.endsWith('/test/app'))!.targets[0]!;
  assert.equal(app.error?.code, 'POLICY_NO_MATCH');
  assert.ok(app.verdicts.every((v) => v.outcome === 'rejected'));
  assert.equal(app.verdicts.length, fx.seed.filter((s) => s.repo === 'test/app').length);
  const multi = json.reports.find((x) => x.image.endsWith('/test/multi'))!.targets[0]!;
  assert.equal(multi.resolution?.tag, '1.0.0');
});

test('--watch limits the run; an unknown watch or a bad config is a clear error', async () => {
  const file = await fx.writeConfig('two.yaml', `  - name: app\n    image: ${fx.reg.host}/test/app\n    policy: { semver: { range: "^1" } }\n  - name: docker\n    image: ${fx.reg.host}/test/docker\n    policy: { semver: { range: "^1" } }\n`);
  const one = await execa(process.execPath, [CLI, 'resolve', '--config', file, '--watch', 'docker'], { reject: false });
  assert.equal(one.exitCode, 0, String(one.stderr));
  assert.match(String(one.stdout), /^docker \(default\)/m);
  assert.doesNotMatch(String(one.stdout), /^app \(default\)/m);
  const unknown = await execa(process.execPath, [CLI, 'resolve', '--config', file, '--watch', 'nope'], { reject: false });
  assert.equal(unknown.exitCode, 2);
  assert.match(String(unknown.stderr), /no watch named nope/);
  const bad = await fx.writeConfig('bad.yaml', `  - name: app\n    image: ${fx.reg.host}/test/app\n    policy: { semver: { range: "^1.x.y" } }\n`);
  const refused = await execa(process.execPath, [CLI, 'resolve', '--config', bad], { reject: false });
  assert.equal(refused.exitCode, 1);
  assert.match(String(refused.stderr), /watches\[0\]\.policy\.semver\.range/);
});
