// The registry client's push-time listing (newestPush): the kind's PushApi read page by page through
// the client's transport, so its requests share the registry's budget, pacing, retries and stats.
// ACR's API lives on the registry and takes the registry's own tokens: its pages go through the
// authenticated `call`. The others take the API's authorization header (push-apis.ts). ECR's is an
// AWS API called through the SDK (push-ecr.ts).
import type { RegistryConfig } from '../config/types.ts';
import { pushTimeApiUrl, registryKind } from '../config/registry-kind.ts';
import type { Logger } from '../shared/log.ts';
import type { RequestBudget } from './budget.ts';
import type { EcrSession } from './cloud/ecr.ts';
import { createEcrPushLister } from './push-ecr.ts';
import { createHubLogin, HUB_LOGIN_PROVIDER } from './push-hub-login.ts';
import { registryError } from './errors.ts';
import type { CloudCredentials } from './cloud/login-cache.ts';
import type { Clock } from '../shared/clock.ts';
import type { Credentials } from './credentials.ts';
import { pushApiAuthorization, pushApiFor } from './push-apis.ts';
import { walkPushTimes } from './push-walk.ts';
import type { Call } from './reader.ts';
import type { HttpReply, Transport } from './transport.ts';
import type { TagListing } from './types.ts';

export interface PushClientDeps {
  readonly config: RegistryConfig;
  readonly transport: Transport;
  readonly call: Call;
  readonly credentials: (signal?: AbortSignal) => Promise<Credentials>;
  readonly logger: Logger;
  readonly clock: Clock;
  /** ECR's push times come from DescribeImages through the login's SDK session, paced by the budget. */
  readonly ecr?: { readonly session: EcrSession; readonly budget: RequestBudget };
}

export type PushTimeLister = (repository: string, signal?: AbortSignal) => Promise<TagListing>;

/** Largest page body read from a push-time API (Harbor's 100 artifacts with tags fit in well under 1 MiB). */
export const PUSH_PAGE_BYTES = 4 * 1024 * 1024;

export function createPushTimeLister(deps: PushClientDeps): PushTimeLister | undefined {
  const { config } = deps;
  const kind = registryKind(config);
  if (kind === 'ecr') return deps.ecr && createEcrPushLister({ config, session: deps.ecr.session, budget: deps.ecr.budget, logger: deps.logger });
  const api = pushApiFor(kind);
  if (api === undefined) return undefined;
  const base = new URL(pushTimeApiUrl(config));
  const headers = { accept: 'application/json', 'user-agent': 'argocd-image-plugins' };
  // Docker Hub's API takes a Bearer token made from the user name and password, not the Basic pair
  const hub = kind === 'dockerhub' && (config.auth.kind === 'basic' || config.auth.kind === 'pullSecret')
    ? createHubLogin({ host: config.host, apiBase: base, credentials: deps.credentials, clock: deps.clock, logger: deps.logger, timeoutMs: config.timeoutMs })
    : undefined;
  return (repository, signal) => {
    const get = async (url: URL): Promise<HttpReply> => {
      const req = { method: 'GET' as const, url, repository, maxBytes: PUSH_PAGE_BYTES, ...(signal ? { signal } : {}) };
      if (kind === 'acr') return deps.call({ ...req, headers });
      if (hub) return sendWithHubToken(hub, (authorization) => deps.transport.send({ ...req, headers: { ...headers, authorization } }), { host: config.host, repository, signal });
      const authorization = pushApiAuthorization(kind, await deps.credentials(signal), config.auth.kind === 'token');
      return deps.transport.send({ ...req, headers: authorization ? { ...headers, authorization } : headers });
    };
    return walkPushTimes({ host: config.host, repository, api, base, maxPages: config.maxPages, maxTags: config.maxTags, logger: deps.logger, get });
  };
}

/** A page with the hub API token; a 401 renews the token once (for every caller), then REG_AUTH names the provider. */
async function sendWithHubToken(hub: CloudCredentials, send: (authorization: string) => Promise<HttpReply>, ctx: { host: string; repository: string; signal: AbortSignal | undefined }): Promise<HttpReply> {
  const first = await hub.read(ctx.signal);
  const reply = await send(`Bearer ${first.password}`);
  if (reply.status !== 401) return reply;
  hub.invalidate(first.password);
  const fresh = await hub.read(ctx.signal);
  const again = await send(`Bearer ${fresh.password}`);
  if (again.status !== 401) return again;
  throw registryError('REG_AUTH', `Docker Hub tags API refused the ${HUB_LOGIN_PROVIDER} token (also after a fresh login)`, { host: ctx.host, repository: ctx.repository, status: 401, extra: { provider: HUB_LOGIN_PROVIDER } });
}
