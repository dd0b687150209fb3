// watchConfig with real files: a change is picked up, an invalid change is refused and the running
// config kept, identical content changes nothing, and a ConfigMap-style `..data` symlink swap (the
// kubelet's AtomicWriter: new timestamped directory, `..data_tmp` symlink renamed over `..data`) is seen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { once, EventEmitter } from 'node:events';
import { pino } from 'pino';
import { watchConfig, type ConfigWatchOptions } from '../../src/config/watch.ts';
import type { Config, ConfigIssue } from '../../src/config/types.ts';
import type { AppError } from '../../src/shared/errors.ts';

function configText(range: string): string {
  return `watches:\n  - { name: web, image: ghcr.io/acme/web, policy: { semver: { range: "${range}" } } }\n`;
}

function rangeOf(config: Config): string {
  const policy = config.watches[0]!.rule.policy;
  return policy.kind === 'semver' ? policy.range : policy.kind;
}

/** Callbacks and log records turned into events a test can await (no sleeps, no timing assertions). */
function recorder(overrides: Partial<ConfigWatchOptions> = {}) {
  const events = new EventEmitter();
  const changes: Config[] = [];
  const refusals: { error: AppError; issues: readonly ConfigIssue[] }[] = [];
  let restored = 0;
  const logs: { msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const record = JSON.parse(line) as { msg: string };
        logs.push(record);
        events.emit('log', record);
      }
      done();
    },
  });
  const options: ConfigWatchOptions = {
    logger: pino({ level: 'debug' }, stream),
    debounceMs: 20,
    recheckMs: 60_000,
    onChange(config) {
      changes.push(config);
      events.emit('change', config);
    },
    onInvalid(error, issues) {
      refusals.push({ error, issues });
      events.emit('invalid', error);
    },
    onRestored() {
      restored += 1;
    },
    ...overrides,
  };
  const nextLog = async (msg: string): Promise<void> => {
    for (;;) {
      const [record] = (await once(events, 'log')) as [{ msg: string }];
      if (record.msg === msg) return;
    }
  };
  return { options, events, changes, refusals, logs, nextLog, restored: () => restored };
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'aip-watch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a changed file is picked up without a restart', async (t) => {
  const file = join(tempDir(t), 'config.yaml');
  writeFileSync(file, configText('^1'));
  const r = recorder();
  const watcher = await watchConfig(file, r.options);
  t.after(() => watcher.close());
  assert.equal(rangeOf(watcher.current()), '^1');

  const changed = once(r.events, 'change');
  writeFileSync(file, configText('^2'));
  await changed;
  assert.equal(rangeOf(watcher.current()), '^2');
  assert.equal(rangeOf(r.changes[0]!), '^2');
  assert.ok(r.logs.some((l) => l.msg === 'config reloaded'));
});

test('an invalid change is refused and the running config kept; a later fix is taken', async (t) => {
  const file = join(tempDir(t), 'config.yaml');
  writeFileSync(file, configText('^1'));
  const r = recorder();
  const watcher = await watchConfig(file, r.options);
  t.after(() => watcher.close());

  const refused = once(r.events, 'invalid');
  writeFileSync(file, configText('not a range'));
  await refused;
  assert.equal(r.refusals[0]!.error.code, 'CFG_INVALID');
  assert.deepEqual(r.refusals[0]!.issues.map((i) => i.path), ['watches[0].policy.semver.range']);
  assert.equal(rangeOf(watcher.current()), '^1');
  assert.equal(r.changes.length, 0);

  const changed = once(r.events, 'change');
  writeFileSync(file, configText('^3'));
  await changed;
  assert.equal(rangeOf(watcher.current()), '^3');
});

test('identical content does not fire onChange', async (t) => {
  const file = join(tempDir(t), 'config.yaml');
  writeFileSync(file, configText('^1'));
  const r = recorder();
  const watcher = await watchConfig(file, r.options);
  t.after(() => watcher.close());

  const unchanged = r.nextLog('config file unchanged');
  writeFileSync(file, configText('^1'));
  await unchanged;
  assert.equal(r.changes.length, 0);

  const changed = once(r.events, 'change');
  writeFileSync(file, configText('^4'));
  await changed;
  assert.deepEqual(r.changes.map(rangeOf), ['^4']);
});

test('a ConfigMap volume update (..data symlink swap) is picked up', async (t) => {
  const dir = tempDir(t);
  const v1 = '..2026_01_01_00_00_00.000000001';
  mkdirSync(join(dir, v1));
  writeFileSync(join(dir, v1, 'config.yaml'), configText('^1'));
  symlinkSync(v1, join(dir, '..data'));
  symlinkSync('..data/config.yaml', join(dir, 'config.yaml'));
  const r = recorder();
  const watcher = await watchConfig(join(dir, 'config.yaml'), r.options);
  t.after(() => watcher.close());
  assert.equal(rangeOf(watcher.current()), '^1');

  const changed = once(r.events, 'change');
  const v2 = '..2026_01_01_00_05_00.000000002';
  mkdirSync(join(dir, v2));
  writeFileSync(join(dir, v2, 'config.yaml'), configText('^5'));
  symlinkSync(v2, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  rmSync(join(dir, v1), { recursive: true });
  await changed;
  assert.equal(rangeOf(watcher.current()), '^5');
});

test('without directory events the periodic re-check still picks up a change', async (t) => {
  const file = join(tempDir(t), 'config.yaml');
  writeFileSync(file, configText('^1'));
  const r = recorder({ watchDirectory: false, recheckMs: 25 });
  const watcher = await watchConfig(file, r.options);
  t.after(() => watcher.close());
  const changed = once(r.events, 'change');
  writeFileSync(file, configText('^6'));
  await changed;
  assert.equal(rangeOf(watcher.current()), '^6');
});

test('a file that disappears is reported once and the running config kept', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'config.yaml');
  writeFileSync(file, configText('^1'));
  const r = recorder();
  const watcher = await watchConfig(file, r.options);
  t.after(() => watcher.close());
  const refused = once(r.events, 'invalid');
  rmSync(file);
  await refused;
  assert.equal(r.refusals[0]!.error.code, 'CFG_UNREADABLE');
  assert.equal(rangeOf(watcher.current()), '^1');

  // Back with the same content: no change, nothing more refused, and the invalid state is over.
  const back = r.nextLog('config file is back to the running config');
  writeFileSync(file, configText('^1'));
  await back;
  assert.equal(r.changes.length, 0);
  assert.equal(r.refusals.length, 1);
  assert.equal(r.restored(), 1, 'the service is told the refused file is gone');
});

test('the first load must succeed', async (t) => {
  const file = join(tempDir(t), 'config.yaml');
  writeFileSync(file, 'watches: []\n');
  await assert.rejects(watchConfig(file, recorder().options), { code: 'CFG_INVALID' });
});
