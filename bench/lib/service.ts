// `argocd-image-plugins serve` as a real child process, for the reliability suite and the chaos and
// load benchmarks: start it (optionally wrapped, e.g. by setpriv or strace), read its pino JSON lines,
// wait for /readyz, ask getparams the way Argo CD's ApplicationSet controller does
// (applicationset/services/plugin/plugin_service.go: POST, Bearer token, JSON body), kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { makeStandalone } from './standalone.ts';
import { until } from '../../test/helpers/until.ts';

const REPO = new URL('../../', import.meta.url).pathname;

export interface StartOptions {
  /** Path of the CLI entry (see snapshotCli). */
  readonly cli: string;
  readonly config: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Command prefix, e.g. ['setpriv', '--reuid=65534', …]; the node binary and CLI follow it. */
  readonly wrap?: readonly string[];
  readonly cwd?: string;
  /** How long to wait for the "listening" line (default 60 s). */
  readonly startTimeoutMs?: number;
}

export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Every stdout line so far (pino JSON records). */
  lines(): readonly string[];
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code / signal once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (or the given signal) and wait for the exit. Safe to call twice. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface LogRecord {
  readonly level?: number;
  readonly msg?: string;
  readonly [key: string]: unknown;
}

export function parseRecords(lines: readonly string[]): LogRecord[] {
  const out: LogRecord[] = [];
  for (const line of lines) {
    try {
      out.push(JSON.parse(line) as LogRecord);
    } catch {
      // not a log record
    }
  }
  return out;
}

/**
 * A private copy of the built CLI (dist/ is rebuilt and swapped by every `npm test`), with
 * node_modules linked in so its bare imports resolve. Returns the entry path and a remover.
 * `standalone`: the copy also holds the production dependencies and the node binary (`node`), so a
 * user who cannot reach the checkout (it may sit under a 0700 directory) can run it.
 */
export async function snapshotCli(options: { standalone?: boolean } = {}): Promise<{ dir: string; cli: string; node: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'aip-cli-'));
  let node = process.execPath;
  if (options.standalone === true) {
    node = makeStandalone(REPO, dir);
  } else {
    await cp(join(REPO, 'dist'), join(dir, 'dist'), { recursive: true });
    await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  }
  return { dir, cli: join(dir, 'dist', 'cli.mjs'), node, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function startService(options: StartOptions): Promise<ServiceProcess> {
  const args = [...(options.wrap ?? []), process.execPath, options.cli, 'serve', '--config', options.config, '--listen', '127.0.0.1:0'];
  const child = spawn(args[0]!, args.slice(1), {
    cwd: options.cwd ?? REPO,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // However the caller ends (a failed assertion skips its stop()), the service does not outlive it.
  const reap = (): void => void child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  const lines: string[] = [];
  let err = '';
  let buffer = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stderr?.on('data', (c: Buffer) => void (err += c.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    // A deadline, not a speed test: a busy machine may take a while. A service that never listens is
    // killed, so the test file can end.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start:\n${lines.join('\n')}\n${err}`));
    }, options.startTimeoutMs ?? 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let i;
      while ((i = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        const rec = parseRecords([line])[0];
        if (rec?.msg === 'listening' && typeof rec.url === 'string') {
          clearTimeout(timer);
          resolve(rec.url);
        }
      }
    });
    void exited.then((r) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${r.code ?? r.signal}) before listening:\n${lines.join('\n')}\n${err}`));
    });
  });
  return {
    url,
    child,
    lines: () => lines,
    stderr: () => err,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface Reply {
  readonly status: number;
  readonly text: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

async function send(url: string, init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply> {
  const res = await request(url, { method: init.method, headers: init.headers ?? {}, body: init.body ?? null, headersTimeout: 30_000, bodyTimeout: 30_000 });
  return { status: res.statusCode, text: await res.body.text(), headers: res.headers };
}

/** getparams exactly as the ApplicationSet controller sends it. */
export function getParams(base: string, token: string, body: unknown): Promise<Reply> {
  return postRaw(base, '/api/v1/getparams.execute', `${JSON.stringify(body)}\n`, { authorization: `Bearer ${token}` });
}

export function postRaw(base: string, path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return send(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'argocd-applicationset', ...headers }, body });
}

export function getPath(base: string, path: string, token?: string): Promise<Reply> {
  return send(`${base}${path}`, { method: 'GET', ...(token !== undefined && { headers: { authorization: `Bearer ${token}` } }) });
}

export interface ImageParams {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly ref: string;
}

export interface ParamSet {
  readonly name: string;
  readonly images: Record<string, ImageParams>;
  readonly imageOverrides: string;
}

export function paramSets(reply: Reply): ParamSet[] {
  return (JSON.parse(reply.text) as { output: { parameters: ParamSet[] } }).output.parameters;
}

export interface ImageState {
  readonly watch: string;
  readonly environment: string;
  readonly tag: string | null;
  readonly stale: boolean;
  readonly lastError: { code: string; message: string } | null;
  readonly lastCheckedAt: string | null;
}

export async function imageStates(base: string, token: string): Promise<ImageState[]> {
  const reply = await getPath(base, '/api/v1/images', token);
  if (reply.status !== 200) throw new Error(`GET /api/v1/images answered ${reply.status}: ${reply.text}`);
  return (JSON.parse(reply.text) as { images: ImageState[] }).images;
}

export async function waitReady(base: string, timeoutMs = 15_000): Promise<void> {
  await until(async () => ((await getPath(base, '/readyz')).status === 200 ? true : undefined), { what: '/readyz', deadlineMs: timeoutMs, retryErrors: true });
}

/** Resident set size of a process in bytes (Linux /proc), or undefined once it is gone. */
export async function rssOf(pid: number): Promise<number | undefined> {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m?.[1] ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
