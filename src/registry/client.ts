// The registry client the poller uses: OCI Distribution API v1.1 reads over undici
// (https://github.com/opencontainers/distribution-spec/blob/main/spec.md): tags list (every page),
// manifest HEAD (digest), manifest + config GET (platforms, created). One client per configured registry;
// it holds that registry's connection pool, budget, concurrency bound and token cache.
import { setTimeout as delay } from 'node:timers/promises';
import type { RegistryConfig } from '../config/types.ts';
import type { Logger } from '../shared/log.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import { isAppError } from '../shared/errors.ts';
import type { ImageDetails, ManifestHead, RegistryClient, RequestOptions, TagListing } from './types.ts';
import { createDispatchers } from './dispatcher.ts';
import { createBudget, createLimiter, type RequestBudget, type Sleep } from './budget.ts';
import { createRateWindow, type RateWindow } from './rate-window.ts';
import { createTransport, type HttpReply, type Transport } from './transport.ts';
import { createAuthenticator, type Authenticator } from './authenticator.ts';
import { readCredentials, type Credentials, type PullSecretReader } from './credentials.ts';
import { cloudCredentialsFor } from './cloud/provider.ts';
import { createEcrSession } from './cloud/ecr.ts';
import { pullScope } from './auth.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.ts';
import { registryError } from './errors.ts';
import { isDigest } from './digest.ts';
import { createReader, type Call, type Reader } from './reader.ts';
import { listAllTags } from './tags.ts';
import { createArtifactReads } from './artifacts.ts';
import { createPushTimeLister } from './push-client.ts';

export interface RegistryClientOptions {
  readonly config: RegistryConfig;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Where `{ env: NAME }` secrets are read from (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  readonly retry?: Partial<RetryPolicy>;
  /** Waits between retries and for pacing slots (tests pass one that records and returns at once). */
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly limits?: Partial<BodyLimits>;
  /** The watched pull Secrets (`auth.pullSecret`); without it such credentials fail with REG_AUTH. */
  readonly pullSecrets?: PullSecretReader;
  /** The window of `rateLimit.credential`, shared by the clients of every entry using the same credentials (the pool makes it). */
  readonly credentialWindow?: RateWindow;
}

export interface BodyLimits {
  readonly manifestBytes: number;
  readonly configBytes: number;
}

export const DEFAULT_LIMITS: BodyLimits = { manifestBytes: 4 * 1024 * 1024, configBytes: 4 * 1024 * 1024 };

const NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : {});
}

function checkReference(host: string, repository: string, reference?: string): void {
  if (!NAME.test(repository) || repository.length > 255) throw registryError('REG_INVALID_REFERENCE', `invalid repository name ${JSON.stringify(repository)}`, { host });
  if (reference !== undefined && !TAG.test(reference) && !isDigest(reference)) {
    throw registryError('REG_INVALID_REFERENCE', `invalid tag or digest ${JSON.stringify(reference)}`, { host, repository });
  }
}

/** The registry's base URL, refused when it carries credentials. */
function baseUrl(config: RegistryConfig): URL {
  const base = new URL(config.url);
  if (base.username !== '' || base.password !== '') {
    throw registryError('REG_AUTH', 'the registry url must not carry credentials; use registries[].auth', { host: config.host });
  }
  return base;
}

/** The configured (non-cloud) credentials; any failure to read them is REG_AUTH naming the cause. */
function staticCredentials(options: RegistryClientOptions): () => Promise<Credentials> {
  const { config } = options;
  return async () => {
    try {
      return readCredentials(config.auth, config.host, options.env, options.pullSecrets);
    } catch (cause) {
      if (isAppError(cause) && cause.code === 'REG_AUTH') throw cause;
      throw registryError('REG_AUTH', isAppError(cause) ? cause.message : 'cannot read registry credentials', { host: config.host, cause });
    }
  };
}

/** The entry's budget: the cycle's requestBudget, rps pacing, and its `rateLimit` windows. */
function budgetFor(options: RegistryClientOptions, clock: Clock, sleep: Sleep): RequestBudget {
  const { config } = options;
  const entry = config.rateLimit && createRateWindow({ configured: { limit: config.rateLimit.requests, windowMs: config.rateLimit.windowSeconds * 1000 } });
  return createBudget({ limit: config.requestBudget, requestsPerSecond: config.requestsPerSecond, clock, sleep, ...(entry && { entry }), ...(options.credentialWindow && { credential: options.credentialWindow }) });
}

