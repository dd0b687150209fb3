// One bad tag never blocks a watch. A registry may list names that are not OCI tags
// (distribution-spec: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`): `9.9.9+build` is the highest semver
// version yet no manifest can be asked for by that name. The built CLI's `resolve` against the real
// registry behind the listing peer (test/helpers/protocol-registry.ts) must still resolve the best
// valid tag, and show each invalid name with its verdict.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { seedStandard } from '../helpers/images.ts';
import { startProtocolRegistry, type ProtocolRegistry } from '../helpers/protocol-registry.ts';

const CLI = new URL('../../dist/cli.mjs', import.meta.url).pathname;
const BAD = ['9.9.9+evil', `9.${'9'.repeat(200)}.0`, '-9.9.9', '.9.9.9', '9.9.9\u001b[2J', '9.9.9/../x', ''];
let reg: TestRegistry;
let peer: ProtocolRegistry;
let dir: string;

before(async () => {
  reg = await startRegistry();
  await seedStandard(reg);
  peer = await startProtocolRegistry({ upstream: reg.url, pageSize: 4, extraTags: () => BAD });
  dir = await mkdtemp(join(tmpdir(), 'aip-badtags-'));
});
after(async () => {
  await peer?.stop();
  await reg?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('names that are not OCI tags are dropped before ranking; the watch resolves the best valid tag', async () => {
  const file = join(dir, 'config.yaml');
  await writeFile(file, `registries:\n  - { host: "${peer.host}", insecure: true }\nwatches:\n  - name: app\n    image: ${peer.host}/test/app\n    policy: { semver: { range: ">=1.0.0" } }\n`);
  const r = await execa(process.execPath, [CLI, 'resolve', '--config', file, '--json'], { reject: false });
  assert.equal(r.exitCode, 0, String(r.stderr) + String(r.stdout));
  const target = JSON.parse(String(r.stdout)).reports[0].targets[0];
  assert.equal(target.resolution.tag, 'v2.1.0');
  const verdicts = new Map<string, { outcome: string; rule: string }>(target.verdicts.map((v: { tag: string }) => [v.tag, v]));
  for (const bad of BAD) {
    assert.equal(verdicts.get(bad)?.outcome, 'rejected', JSON.stringify(bad));
    assert.equal(verdicts.get(bad)?.rule, 'oci tag grammar', JSON.stringify(bad));
  }
  // the table quotes them: a control character from a registry never reaches the terminal raw
  const table = await execa(process.execPath, [CLI, 'resolve', '--config', file], { reject: false });
  assert.equal(table.exitCode, 0, String(table.stderr));
  assert.ok(!String(table.stdout).includes('\u001b'), 'no raw escape in the table');
  assert.match(String(table.stdout), /"9\.9\.9\+evil"\s+rejected\s+oci tag grammar/);
  assert.equal(peer.count({ method: 'HEAD', path: /manifests\/9\.9\.9/ }), 0, 'no request names an invalid tag');
});
