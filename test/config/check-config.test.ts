// `argocd-image-plugins check-config` as a real process: Node 24 runs src/cli.ts directly (type
// stripping), exactly the entry point the bundle is built from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/config/${name}`, import.meta.url));

function checkConfig(args: string[], env: Record<string, string> = {}) {
  const { ARGOCD_IMAGE_PLUGINS_CONFIG: _ignored, ...base } = process.env;
  return execa(process.execPath, [CLI, 'check-config', ...args], { reject: false, env: { ...base, ...env }, extendEnv: false });
}

test('a valid file: exit 0 and a one-line summary', async () => {
  const r = await checkConfig([fixture('valid-full.yaml')]);
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.stdout, 'ok: 5 watches, 4 registries');
  assert.equal(r.stderr, '');
});

test('singular counts read naturally', async () => {
  const r = await checkConfig([fixture('valid-minimal.yaml')]);
  assert.equal(r.stdout, 'ok: 1 watch, 1 registry');
});

test('an invalid file: exit 1 and every issue on its own line as path: message', async () => {
  const r = await checkConfig([fixture('invalid-registries.yaml')]);
  assert.equal(r.exitCode, 1);
  const lines = r.stdout.split('\n');
  assert.equal(lines.length, 10);
  assert.equal(lines[0], 'registries[0].host: "https://ghcr.io" is a URL; write the bare host (e.g. "ghcr.io") and put the URL in url');
  assert.ok(lines.every((l) => /^registries\[\d\]\.[\w.[\]]+: \S/.test(l)), r.stdout);
  assert.match(r.stderr, /invalid-registries\.yaml: 10 problems/);
});

test('a YAML syntax error names the line', async () => {
  const r = await checkConfig([fixture('invalid-yaml-syntax.yaml')]);
  assert.equal(r.exitCode, 1);
  assert.match(r.stdout, /invalid-yaml-syntax\.yaml:5:3: YAML syntax: /);
});

test('a missing file: exit 1 with the reason on stderr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aip-check-'));
  try {
    const r = await checkConfig([join(dir, 'absent.yaml')]);
    assert.equal(r.exitCode, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /cannot read config file .*absent\.yaml \(ENOENT\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--config and the environment variable name the file too', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'aip-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, 'watches: [{ name: a, image: acme/a, policy: { lexical: {} } }]\n');
  assert.equal((await checkConfig(['--config', file])).stdout, 'ok: 1 watch, 1 registry');
  assert.equal((await checkConfig([], { ARGOCD_IMAGE_PLUGINS_CONFIG: file })).stdout, 'ok: 1 watch, 1 registry');
});

test('usage errors exit 2', async () => {
  for (const args of [[], ['a.yaml', 'b.yaml'], ['--strict', 'a.yaml'], ['a.yaml', '--config', 'b.yaml']]) {
    const r = await checkConfig(args);
    assert.equal(r.exitCode, 2, `args ${JSON.stringify(args)}`);
    assert.match(r.stderr, /usage: argocd-image-plugins check-config/);
  }
});

test('a watch name goTemplate cannot read as a field is refused with a fix', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'aip-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, 'watches:\n  - { name: 1web, image: acme/web, policy: { lexical: {} } }\n  - { name: web-app, image: acme/app, policy: { lexical: {} } }\n  - { name: _1web, image: acme/w1, policy: { lexical: {} } }\n');
  const r = await checkConfig([file]);
  assert.equal(r.exitCode, 1);
  assert.deepEqual(r.stdout.split('\n'), [
    'watches[0].name: "1web" must start with a letter or _: goTemplate reads {{ .images.1web.tag }} as a number (write e.g. "_1web")',
    'watches[1].name: "web-app" must be letters, digits and _ only, starting with a letter or _ (it is a template key: {{ .images.<name>.tag }}; write e.g. "web_app")',
  ]);
});
