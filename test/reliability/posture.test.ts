// Container posture without a container runtime. (1) The manifests: the generator runs non-root
// with a read-only root filesystem and exactly two writable mounts, its cache volume and /tmp, and
// the shipped config's cache path lies in the cache volume. (2) The process: the real service runs
// as an unprivileged user (uid 65534 via setpriv) with everything read-only to it except a cache
// dir and a tmp dir, under `strace -f` recording every file-system call that can write; it scans,
// answers, persists its cache after a webhook and on SIGTERM, and every write-capable call must
// name a path inside those two dirs (or a character device such as /dev/null). Running as a user
// that cannot write elsewhere makes a stray write fail loudly; strace shows it even if it is caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { startRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { writeConfig } from '../../bench/lib/config.ts';
import { getParams, postRaw, snapshotCli, waitReady } from '../../bench/lib/service.ts';
import { FAKE } from './lib/secrets.ts';
import { until } from '../helpers/until.ts';

const REPO = new URL('../../', import.meta.url).pathname;

interface Mount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

test('the generator manifest runs non-root with a read-only root filesystem, writable only at its cache volume and /tmp', async () => {
  const docs = parseAllDocuments(await readFile(join(REPO, 'manifests/deployment.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
  const deployment = docs.find((d) => d.kind === 'Deployment') as { spec: { template: { spec: { securityContext?: Record<string, unknown>; containers: Array<{ args?: string[]; securityContext?: Record<string, unknown>; volumeMounts?: Mount[] }> } } } };
  assert.ok(deployment, 'manifests/deployment.yaml holds the Deployment');
  const pod = deployment.spec.template.spec;
  const c = pod.containers.find((x) => x.args?.includes('serve'));
  assert.ok(c, 'a container runs `serve`');
  assert.equal(c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot, true);
  assert.notEqual(c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser, 0);
  assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
  assert.equal(c.securityContext?.allowPrivilegeEscalation, false);
  const writable = (c.volumeMounts ?? []).filter((m) => m.readOnly !== true).map((m) => m.mountPath).sort();
  const config = (parseAllDocuments(await readFile(join(REPO, 'manifests/config.yaml'), 'utf8'))[0]?.toJS() ?? {}) as { cache?: { path?: string } };
  const cachePath = config.cache?.path ?? '/var/lib/argocd-image-plugins/cache.json';
  const cacheMount = writable.find((p) => cachePath.startsWith(`${p}/`));
  assert.ok(cacheMount, `the cache path ${cachePath} is on a writable mount (${writable.join(', ')})`);
  assert.deepEqual(writable, [cacheMount, '/tmp'].sort(), 'exactly two writable mounts: the cache volume and /tmp');
});

const WRITE_FLAGS = /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/;
const ALWAYS_OK = /^\/dev\/(null|tty|stdout|stderr|urandom|random|pts\/\d+)$|^pipe:|^socket:/;

/** Paths that write-capable calls named, from an `strace -f` log. */
function writes(trace: string): Array<{ call: string; path: string; line: string }> {
  const out: Array<{ call: string; path: string; line: string }> = [];
  for (const line of trace.split('\n')) {
    const m = /^\d+\s+(\w+)\((.*)\)\s+=/.exec(line);
    if (!m) continue;
    const [, call, args] = m as unknown as [string, string, string];
    const paths = [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]!);
    if (call === 'openat' || call === 'open') {
      if (WRITE_FLAGS.test(args) && paths[0] !== undefined) out.push({ call, path: paths[0], line });
    } else if (paths.length > 0) {
      for (const p of paths) out.push({ call, path: p, line });
    }
  }
  return out;
}

/** uid 65534 must be able to walk down to the temp dir; says which directory stops it. */
function assertSearchableByOthers(dir: string): void {
  for (let d = resolve(dir); ; d = dirname(d)) {
    assert.ok((statSync(d).mode & 0o001) !== 0, `${d} is not searchable by other users, so uid 65534 cannot reach the temp dir ${dir}; point TMPDIR at a directory it can reach`);
    if (d === dirname(d)) break;
  }
}

test('the service writes only to its cache dir and tmp, running as an unprivileged user', async (t) => {
  assert.equal(process.getuid?.(), 0, 'this check drops from root to uid 65534 with setpriv, so it must start as root');
  // The node binary and dependencies are copied out of the checkout, which uid 65534 may not reach.
  const cli = await snapshotCli({ standalone: true });
  t.after(() => cli.remove());
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-08-01T00:00:00Z', label: 'w0' });
  const root = await mkdtemp(join(tmpdir(), 'aip-posture-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  assertSearchableByOthers(tmpdir());
  const etc = join(root, 'etc');
  const cache = join(root, 'cache');
  const tmp = join(root, 'tmp');
  await mkdir(etc);
  await mkdir(cache);
  await mkdir(tmp);
  await writeFile(join(etc, 'token'), `${FAKE.serviceToken}\n`);
  await writeFile(join(etc, 'webhook'), `${FAKE.webhookSecret}\n`);
  const config = await writeConfig(
    { dir: etc, tokenFile: join(etc, 'token'), webhookSecretFile: join(etc, 'webhook'), intervalSeconds: 3600, cachePath: join(cache, 'cache.json'), registries: [{ host: reg.host, url: reg.url }], watches: [{ name: 'web', image: `${reg.host}/acme/web`, range: '^1.0.0' }] },
    join(etc, 'config.yaml'),
  );
  // Everything read-only to uid 65534 but the two dirs it owns.
  for (const p of [root, etc, cli.dir, join(cli.dir, 'dist')]) await chmod(p, 0o755);
  for (const f of ['token', 'webhook', 'config.yaml']) await chmod(join(etc, f), 0o444);
  await chown(cache, 65534, 65534);
  await chown(tmp, 65534, 65534);
  const traceFile = join(tmpdir(), `aip-posture-trace-${process.pid}.txt`);
  t.after(() => rm(traceFile, { force: true }));
  const calls = 'trace=open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir,truncate,link,linkat,symlink,symlinkat,chmod,fchmodat,chown,fchownat,utimensat';
  const child = spawn('strace', ['-f', '-qq', '-o', traceFile, '-e', calls, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', cli.node, cli.cli, 'serve', '--config', config, '--listen', '127.0.0.1:0'], {
    cwd: tmp,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: tmp, HOME: tmp, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => void child.kill('SIGKILL'));
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => void (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => void (err += c.toString()));
  const listening = (): string | undefined => /"msg":"listening","url":"([^"]+)"/.exec(out)?.[1] ?? /"url":"(http:[^"]+)"[^\n]*"msg":"listening"/.exec(out)?.[1];
  const url = await until(listening, { what: 'the "listening" log line', deadlineMs: 30_000, wake: (again) => {
    child.stdout.on('data', again);
    return () => void child.stdout.off('data', again);
  } });
  await waitReady(url, 30_000);
  const answer = await getParams(url, FAKE.serviceToken, { applicationSetName: 'apps', input: {} });
  assert.equal(answer.status, 200, answer.text);
  await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-08-02T00:00:00Z', label: 'w1' });
  await postRaw(url, '/api/v1/webhooks/distribution', JSON.stringify({ events: [{ action: 'push', target: { repository: 'acme/web', tag: '1.1.0' }, request: { host: reg.host } }] }), { authorization: `Bearer ${FAKE.webhookSecret}` });
  await until(async () => ((await readFile(join(cache, 'cache.json'), 'utf8').catch(() => '')).includes('"1.1.0"') ? true : undefined), { what: 'the new tag persisted', deadlineMs: 15_000, retryErrors: true });
  // SIGTERM the service itself (strace's child), which flushes the cache once more.
  const kids = (await readFile(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')).trim().split(/\s+/).map(Number);
  for (const pid of kids) process.kill(pid, 'SIGTERM');
  assert.equal(await exited, 0, `${err}\n${out.slice(-2000)}`);

  const trace = await readFile(traceFile, 'utf8');
  const all = writes(trace);
  const stray = all.filter((w) => !w.path.startsWith(`${cache}/`) && w.path !== cache && !w.path.startsWith(`${tmp}/`) && !ALWAYS_OK.test(w.path));
  const inCache = all.filter((w) => w.path.startsWith(`${cache}/`));
  t.diagnostic(`${all.length} write-capable file calls traced; ${inCache.length} in the cache dir`);
  assert.ok(inCache.some((w) => /rename/.test(w.call)), 'the cache was written (temp file renamed into place)');
  assert.deepEqual(stray.map((w) => w.line), [], 'no write-capable call outside the cache dir and tmp');
  assert.ok(!/EACCES|EROFS/.test(trace.split('\n').filter((l) => WRITE_FLAGS.test(l) || /rename|mkdir|unlink/.test(l)).join('\n')), 'no write was refused');
});
