// Command lines of `hold`, `release`, `approve`, `promote` and `status` into what to send. Pure.
// The operator token is never a flag value (it would show in process listings): it comes from
// ARGOCD_IMAGE_PLUGINS_TOKEN or a file named by --token-file.
import { parseArgs } from 'node:util';
import type { OperationKind } from '../../operations/types.ts';
import { MAX_WAVE } from '../../operations/record.ts';

export type OperationsCommand = OperationKind | 'status';

export const SERVER_ENV = 'ARGOCD_IMAGE_PLUGINS_SERVER';
export const TOKEN_ENV = 'ARGOCD_IMAGE_PLUGINS_TOKEN';

export interface Invocation {
  readonly command: OperationsCommand;
  readonly server: string;
  readonly token: { readonly env: string } | { readonly file: string };
  readonly json: boolean;
  /** The action's body (hold, release, approve, promote), or the status filter. */
  readonly body: Record<string, string | number>;
}

const COMMON = '[--server URL] [--token-file FILE] [--json]';
export const USAGE: Readonly<Record<OperationsCommand, string>> = {
  hold: `hold WATCH [--environment ENV] [--tag TAG] --reason TEXT [--for 2h | --until TIME] ${COMMON}`,
  release: `release WATCH [--environment ENV] --reason TEXT ${COMMON}`,
  approve: `approve WATCH [--environment ENV] [--tag TAG] [--wave N] --reason TEXT [--for 2h | --until TIME] ${COMMON}`,
  promote: `promote WATCH [--environment ENV] --tag TAG --reason TEXT [--for 2h | --until TIME] ${COMMON}`,
  status: `status [WATCH] [--environment ENV] ${COMMON}`,
};

const DURATION = /^(\d{1,5})([dhms])$/;
const UNIT_MS: Readonly<Record<string, number>> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

export class UsageError extends Error {}

function untilFrom(values: { for?: string; until?: string }, now: number): string | undefined {
  if (values.for !== undefined && values.until !== undefined) throw new UsageError('give --for or --until, not both');
  if (values.until !== undefined) return values.until;
  if (values.for === undefined) return undefined;
  const m = DURATION.exec(values.for);
  if (!m) throw new UsageError(`--for "${values.for.slice(0, 32)}" is not a duration; write e.g. 30m, 2h or 3d`);
  return new Date(now + Number(m[1]) * UNIT_MS[m[2]!]!).toISOString();
}

function bodyOf(command: OperationsCommand, values: Record<string, string | boolean | undefined>, watch: string | undefined, now: number): Record<string, string | number> {
  const s = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  if (command !== 'status' && watch === undefined) throw new UsageError('name the watch');
  if (command !== 'status' && s('reason') === undefined) throw new UsageError('--reason is required: say why (it is recorded with your token\'s name)');
  const until = command === 'status' || command === 'release' ? undefined : untilFrom({ ...(s('for') !== undefined && { for: s('for')! }), ...(s('until') !== undefined && { until: s('until')! }) }, now);
  let wave: number | undefined;
  if (s('wave') !== undefined) {
    wave = Number(s('wave'));
    if (!/^\d{1,2}$/.test(s('wave')!) || wave < 1 || wave > MAX_WAVE) throw new UsageError(`--wave is a wave number from 1 (the first wave) to ${MAX_WAVE}, as status shows it`);
  }
  const body: Record<string, string | number> = {};
  if (watch !== undefined) body.watch = watch;
  for (const k of ['environment', 'tag', 'reason'] as const) if (s(k) !== undefined) body[k] = s(k)!;
  if (wave !== undefined) body.wave = wave;
  if (until !== undefined) body.until = until;
  return body;
}

export function parseInvocation(command: OperationsCommand, argv: readonly string[], env: NodeJS.ProcessEnv, now: number): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { server: { type: 'string' }, 'token-file': { type: 'string' }, json: { type: 'boolean' }, environment: { type: 'string', short: 'e' }, tag: { type: 'string' }, wave: { type: 'string' }, reason: { type: 'string', short: 'r' }, for: { type: 'string' }, until: { type: 'string' }, token: { type: 'string' } },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.token !== undefined) throw new UsageError(`--token is not accepted (a flag value shows in process listings); set ${TOKEN_ENV} or use --token-file`);
  if (positionals.length > 1) throw new UsageError(`one watch at a time (got ${positionals.join(', ')})`);
  const server = values.server ?? env[SERVER_ENV];
  if (!server) throw new UsageError(`name the service: --server URL or ${SERVER_ENV}`);
  const token = values['token-file'] !== undefined ? { file: values['token-file'] } : { env: TOKEN_ENV };
  return { command, server, token, json: values.json ?? false, body: bodyOf(command, values, positionals[0], now) };
}
