// The small top-level sections: server, polling, cache and cmp.
import type { CmpConfig, OperatorToken, PollingConfig, ServerConfig, WebhookConfig } from './types.ts';
import { DEFAULTS } from './defaults.ts';
import { readSecretPair } from './parse-secret.ts';
import { child, optionalString, readBoolean, readList, readMapping, readNumber, readOptionalMapping, readString, report, type IssueSink } from './reader.ts';

/** `host:port`, `[v6]:port` or `:port`; port 0 asks the OS for a free one (tests). */
export function parseListen(text: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]*)):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

function readWebhooks(sink: IssueSink, value: unknown, path: string): WebhookConfig {
  const m = readOptionalMapping(sink, value, path, ['secret', 'secretFile']);
  const secret = m === undefined ? undefined : readSecretPair(sink, m, path, 'secret');
  return secret === undefined ? {} : { secret };
}

function readClientLimits(sink: IssueSink, m: Record<string, unknown>, path: string): Pick<ServerConfig, 'headersTimeoutSeconds' | 'requestTimeoutSeconds' | 'maxUnauthenticatedConnections'> {
  const headersTimeoutSeconds = readNumber(sink, m.headersTimeoutSeconds, child(path, 'headersTimeoutSeconds'), DEFAULTS.headersTimeoutSeconds, { min: 1, max: 600, integer: true });
  const requestTimeoutSeconds = readNumber(sink, m.requestTimeoutSeconds, child(path, 'requestTimeoutSeconds'), Math.max(DEFAULTS.requestTimeoutSeconds, headersTimeoutSeconds), { min: 1, max: 600, integer: true });
  if (requestTimeoutSeconds < headersTimeoutSeconds) report(sink, child(path, 'requestTimeoutSeconds'), `must be at least headersTimeoutSeconds (${headersTimeoutSeconds}), got ${requestTimeoutSeconds}`);
  const maxUnauthenticatedConnections = readNumber(sink, m.maxUnauthenticatedConnections, child(path, 'maxUnauthenticatedConnections'), DEFAULTS.maxUnauthenticatedConnections, { min: 1, max: 100_000, integer: true });
  return { headersTimeoutSeconds, requestTimeoutSeconds, maxUnauthenticatedConnections };
}

/** Operator token names: recorded as who took an action (operations/record.ts OPERATOR_NAME). */
const OPERATOR_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,62}$/;
const MAX_OPERATOR_TOKENS = 64;

function readOperatorTokens(sink: IssueSink, value: unknown, path: string): OperatorToken[] {
  const names = new Set<string>();
  const tokens = readList(sink, value, path, (element, at) => {
    const m = readMapping(sink, element, at, ['name', 'token', 'tokenFile']);
    if (m === undefined) return undefined;
    const name = readString(sink, m.name, child(at, 'name'));
    if (name !== undefined && !OPERATOR_NAME.test(name)) report(sink, child(at, 'name'), `"${name.slice(0, 64)}" is not a name (letters, digits, . _ @ -; at most 63; it is recorded as who acted)`);
    else if (name !== undefined && names.has(name)) report(sink, child(at, 'name'), `"${name}" is named twice; every operator token needs its own name`);
    const token = readSecretPair(sink, m, at, 'token');
    if (token === undefined && m.token === undefined && m.tokenFile === undefined) report(sink, at, 'give the token as tokenFile: PATH or token: { file | env }');
    if (name === undefined || !OPERATOR_NAME.test(name) || names.has(name) || token === undefined) return undefined;
    names.add(name);
    return { name, token };
  });
  if (tokens.length > MAX_OPERATOR_TOKENS) report(sink, path, `at most ${MAX_OPERATOR_TOKENS} operator tokens, got ${tokens.length}`);
  return tokens;
}

