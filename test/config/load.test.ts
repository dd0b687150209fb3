// loadConfig and configPathFrom against real files in a temp directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPathFrom, loadConfig } from '../../src/config/load.ts';
import { isAppError, type AppError } from '../../src/shared/errors.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'aip-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isAppError(err), `expected an AppError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

const VALID = 'watches:\n  - { name: web, image: ghcr.io/acme/web, policy: { semver: { range: "^1" } } }\n';

test('a valid file loads', async (t) => {
  const file = join(tempDir(t), 'config.yaml');
  writeFileSync(file, VALID);
  const config = await loadConfig(file);
  assert.equal(config.watches[0]?.name, 'web');
  assert.ok(Object.isFrozen(config));
});

test('a missing file is CFG_UNREADABLE naming the file', async (t) => {
  const file = join(tempDir(t), 'absent.yaml');
  const err = await rejection(loadConfig(file));
  assert.equal(err.code, 'CFG_UNREADABLE');
  assert.match(err.message, /absent\.yaml \(ENOENT\)/);
});

test('a path that is not a readable file is CFG_UNREADABLE', async (t) => {
  const dir = tempDir(t);
  const err = await rejection(loadConfig(dir));
  assert.equal(err.code, 'CFG_UNREADABLE');
  assert.match(err.message, /\(EISDIR\); check --config \/ ARGOCD_IMAGE_PLUGINS_CONFIG/);
});

test('an invalid file is CFG_INVALID with every issue in details', async (t) => {
  const file = join(tempDir(t), 'config.yaml');
  writeFileSync(file, 'polling: { intervalSeconds: 0 }\nwatches:\n  - { name: "a b", image: acme/a, policy: { lexical: {} } }\n');
  const err = await rejection(loadConfig(file));
  assert.equal(err.code, 'CFG_INVALID');
  assert.deepEqual((err.details?.issues as { path: string }[]).map((i) => i.path), ['polling.intervalSeconds', 'watches[0].name']);
  assert.match(err.message, /has 2 problems:\n {2}polling\.intervalSeconds: must be at least 1, got 0\n/);
});

test('a YAML syntax error is reported with its line and column', async (t) => {
  const file = join(tempDir(t), 'config.yaml');
  writeFileSync(file, 'watches:\n  - name: web\n    image: [ghcr.io/acme/web\n');
  const err = await rejection(loadConfig(file));
  const issues = err.details?.issues as { path: string; message: string }[];
  assert.ok(issues.length >= 1);
  assert.match(issues[0]!.path, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+$`));
  assert.match(issues[0]!.message, /^YAML syntax: /);
});

test('a duplicate YAML key is an error at its line', async (t) => {
  const file = join(tempDir(t), 'config.yaml');
  writeFileSync(file, `${VALID}polling: {}\npolling: {}\n`);
  const issues = (await rejection(loadConfig(file))).details?.issues as { path: string; message: string }[];
  assert.deepEqual(issues.map((i) => i.path), [`${file}:4:1`]);
  assert.match(issues[0]!.message, /unique/);
});

test('the fixture with a syntax error names line 5', async () => {
  const file = new URL('../fixtures/config/invalid-yaml-syntax.yaml', import.meta.url).pathname;
  const issues = (await rejection(loadConfig(file))).details?.issues as { path: string }[];
  assert.deepEqual(issues.map((i) => i.path.slice(file.length)), [':5:3']);
});

test('alias bombs are refused', async (t) => {
  const file = join(tempDir(t), 'config.yaml');
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 8; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const err = await rejection(loadConfig(file));
  assert.equal(err.code, 'CFG_INVALID');
  assert.match((err.details?.issues as { message: string }[])[0]!.message, /alias/i);
});

test('configPathFrom: --config wins, then the environment, else a clear error', () => {
  const env = { ARGOCD_IMAGE_PLUGINS_CONFIG: '/env/config.yaml' };
  assert.equal(configPathFrom(['--config', '/a.yaml'], env), '/a.yaml');
  assert.equal(configPathFrom(['serve', '--config=/b.yaml'], env), '/b.yaml');
  assert.equal(configPathFrom(['serve'], env), '/env/config.yaml');
  assert.throws(() => configPathFrom([], {}), (err: unknown) => isAppError(err) && err.code === 'CFG_NO_PATH' && /--config FILE or set ARGOCD_IMAGE_PLUGINS_CONFIG/.test(err.message));
  assert.throws(() => configPathFrom(['--config'], env), (err: unknown) => isAppError(err) && err.code === 'CFG_NO_PATH' && /needs a file path/.test(err.message));
  assert.throws(() => configPathFrom(['--config', '--verbose'], env), /needs a file path/);
});
