// `serve` as a process that cannot listen: it exits non-zero at once, the poller and the cluster
// reader stopped with it (a process that kept polling would never exit), the reason on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';

const CLI = new URL('../../dist/cli.mjs', import.meta.url).pathname;

async function configIn(dir: string): Promise<string> {
  await writeFile(join(dir, 'token'), 'listen-test-token\n');
  const file = join(dir, 'config.yaml');
  await writeFile(
    file,
    stringify({
      server: { tokenFile: join(dir, 'token'), refreshApplicationSets: false },
      polling: { intervalSeconds: 1 },
      cache: { path: join(dir, 'cache.json') },
      // A registry nobody answers at: a poller left running would retry it for ever.
      registries: [{ host: '127.0.0.1:9', url: 'http://127.0.0.1:9', insecure: true }],
      watches: [{ name: 'web', image: '127.0.0.1:9/acme/web', policy: { semver: { range: '^1' } } }],
      clusters: { static: [{ name: 'edge', server: 'https://edge.example:6443' }] },
    }),
  );
  return file;
}

for (const [name, listen, reason] of [
  ['an address in use', 'in-use', /EADDRINUSE/],
  ['an address this host does not have', '192.0.2.1:8080', /EADDRNOTAVAIL|EADDRINUSE|EACCES/],
] as const) {
  test(`serve exits 1 at once on ${name}`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'aip-listen-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const config = await configIn(dir);
    let address: string = listen;
    if (listen === 'in-use') {
      const holder = createServer();
      await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
      t.after(() => new Promise<void>((r) => holder.close(() => r())));
      address = `127.0.0.1:${(holder.address() as { port: number }).port}`;
    }
    const started = performance.now();
    // The deadline only keeps a broken build from hanging the suite; the time is reported, not asserted.
    const result = await execa(process.execPath, [CLI, 'serve', '--config', config, '--listen', address], { reject: false, timeout: 30_000 });
    t.diagnostic(`exited after ${(performance.now() - started).toFixed(0)} ms (process start included)`);
    assert.equal(result.timedOut, false, 'serve kept running');
    assert.equal(result.exitCode, 1, String(result.stderr));
    assert.match(String(result.stderr), reason);
    assert.match(String(result.stdout), /"msg":"cannot start"/);
  });
}
