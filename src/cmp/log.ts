// The CMP's stderr. A render must start fast (the sidecar runs it for every render of every app), and
// it writes one summary line, so instead of loading pino it writes the same record shape pino would
// (numeric level, time, name, msg) through this small writer. The failure reason is plain text:
// Argo CD shows stderr verbatim on the Application when the command fails (Argo CD's config-management-plugins.md).
import type { Clock } from '../shared/clock.ts';
import { isAppError } from '../shared/errors.ts';

export interface CmpLog {
  info(msg: string, fields: Record<string, unknown>): void;
  warn(msg: string, fields: Record<string, unknown>): void;
}

const LEVELS = { info: 30, warn: 40 } as const;

export function createCmpLog(write: (line: string) => void, clock: Clock): CmpLog {
  const record = (level: keyof typeof LEVELS, msg: string, fields: Record<string, unknown>): void => {
    write(`${JSON.stringify({ level: LEVELS[level], time: clock.now(), name: 'argocd-image-plugins', module: 'cmp', ...fields, msg })}\n`);
  };
  return { info: (msg, fields) => record('info', msg, fields), warn: (msg, fields) => record('warn', msg, fields) };
}

/** The one-paragraph reason printed when a command fails. */
export function failureText(command: string, err: unknown): string {
  if (isAppError(err)) return `argocd-image-plugins ${command} failed (${err.code}): ${err.message.replace(/\n\s*\n/g, '\n').trim()}\n`;
  const message = err instanceof Error ? err.message : String(err);
  return `argocd-image-plugins ${command} failed: ${message.replace(/\n\s*\n/g, '\n').trim()}\n`;
}