export function readServer(sink: IssueSink, value: unknown): ServerConfig {
  const path = 'server';
  const m = readOptionalMapping(sink, value, path, ['listen', 'token', 'tokenFile', 'viewerToken', 'viewerTokenFile', 'proxySecret', 'proxySecretFile', 'operatorTokens', 'webhooks', 'refreshApplicationSets', 'headersTimeoutSeconds', 'requestTimeoutSeconds', 'maxUnauthenticatedConnections']) ?? {};
  let listen = parseListen(DEFAULTS.listen)!;
  if (m.listen !== undefined) {
    const text = readString(sink, m.listen, child(path, 'listen'));
    const parsed = text === undefined ? undefined : parseListen(text);
    if (text !== undefined && parsed === undefined) report(sink, child(path, 'listen'), `"${text}" is not host:port (write e.g. "0.0.0.0:8080" or "[::]:8080")`);
    if (parsed !== undefined) listen = parsed;
  }
  const token = readSecretPair(sink, m, path, 'token') ?? { file: DEFAULTS.tokenFile };
  // The status page's own secrets: never the generator token, which must not reach a browser.
  const viewerToken = readSecretPair(sink, m, path, 'viewerToken');
  const proxySecret = readSecretPair(sink, m, path, 'proxySecret');
  return {
    host: listen.host,
    port: listen.port,
    token,
    ...(viewerToken && { viewerToken }),
    ...(proxySecret && { proxySecret }),
    operatorTokens: readOperatorTokens(sink, m.operatorTokens, child(path, 'operatorTokens')),
    webhooks: readWebhooks(sink, m.webhooks, child(path, 'webhooks')),
    refreshApplicationSets: readBoolean(sink, m.refreshApplicationSets, child(path, 'refreshApplicationSets'), DEFAULTS.refreshApplicationSets),
    ...readClientLimits(sink, m, path),
  };
}

export function readPolling(sink: IssueSink, value: unknown): PollingConfig {
  const path = 'polling';
  const m = readOptionalMapping(sink, value, path, ['intervalSeconds', 'jitter', 'maxBackoffSeconds']) ?? {};
  const intervalSeconds = readNumber(sink, m.intervalSeconds, child(path, 'intervalSeconds'), DEFAULTS.intervalSeconds, { min: 1, integer: true });
  const jitter = readNumber(sink, m.jitter, child(path, 'jitter'), DEFAULTS.jitter, { min: 0, max: 1 });
  const fallbackBackoff = Math.max(DEFAULTS.maxBackoffSeconds, intervalSeconds);
  const maxBackoffSeconds = readNumber(sink, m.maxBackoffSeconds, child(path, 'maxBackoffSeconds'), fallbackBackoff, { min: 1, integer: true });
  if (m.maxBackoffSeconds !== undefined && maxBackoffSeconds < intervalSeconds) {
    report(sink, child(path, 'maxBackoffSeconds'), `must be at least intervalSeconds (${intervalSeconds}), got ${maxBackoffSeconds}`);
  }
  return { intervalSeconds, jitter, maxBackoffSeconds };
}

export function readCache(sink: IssueSink, value: unknown): { path: string } {
  const m = readOptionalMapping(sink, value, 'cache', ['path']) ?? {};
  return { path: optionalString(sink, m.path, 'cache.path') ?? DEFAULTS.cachePath };
}

/** `spec.steps[].image`: dotted keys, `[]` for "every element of this list". */
const IMAGE_PATH = /^[A-Za-z0-9_-]+(?:\[\])?(?:\.[A-Za-z0-9_-]+(?:\[\])?)*$/;

export function readCmp(sink: IssueSink, value: unknown): CmpConfig {
  const m = readOptionalMapping(sink, value, 'cmp', ['extraImagePaths']) ?? {};
  const extraImagePaths = readList(sink, m.extraImagePaths, 'cmp.extraImagePaths', (element, path) => {
    const text = readString(sink, element, path);
    if (text !== undefined && !IMAGE_PATH.test(text)) {
      report(sink, path, `"${text}" is not a field path (write e.g. "spec.steps[].image")`);
      return undefined;
    }
    return text;
  });
  return { extraImagePaths };
}
