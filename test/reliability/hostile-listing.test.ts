// Bounded work per listing: a hostile registry (test/reliability/lib/hostile-registry.ts) answers
// every tags-list page with 16 MiB generated on the fly — millions of short tags on one repository,
// a giant string member on another — and links each page to another, endlessly. The built service
// runs with the old space capped at 256 MiB (under the shipped 384Mi memory limit). It must stop each
// listing at its caps (maxTags, maxTagListBytes: all pages together), stay alive with its resident
// memory bounded, and keep answering /healthz while the registry streams: /healthz answers are
// counted against how far the registry had got, by event, not by time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPath, parseRecords, rssOf, snapshotCli, startService } from '../../bench/lib/service.ts';
import { writeConfig } from '../../bench/lib/config.ts';
import { startHostileRegistry } from './lib/hostile-registry.ts';
import { FAKE } from './lib/secrets.ts';

const MIB = 1024 * 1024;

test('a registry sending endless 16 MiB tag pages cannot raise memory past the listing caps or stall /healthz', async (t) => {
  const cli = await snapshotCli();
  t.after(() => cli.remove());
  const dir = await mkdtemp(join(tmpdir(), 'aip-hostile-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const hostile = await startHostileRegistry({ kinds: { 'hostile/tiny': 'tiny', 'hostile/junk': 'junk' }, pageBytes: 16 * MIB });
  t.after(() => hostile.stop());
  await mkdir(join(dir, 'cache'));
  await writeFile(join(dir, 'token'), `${FAKE.serviceToken}\n`);
  const config = await writeConfig({
    dir,
    tokenFile: join(dir, 'token'),
    intervalSeconds: 3600,
    registries: [{ host: hostile.host, url: hostile.url }],
    watches: [
      { name: 'tiny', image: `${hostile.host}/hostile/tiny`, range: '>=0.0.0' },
      { name: 'junk', image: `${hostile.host}/hostile/junk`, range: '>=0.0.0' },
    ],
  });
  const service = await startService({ cli: cli.cli, config, env: { NODE_OPTIONS: '--max-old-space-size=256' } });
  t.after(() => service.stop('SIGKILL'));
  const pid = service.child.pid!;
  const baseline = (await rssOf(pid)) ?? 0;

  const capped = (): Record<string, unknown>[] => parseRecords(service.lines()).filter((r) => r.msg === 'tags list cap reached, listing is incomplete');
  const gone = (): boolean => service.child.exitCode !== null || service.child.signalCode !== null;
  let peak = baseline;
  const healthAt: number[] = [];
  const deadline = Date.now() + 90_000;
  // every poll has a deadline; the loop ends on events: both listings capped, or the service gone
  while (capped().length < 2 && !gone() && Date.now() < deadline) {
    const reply = await getPath(service.url, '/healthz').catch(() => undefined);
    if (reply?.status === 200) healthAt.push(hostile.bytesSent('hostile/junk'));
    peak = Math.max(peak, (await rssOf(pid)) ?? 0);
  }
  const streaming = new Set(healthAt.filter((b) => b > 0 && b < 16 * MIB));
  const figures = { baselineMiB: +(baseline / MIB).toFixed(1), peakMiB: +(peak / MIB).toFixed(1), pages: { tiny: hostile.pagesStarted('hostile/tiny'), junk: hostile.pagesStarted('hostile/junk') }, sentMiB: { tiny: +(hostile.bytesSent('hostile/tiny') / MIB).toFixed(1), junk: +(hostile.bytesSent('hostile/junk') / MIB).toFixed(1) }, healthzWhileJunkStreamed: streaming.size };
  t.diagnostic(JSON.stringify(figures));
  assert.equal(gone(), false, `the service died: ${service.stderr().slice(-600)}`);
  const limits = new Map(capped().map((r) => [String(r.repository), r.limit]));
  assert.deepEqual(Object.fromEntries(limits), { 'hostile/tiny': 'maxTags', 'hostile/junk': 'maxTagListBytes' });
  assert.equal(figures.pages.tiny, 1, 'the tag cap stopped the walk within its first page');
  assert.ok(figures.pages.junk <= 2, 'the byte cap stopped the walk');
  assert.ok(peak - baseline < 160 * MIB, `resident memory grew ${((peak - baseline) / MIB).toFixed(1)} MiB`);
  assert.ok(streaming.size >= 3, `/healthz answered at ${streaming.size} distinct points while the 16 MiB page streamed`);
});
