// Shared bits of the registry tests: a RegistryConfig for a loopback registry, a logger whose output
// the test can read back, and a sleep that records what the client asked to wait and returns at once
// (so retry tests assert the delays chosen, never the time taken).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RegistryConfig } from '../../src/config/types.ts';
import { createLogger, type Logger } from '../../src/shared/log.ts';
import { createRegistryClient, type RegistryClientOptions } from '../../src/registry/client.ts';

export function registryConfig(url: string, overrides: Partial<RegistryConfig> = {}): RegistryConfig {
  return {
    host: new URL(url).host,
    url,
    auth: { kind: 'none' },
    insecure: false,
    requestsPerSecond: 0,
    timeoutMs: 5_000,
    maxConcurrency: 4,
    requestBudget: 10_000,
    maxPages: 50,
    maxTags: 100_000,
    maxTagListBytes: 16 * 1024 * 1024,
    authRealms: [],
    ...overrides,
  };
}

export interface CapturedLogs {
  readonly logger: Logger;
  text(): string;
  records(): Array<Record<string, unknown>>;
}

/** A debug-level pino logger writing into memory. */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
  return {
    logger,
    text: () => lines.join(''),
    records: () => lines.join('').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export interface RecordingSleep {
  (ms: number, signal?: AbortSignal): Promise<void>;
  readonly calls: number[];
}

export function recordingSleep(): RecordingSleep {
  const calls: number[] = [];
  const sleep = async (ms: number): Promise<void> => {
    calls.push(ms);
  };
  return Object.assign(sleep, { calls });
}

/** A client with test defaults (fast retries, recorded sleeps); returns the logs and sleeps too. */
export function testClient(config: RegistryConfig, extra: Partial<RegistryClientOptions> = {}) {
  const logs = captureLogs();
  const sleep = recordingSleep();
  const client = createRegistryClient({ config, logger: logs.logger, sleep, random: () => 0.5, retry: { baseDelayMs: 10, maxDelayMs: 100 }, ...extra });
  return { client, logs, sleep };
}

/** A loopback listener that counts every request it receives (to prove nothing reached it). */
export async function startSink(): Promise<{ url: string; hits: () => number; stop: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"name":"x","tags":["from-the-other-origin"]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
