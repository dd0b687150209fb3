// Running a renderer: always an executable and an argument array (never a shell, so nothing in the
// repository is interpreted as a command), with a deadline inside Argo CD's budget and a cap on what
// it may print. execa is imported only here, and only when a renderer runs: directory apps never
// pay for loading it.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { cmpError } from '../errors.ts';
import { findInvalidUtf8, utf8Message } from '../utf8.ts';

export interface ExecRequest {
  /** What is being run, for messages: `kustomize build`, `helm template`. */
  readonly what: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The full path of `name` on PATH, or undefined. */
export function which(name: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

function tail(text: string, max = 4000): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `…${trimmed.slice(-max)}` : trimmed;
}

/** Run the renderer and return its stdout; throws CMP_RENDER_FAILED / CMP_INPUT_TOO_LARGE with its stderr. */
export async function runRenderer(req: ExecRequest): Promise<string> {
  const { execa } = await import('execa');
  const result = await execa(req.file, [...req.args], {
    cwd: req.cwd,
    env: req.env,
    extendEnv: false,
    shell: false,
    stdin: 'ignore',
    reject: false,
    stripFinalNewline: false,
    timeout: req.timeoutMs,
    forceKillAfterDelay: 2000,
    maxBuffer: req.maxBytes,
    encoding: 'buffer',
  });
  const stderr = Buffer.from(result.stderr ?? new Uint8Array()).toString('utf8');
  if (result.isMaxBuffer) {
    throw cmpError('CMP_INPUT_TOO_LARGE', `${req.what} printed more than ${req.maxBytes} bytes (ARGOCD_IMAGE_PLUGINS_MAX_MANIFEST_BYTES); refusing to pass on a partial render`);
  }
  if (result.timedOut) {
    throw cmpError('CMP_RENDER_FAILED', `${req.what} did not finish within ${(req.timeoutMs / 1000).toFixed(1)} s (what was left of ARGOCD_IMAGE_PLUGINS_RENDER_TIMEOUT_SECONDS, the budget of the whole command) and was stopped${stderr ? `: ${tail(stderr)}` : ''}`);
  }
  if (result.failed) {
    const started = result.exitCode !== undefined;
    const reason = started ? `exited with code ${result.exitCode}` : `could not be started (${result.code ?? result.originalMessage})`;
    throw cmpError('CMP_RENDER_FAILED', `${req.what} ${reason}${stderr ? `: ${tail(stderr)}` : ''}`, { details: { exitCode: result.exitCode } });
  }
  const stdout = result.stdout;
  const invalid = findInvalidUtf8(stdout);
  if (invalid) throw cmpError('CMP_YAML_INVALID', utf8Message(`${req.what} output`, invalid));
  return Buffer.from(stdout.buffer, stdout.byteOffset, stdout.byteLength).toString('utf8');
}
