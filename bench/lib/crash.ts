// Crash consistency: SIGKILL the service at random moments while resolutions change, restart it,
// and check what the cache snapshot (src/cache/snapshot.ts: temp + fsync + rename + dir fsync)
// promises. Each round: start, read the first answer, push a newer tag and send the registry's
// push notification (a Distribution webhook), wait a random 0–700 ms (the persist debounce is
// 250 ms, so kills land before, during and after writes), read the snapshot on disk, SIGKILL.
// After the kill the snapshot must parse, be no older than the one read just before the kill, and
// the restarted service's first answer must equal an answer given before the crash and match the
// snapshot. The poll interval is an hour, so a restart serves the snapshot and does not re-scan.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { startRegistry } from '../../test/helpers/registry.ts';
import { pushImage } from '../../test/helpers/images.ts';
import { writeConfig } from './config.ts';
import { getParams, paramSets, postRaw, startService, waitReady, type ServiceProcess } from './service.ts';
import { prng } from '../../test/reliability/lib/bodies.ts';
import { until } from '../../test/helpers/until.ts';

export interface CrashResult {
  readonly kills: number;
  readonly violations: readonly string[];
  /** Restarts whose snapshot on disk was newer than the one read just before the kill. */
  readonly writesLandedDuringKillWindow: number;
  /** Rounds in which the resolution moved before the kill (the change was served). */
  readonly changesServed: number;
  /**
   * Restarts whose first answer was older than the last answer served before the kill: the kill
   * landed after a change was served but before it was written (the 250 ms persist debounce).
   */
  readonly servedThenLost: number;
  /** Restarts whose first answer (newer) had been written but not yet served when the kill landed. */
  readonly writtenNotServed: number;
  /** Temporary snapshot files left in the cache directory by kills mid-write. */
  readonly leftoverTempFiles: number;
  readonly restartMs: { readonly median: number; readonly p99: number };
  readonly logLines: readonly string[];
}

interface SnapshotView {
  readonly savedAt: string;
  readonly tags: Record<string, string>;
}

const REPOS = ['crash/a', 'crash/b'] as const;


async function readSnapshot(path: string): Promise<SnapshotView | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const data = JSON.parse(text) as { savedAt: string; entries: Array<{ watch: string; current?: { tag: string } }> };
  return { savedAt: data.savedAt, tags: Object.fromEntries(data.entries.map((e) => [e.watch, e.current?.tag ?? ''])) };
}

