// The root logger. Every module gets a child of it (`{ module: 'poller' }`); nothing else builds
// a pino instance. Secrets are removed at serialisation time by the redact list below.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Paths pino blanks out wherever they appear in a log record. */
export const REDACT_PATHS = [
  'authorization',
  'password',
  'token',
  'secret',
  'credentials',
  '*.authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.credentials',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-registry-webhook-secret"]',
  'headers.authorization',
];

export interface LoggerOptions {
  level?: string;
  /** Where records go; defaults to stdout. The CMP passes fd 2 since its stdout carries manifests. */
  destination?: DestinationStream | number;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination =
    typeof options.destination === 'number' || options.destination === undefined
      ? pino.destination({ fd: options.destination ?? 1, sync: true })
      : options.destination;
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { name: 'argocd-image-plugins' },
    },
    destination,
  );
}