/** Manifest reads by tag or digest, each reference checked before anything is sent. */
function manifestReads(host: string, reader: Reader): Pick<RegistryClient, 'headManifest' | 'describeImage'> & Required<Pick<RegistryClient, 'describeTag'>> {
  const refuse = (repository: string, what: string, reference: string): never => {
    throw registryError('REG_INVALID_REFERENCE', `${what}, got ${JSON.stringify(reference)}`, { host, repository });
  };
  return {
    async headManifest(repository: string, reference: string, opts: RequestOptions = {}): Promise<ManifestHead> {
      checkReference(host, repository, reference);
      return reader.headManifest(repository, reference, opts.signal);
    },
    async describeImage(repository: string, digest: string, opts: RequestOptions = {}): Promise<ImageDetails> {
      checkReference(host, repository, digest);
      if (!isDigest(digest)) refuse(repository, 'describeImage needs a digest', digest);
      return reader.describeImage(repository, digest, opts.signal);
    },
    async describeTag(repository: string, tag: string, opts: RequestOptions = {}): Promise<ImageDetails> {
      checkReference(host, repository, tag);
      if (isDigest(tag)) refuse(repository, 'describeTag needs a tag', tag);
      return reader.describeTag(repository, tag, opts.signal);
    },
  };
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient & { close(): Promise<void> } {
  const { config } = options;
  const host = config.host;
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ module: 'registry', registry: host });
  const base = baseUrl(config);
  const prefix = base.pathname.replace(/\/+$/, '');
  const sleep = options.sleep ?? defaultSleep;
  const dispatchers = createDispatchers(config);
  const budget = budgetFor(options, clock, sleep);
  const transport = createTransport({
    host, api: dispatchers.api, blobs: dispatchers.blobs, timeoutMs: config.timeoutMs, budget, limiter: createLimiter(config.maxConcurrency),
    retry: { ...DEFAULT_RETRY, ...options.retry }, clock, sleep, random: options.random ?? Math.random, logger,
  });
  const ecr = config.auth.kind === 'ecr' && !config.auth.public ? createEcrSession(config.auth) : undefined;
  const cloud = cloudCredentialsFor(config, { clock, logger, ...(options.env && { env: options.env }), ...(ecr && { ecr }) });
  const credentials: (signal?: AbortSignal) => Promise<Credentials> = cloud ? (signal) => cloud.read(signal) : staticCredentials(options);
  const auth = createAuthenticator({
    host, registryUrl: base, authRealms: config.authRealms, configured: config.auth.kind !== 'none', ...(cloud && { cloud }), credentials,
    getToken: (url, headers, signal) => transport.send({ method: 'GET', url, headers: { ...headers, accept: 'application/json' }, maxBytes: 1024 * 1024, ...(signal ? { signal } : {}) }),
    clock, logger,
  });
  const call = authenticatedCall(auth, transport);

  const url = (path: string) => new URL(`${prefix}${path}`, base.origin);
  const reader = createReader({ host, call, limits: { ...DEFAULT_LIMITS, ...options.limits }, logger, url });
  const reads = createArtifactReads({ host, call, url });
  const check = (repository: string, reference?: string): void => checkReference(host, repository, reference);
  const pushTimes = createPushTimeLister({ config, transport, call, credentials, logger, clock, ...(ecr && { ecr: { session: ecr, budget } }) });

  return {
    host,
    async listTags(repository: string, opts: RequestOptions = {}): Promise<TagListing> {
      check(repository);
      return listAllTags({ host, repository, maxPages: config.maxPages, maxTags: config.maxTags, maxBytes: config.maxTagListBytes, call, logger, first: new URL(`${prefix}/v2/${repository}/tags/list`, base.origin), ...(opts.signal ? { signal: opts.signal } : {}) });
    },
    ...manifestReads(host, reader),
    ...(pushTimes && {
      listPushTimes(repository: string, opts: RequestOptions = {}): Promise<TagListing> {
        check(repository);
        return pushTimes(repository, opts.signal);
      },
    }),
    artifacts: {
      manifest: (repository, reference, signal) => (check(repository, reference), reads.manifest(repository, reference, signal)),
      blob: (repository, digest, signal) => (check(repository, digest), reads.blob(repository, digest, signal)),
      referrers: (repository, digest, type, signal) => (check(repository, digest), reads.referrers(repository, digest, type, signal)),
    },
    resetBudget: () => budget.reset(),
    pacing: () => ({ readyAt: budget.readyAt(), free: budget.free() }),
    stats: () => ({ requestsByStatus: transport.requestsByStatus(), budgetLeft: budget.left(), rateLimit: budget.rateLimit(), ...budget.windows(), ...budget.counts() }),
    close: () => (cloud?.close(), dispatchers.close()),
  };
}

/**
 * One authenticated request; a 401 is answered once (token or Basic), a second 401 is REG_AUTH. With a
 * cloud login a refused token is renewed once more before REG_AUTH names the provider.
 */
function authenticatedCall(auth: Authenticator, transport: Transport): Call {
  return async (req) => {
    const scope = pullScope(req.repository);
    const headers: Record<string, string> = { 'user-agent': 'argocd-image-plugins', ...req.headers };
    const send = (authorization: string | undefined): Promise<HttpReply> =>
      transport.send({ ...req, url: req.url, headers: authorization ? { ...headers, authorization } : headers });
    // A cached token that fails locally (the request cannot even be sent with it) is evicted, so
    // the next request asks the realm again instead of failing until the token expires.
    const sendEvicting = async (authorization: string | undefined): Promise<HttpReply> => {
      try {
        return await send(authorization);
      } catch (err) {
        if (authorization?.startsWith('Bearer ') && !(isAppError(err) && err.code === 'REG_BUDGET_EXHAUSTED')) auth.evict(scope);
        throw err;
      }
    };
    let sent = await auth.headerFor(scope, req.repository, req.signal);
    let reply = await sendEvicting(sent);
    const attempt = { renewed: false };
    for (let answered = 0; reply.status === 401 && answered < auth.maxAnswers; answered++) {
      sent = await auth.answer(reply, scope, req.repository, sent, attempt, req.signal);
      reply = await sendEvicting(sent);
    }
    return reply;
  };
}