function byWatch(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function tagsOf(text: string): Record<string, string> {
  const set = paramSets({ status: 200, text, headers: {} })[0];
  return Object.fromEntries(Object.entries(set?.images ?? {}).map(([k, v]) => [k, v.tag]));
}

/** How long a settled round waits for its change to be served before it counts as a violation. */
const SETTLE_DEADLINE_MS = 60_000;

/**
 * `settleEvery: n` makes every n-th round wait until the pushed change is served before its random
 * delay and kill, so a run on a slow machine still kills processes that served changes (the other
 * rounds kill at any moment, mid-scan and mid-write included).
 */
export async function runCrashLoop(options: { cli: string; token: string; webhookSecret: string; kills: number; seed?: number; settleEvery?: number; log?: (line: string) => void }): Promise<CrashResult> {
  const random = prng(options.seed ?? 20260301);
  const log = options.log ?? (() => undefined);
  const dir = await mkdtemp(join(tmpdir(), 'aip-crash-'));
  const reg = await startRegistry();
  const violations: string[] = [];
  const logLines: string[] = [];
  const restarts: number[] = [];
  const seen = new Set<string>();
  let landed = 0;
  let lost = 0;
  let writtenNotServed = 0;
  let lastServed: string | undefined;
  let changes = 0;
  let service: ServiceProcess | undefined;
  const fail = (text: string): void => void (violations.length < 100 && violations.push(text));
  try {
    const versions: Record<string, number> = {};
    for (const repo of REPOS) {
      await pushImage(reg, repo, '1.0.0', { created: '2026-03-01T00:00:00Z', label: `${repo}-0` });
      versions[repo] = 0;
    }
    const cacheDir = join(dir, 'cache');
    await mkdir(cacheDir);
    const cachePath = join(cacheDir, 'cache.json');
    await writeFile(join(dir, 'token'), `${options.token}\n`);
    await writeFile(join(dir, 'webhook'), `${options.webhookSecret}\n`);
    const config = await writeConfig({
      dir,
      tokenFile: join(dir, 'token'),
      webhookSecretFile: join(dir, 'webhook'),
      intervalSeconds: 3600,
      cachePath,
      registries: [{ host: reg.host, url: reg.url }],
      watches: REPOS.map((repo, i) => ({ name: `app${i}`, image: `${reg.host}/${repo}`, range: '>=1.0.0' })),
    });
    const ask = async (s: ServiceProcess): Promise<string | undefined> => {
      const reply = await getParams(s.url, options.token, { applicationSetName: 'crash', input: {} });
      if (reply.status !== 200) return undefined;
      if (paramSets(reply).length === 0) fail('2xx with an empty parameter list');
      return reply.text;
    };
    let before: SnapshotView | undefined;
    for (let round = 0; round < options.kills; round++) {
      // With no snapshot on disk (killed before the first write) a restart is a cold start: its
      // first answer comes from a fresh scan, not from before the crash.
      const onDisk = await readSnapshot(cachePath);
      const t0 = Date.now();
      const s = await startService({ cli: options.cli, config });
      service = s;
      await waitReady(s.url, 30_000);
      restarts.push(Date.now() - t0);
      const first = await ask(s);
      if (first === undefined) fail(`round ${round}: first answer after restart was not 2xx`);
      if (round > 0 && onDisk && first !== undefined) {
        // A kill between the snapshot write and the first answer from it leaves a state on disk that
        // was never served: newer than anything served (checked below), so counted, not a fault.
        if (!seen.has(first)) writtenNotServed++;
        // Compared as maps: the snapshot lists entries in the order scans finished, the answer in config order.
        if (JSON.stringify(byWatch(tagsOf(first))) !== JSON.stringify(byWatch(onDisk.tags))) fail(`round ${round}: first answer ${JSON.stringify(tagsOf(first))} differs from the snapshot ${JSON.stringify(onDisk.tags)}`);
      }
      if (first !== undefined && lastServed !== undefined) {
        const was = tagsOf(lastServed);
        const now = tagsOf(first);
        if (Object.entries(was).some(([w, t]) => now[w] !== undefined && semver.lt(now[w], t))) {
          lost++;
          fail(`round ${round}: served ${JSON.stringify(was)} before the kill, ${JSON.stringify(now)} after the restart`);
        }
      }
      if (first !== undefined) lastServed = first;
      if (first !== undefined) seen.add(first);

      // Watch answers in the background until the kill.
      let polling = true;
      const poller = (async () => {
        while (polling) {
          const text = await ask(s).catch(() => undefined);
          // Any answer received at all was given by this process before it died.
          if (text !== undefined) {
            seen.add(text);
            lastServed = text;
          }
          await new Promise((r) => setTimeout(r, 15));
        }
      })();

      const repo = REPOS[round % REPOS.length]!;
      versions[repo] = versions[repo]! + 1;
      const tag = `1.0.${versions[repo]}`;
      await pushImage(reg, repo, tag, { created: '2026-03-01T00:00:00Z', label: `${repo}-${versions[repo]}` });
      const hook = await postRaw(s.url, '/api/v1/webhooks/distribution', JSON.stringify({ events: [{ action: 'push', target: { repository: repo, tag }, request: { host: reg.host } }] }), {
        authorization: `Bearer ${options.webhookSecret}`,
        'content-type': 'application/vnd.docker.distribution.events.v1+json',
      });
      if (hook.status !== 202) fail(`round ${round}: webhook answered ${hook.status} ${hook.text}`);
      const served = (): boolean => [...seen].some((text) => tagsOf(text)[`app${round % REPOS.length}`] === tag);
      if (options.settleEvery !== undefined && round % options.settleEvery === 0) {
        await until(served, { what: `${repo}:${tag} served`, deadlineMs: SETTLE_DEADLINE_MS, everyMs: 15 }).catch(() => undefined);
        if (!served()) fail(`round ${round}: ${repo}:${tag} was not served within ${SETTLE_DEADLINE_MS / 1000} s of its push event`);
      }
      await new Promise((r) => setTimeout(r, Math.floor(random() * 700)));
      before = await readSnapshot(cachePath).catch((err: unknown) => {
        fail(`round ${round}: snapshot unreadable while running: ${String(err)}`);
        return undefined;
      });
      s.child.kill('SIGKILL');
      await s.exited;
      polling = false;
      await poller;
      logLines.push(...s.lines());
      service = undefined;
      if (served()) changes++;

      const after = await readSnapshot(cachePath).catch((err: unknown) => {
        fail(`round ${round}: snapshot unreadable after SIGKILL: ${String(err)}`);
        return undefined;
      });
      if (before && !after) fail(`round ${round}: snapshot vanished after SIGKILL`);
      if (before && after) {
        if (after.savedAt < before.savedAt) fail(`round ${round}: snapshot went back in time (${before.savedAt} → ${after.savedAt})`);
        if (after.savedAt > before.savedAt) landed++;
        for (const [w, t] of Object.entries(before.tags)) {
          const now = after.tags[w];
          if (now === undefined || (t !== '' && semver.lt(now, t))) fail(`round ${round}: ${w} moved backwards on disk (${t} → ${now ?? 'missing'})`);
        }
      }
      if (round % 10 === 9) log(`${round + 1} kills, ${violations.length} violations`);
    }
    // One last start: the snapshot left by the last kill must load.
    const last = await startService({ cli: options.cli, config });
    service = last;
    await waitReady(last.url, 30_000);
    const lastAnswer = await ask(last);
    if (lastAnswer === undefined) fail('final restart: no 2xx answer');
    if (last.lines().some((l) => l.includes('corrupt'))) fail('a restart found the cache corrupt');
    await last.stop();
    logLines.push(...last.lines());
    service = undefined;
    for (const line of logLines) if (line.includes('"msg":"cache file is corrupt')) fail('a restart found the cache corrupt');
    const leftovers = (await readdir(cacheDir)).filter((f) => f.endsWith('.tmp')).length;
    const sorted = [...restarts].sort((a, b) => a - b);
    return {
      kills: options.kills,
      violations,
      writesLandedDuringKillWindow: landed,
      changesServed: changes,
      servedThenLost: lost,
      writtenNotServed,
      leftoverTempFiles: leftovers,
      restartMs: { median: sorted[Math.floor(sorted.length / 2)] ?? 0, p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0 },
      logLines,
    };
  } finally {
    await service?.stop('SIGKILL');
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The narrowest crash: a push, its webhook, and a SIGKILL as soon as getparams serves the new tag
 * (well inside the 250 ms persist debounce). Returns the tags served before the kill and the tags
 * of the first answer after the restart.
 */
export async function killRightAfterChange(options: { cli: string; token: string; webhookSecret: string }): Promise<{ before: Record<string, string>; after: Record<string, string> | undefined; onDisk: Record<string, string> | undefined }> {
  const dir = await mkdtemp(join(tmpdir(), 'aip-crash1-'));
  const reg = await startRegistry();
  let service: ServiceProcess | undefined;
  try {
    await pushImage(reg, 'crash/a', '1.0.0', { created: '2026-03-01T00:00:00Z', label: 'a0' });
    await mkdir(join(dir, 'cache'));
    const cachePath = join(dir, 'cache', 'cache.json');
    await writeFile(join(dir, 'token'), `${options.token}\n`);
    await writeFile(join(dir, 'webhook'), `${options.webhookSecret}\n`);
    const config = await writeConfig({ dir, tokenFile: join(dir, 'token'), webhookSecretFile: join(dir, 'webhook'), intervalSeconds: 3600, cachePath, registries: [{ host: reg.host, url: reg.url }], watches: [{ name: 'app0', image: `${reg.host}/crash/a`, range: '>=1.0.0' }] });
    const ask = async (s: ServiceProcess): Promise<Record<string, string> | undefined> => {
      const reply = await getParams(s.url, options.token, { applicationSetName: 'crash', input: {} });
      return reply.status === 200 ? tagsOf(reply.text) : undefined;
    };
    const s = await startService({ cli: options.cli, config });
    service = s;
    await waitReady(s.url, 30_000);
    // Let the first resolution reach the disk, so the restart is a warm one.
    for (let i = 0; i < 100 && (await readSnapshot(cachePath)) === undefined; i++) await new Promise((r) => setTimeout(r, 50));
    await pushImage(reg, 'crash/a', '1.0.1', { created: '2026-03-01T00:00:00Z', label: 'a1' });
    await postRaw(s.url, '/api/v1/webhooks/distribution', JSON.stringify({ events: [{ action: 'push', target: { repository: 'crash/a', tag: '1.0.1' }, request: { host: reg.host } }] }), { authorization: `Bearer ${options.webhookSecret}` });
    let before: Record<string, string> | undefined;
    for (let i = 0; i < 2000; i++) {
      before = await ask(s);
      if (before?.app0 === '1.0.1') break;
      await new Promise((r) => setTimeout(r, 2));
    }
    s.child.kill('SIGKILL');
    await s.exited;
    service = undefined;
    const onDisk = (await readSnapshot(cachePath))?.tags;
    const again = await startService({ cli: options.cli, config });
    service = again;
    await waitReady(again.url, 30_000);
    const after = await ask(again);
    return { before: before ?? {}, after, onDisk };
  } finally {
    await service?.stop('SIGKILL');
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
