// Config files at the size limit, in the running service (in-process, against the real registry on
// loopback). A file over 1 MiB (more than one ConfigMap can hold) is refused before it is read or
// parsed, with its own code and its size, while the event loop keeps turning: its delay is measured
// with perf_hooks.monitorEventLoopDelay over the whole refusal. A 900 KiB config with thousands of
// watches is legal and loads.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { startService } from '../../src/service/start.ts';
import { CONFIG_MAX_BYTES } from '../../src/config/load.ts';
import { capturingLogger } from '../generator/fixture.ts';
import { pushImage } from '../helpers/images.ts';
import { startRegistry } from '../helpers/registry.ts';
import { until } from '../helpers/until.ts';

const TOKEN = 'size-test-token-7c21';

interface Fixture {
  readonly dir: string;
  readonly configFile: string;
  readonly logs: Record<string, unknown>[];
  /** The config text with `count` watches (all on one repository, so the poller asks once). */
  text(count: number): string;
}

async function fixture(t: TestContext): Promise<Fixture> {
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-01-01T00:00:00Z', label: 'a' });
  const dir = await mkdtemp(join(tmpdir(), 'aip-size-'));
  // After hooks run in the order they were added, and the service writes its cache into dir on close.
  let stop = async (): Promise<void> => {};
  t.after(async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(join(dir, 'token'), `${TOKEN}\n`);
  const text = (count: number): string =>
    stringify({
      server: { tokenFile: join(dir, 'token'), refreshApplicationSets: false },
      polling: { intervalSeconds: 3600 },
      cache: { path: join(dir, 'cache.json') },
      registries: [{ host: reg.host, url: reg.url, insecure: true }],
      watches: Array.from({ length: count }, (_, i) => ({ name: `web_${String(i).padStart(5, '0')}`, image: `${reg.host}/acme/web`, policy: { semver: { range: '^1.0.0' } } })),
      clusters: { static: [{ name: 'edge', server: 'https://edge.example:6443' }] },
    });
  const configFile = join(dir, 'config.yaml');
  await writeFile(configFile, text(1));
  const logs: Record<string, unknown>[] = [];
  const service = await startService({ configPath: configFile, listen: { host: '127.0.0.1', port: 0 }, logger: capturingLogger(logs) });
  stop = () => service.close();
  return { dir, configFile, logs, text };
}

/** A complete file beside the config; `swap` renames it into place, the way the kubelet updates a ConfigMap volume. */
async function stageConfig(f: Fixture, text: string): Promise<{ swap(): Promise<void> }> {
  const next = join(f.dir, 'config.next');
  await writeFile(next, text);
  return { swap: () => rename(next, f.configFile) };
}

/** The longest event-loop delay (ms) while `work` runs. */
async function maxDelayDuring(work: () => Promise<unknown>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  try {
    await work();
  } finally {
    h.disable();
  }
  return h.max / 1e6;
}

test('a config over 1 MiB is refused unread with CFG_TOO_LARGE and its size; the event loop never stalls', async (t) => {
  const f = await fixture(t);
  const bytes = 1_000_000 * '# padding\n'.length + Buffer.byteLength(f.text(1));
  assert.ok(bytes > 10_000_000, '10 MB, as in the reported failure');
  const staged = await stageConfig(f, `${'# padding\n'.repeat(1_000_000)}${f.text(1)}`);
  // A wait with nothing to do first: what this busy machine alone adds to the loop's delay. Reading or
  // parsing the 10 MB would stall the loop for seconds (the yaml package parses a few MB/s).
  const idle = await maxDelayDuring(() => new Promise((r) => setTimeout(r, 2000)));
  const refusal = await maxDelayDuring(async () => {
    await staged.swap();
    return until(() => f.logs.find((r) => r.code === 'CFG_TOO_LARGE'), { what: 'the refusal' });
  });
  const record = f.logs.find((r) => r.code === 'CFG_TOO_LARGE')!;
  assert.match(String(record.reason), new RegExp(`is ${bytes} bytes, over the ${CONFIG_MAX_BYTES}-byte \\(1 MiB\\) limit of a ConfigMap`));
  t.diagnostic(`longest event-loop delay: ${refusal.toFixed(1)} ms while refusing ${(bytes / 1e6).toFixed(1)} MB (idle on this machine: ${idle.toFixed(1)} ms)`);
  assert.ok(refusal < Math.max(100, 2 * idle), `the event loop stalled ${refusal.toFixed(0)} ms while a too-large config was refused (idle: ${idle.toFixed(0)} ms)`);
});

test('a 900 KiB config with thousands of watches is legal and loads', async (t) => {
  const f = await fixture(t);
  let count = 8000;
  let text = f.text(count);
  while (Buffer.byteLength(text) < 900 * 1024) text = f.text((count += 500));
  assert.ok(Buffer.byteLength(text) <= CONFIG_MAX_BYTES, `${Buffer.byteLength(text)} bytes`);
  await (await stageConfig(f, text)).swap();
  const reloaded = await until(() => f.logs.find((r) => r.msg === 'config reloaded' && r.watches === count), { what: 'the reload', deadlineMs: 110_000 });
  assert.equal(reloaded.watches, count);
  assert.equal(f.logs.find((r) => typeof r.msg === 'string' && r.msg.startsWith('config change refused')), undefined);
  t.diagnostic(`${count} watches, ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB`);
});
