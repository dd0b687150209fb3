// `argocd-image-plugins serve` as a real child process on a free loopback port, for tests that
// restart it, kill it with SIGKILL or drive it with the CLI. Waits on its "listening" log line.
import { execa, type ResultPromise } from 'execa';
import { request } from 'undici';
import { until } from './until.ts';

export const CLI = new URL('../../dist/cli.mjs', import.meta.url).pathname;

export interface ServeProcess {
  readonly child: ResultPromise;
  readonly url: string;
  lines(): string[];
}

export async function startServe(configFile: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = execa(process.execPath, [CLI, 'serve', '--config', configFile, '--listen', '127.0.0.1:0'], { reject: false, env: { LOG_LEVEL: 'info', ...env } });
  const lines: string[] = [];
  let buffer = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${lines.join('\n')}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf('\n'); i !== -1; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        const rec = parse(line);
        if (rec?.msg === 'listening' && typeof rec.url === 'string') {
          clearTimeout(timer);
          resolve(rec.url);
        }
      }
    });
    void child.then((r) => {
      clearTimeout(timer);
      reject(new Error(`serve exited ${r.exitCode}: ${String(r.stderr)}\n${lines.join('\n')}`));
    });
  });
  return { child, url, lines: () => lines };
}

function parse(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export async function waitReady(url: string): Promise<void> {
  await until(async () => {
    const res = await request(`${url}/readyz`);
    await res.body.dump();
    return res.statusCode === 200 ? true : undefined;
  }, { what: 'readyz' });
}

export async function stopServe(p: ServeProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!p.child.kill(signal)) return;
  await p.child;
}
