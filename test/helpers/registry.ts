// A real OCI registry for tests: the Debian package `docker-registry` (CNCF Distribution 2.8.2) on
// 127.0.0.1, with filesystem storage in a fresh temp dir.
// - `http.addr: 127.0.0.1:0`: the kernel picks the port, read back from the "listening on" info log line
//   (so the log level must stay `info`);
// - run under `env -i PATH=…`: any REGISTRY_* variable in our environment would override the config file;
// - auth 'basic': bcrypt htpasswd made by `htpasswd -Bbn -C 5` (the only format 2.8 accepts);
// - auth 'token': a loopback token issuer (token-issuer.ts) whose certificate is the rootcertbundle.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { startTokenIssuer, type TokenIssuer, type TokenIssuerOptions } from './token-issuer.ts';

const run = promisify(execFile);

export type TestRegistryAuth = 'none' | 'basic' | 'token';

export interface StartRegistryOptions {
  readonly auth?: TestRegistryAuth;
  /** Push/delete events are POSTed here (Distribution `notifications.endpoints`). */
  readonly notifications?: { readonly url: string; readonly headers?: Record<string, string[]> };
  /** For auth 'token': the issuer's user name, password, token lifetime. */
  readonly tokenIssuer?: Omit<TokenIssuerOptions, 'dir'>;
}

export interface TestRegistry {
  /** 127.0.0.1:PORT, as written in image references. */
  readonly host: string;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The temp dir holding config, storage and (for basic) the htpasswd file. */
  readonly dir: string;
  readonly basic?: { readonly username: string; readonly password: string };
  readonly token?: { readonly realm: string; readonly service: string; readonly username: string; readonly password: string; readonly issuer: TokenIssuer };
  /** The registry's own log so far (stdout + stderr). */
  log(): string;
  /** Kills the registry (and its token issuer), removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const LOG_LIMIT = 256 * 1024;

/** Starts a fresh, empty registry; several can run at once (separate dirs, kernel-chosen ports). */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const auth = options.auth ?? 'none';
  const dir = await mkdtemp(join(tmpdir(), 'test-registry-'));
  let issuer: TokenIssuer | undefined;
  let basic: { username: string; password: string } | undefined;
  try {
    const lines = baseConfig(dir);
    if (auth === 'basic') {
      basic = { username: 'tester', password: 'basic-pass-' + randomUUID() };
      const { stdout } = await run('htpasswd', ['-Bbn', '-C', '5', basic.username, basic.password]);
      await writeFile(join(dir, 'htpasswd'), stdout);
      lines.push('auth:', '  htpasswd:', '    realm: test-basic', `    path: ${join(dir, 'htpasswd')}`);
    } else if (auth === 'token') {
      issuer = await startTokenIssuer({ ...options.tokenIssuer, dir });
      lines.push('auth:', '  token:', `    realm: ${issuer.realm}`, `    service: ${issuer.service}`, `    issuer: ${issuer.issuer}`, `    rootcertbundle: ${issuer.certFile}`);
    }
    if (options.notifications) lines.push(...notificationsConfig(options.notifications));
    const configFile = join(dir, 'config.yml');
    await writeFile(configFile, lines.join('\n') + '\n');
    const child = spawn('env', ['-i', `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`, 'docker-registry', 'serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const append = (chunk: Buffer): void => {
      log = (log + chunk.toString('utf8')).slice(-LOG_LIMIT);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const port = await waitForPort(child, () => log);
    const host = `127.0.0.1:${port}`;
    let stopped = false;
    const token = issuer && { realm: issuer.realm, service: issuer.service, username: issuer.username, password: issuer.password, issuer };
    return {
      host,
      url: `http://${host}`,
      dir,
      ...(basic ? { basic } : {}),
      ...(token ? { token } : {}),
      log: () => log,
      async stop() {
        if (stopped) return;
        stopped = true;
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
        await issuer?.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await issuer?.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function baseConfig(dir: string): string[] {
  return [
    'version: 0.1',
    'log:',
    '  level: info', // the "listening on" line is an info line
    '  formatter: text',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    '  addr: 127.0.0.1:0',
    '  secret: test-registry-not-secret',
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
  ];
}

function notificationsConfig(n: NonNullable<StartRegistryOptions['notifications']>): string[] {
  const out = ['notifications:', '  events:', '    includereferences: true', '  endpoints:', '    - name: test-webhook', `      url: ${JSON.stringify(n.url)}`];
  const headers = Object.entries(n.headers ?? {});
  if (headers.length > 0) {
    out.push('      headers:');
    for (const [name, values] of headers) out.push(`        ${JSON.stringify(name)}: ${JSON.stringify(values)}`);
  }
  out.push(
    '      timeout: 2s',
    '      threshold: 5',
    '      backoff: 1s',
    '      ignore:',
    '        mediatypes: [application/octet-stream]', // manifests only, no per-blob events
    '        actions: [pull]',
  );
  return out;
}

function waitForPort(child: ChildProcess, log: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`docker-registry did not log "listening on" within ${START_TIMEOUT_MS} ms; log:\n${log()}`)), START_TIMEOUT_MS);
    const check = (): void => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(log());
      if (m?.[1]) finish(undefined, Number(m[1]));
    };
    const onExit = (): void => finish(new Error(`docker-registry exited (code ${child.exitCode}, signal ${child.signalCode}) before listening; log:\n${log()}`));
    const onError = (err: Error): void => finish(new Error(`cannot start docker-registry (is the Debian package installed?): ${err.message}`));
    function finish(err: Error | undefined, port?: number): void {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
      child.off('error', onError);
      if (err) {
        child.kill('SIGKILL');
        reject(err);
      } else resolve(port as number);
    }
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}
