// Which push-time API a registry kind has, and what authorization it takes. Credentials go only to
// the API base URL the config names (registries[].apiUrl) or the vendor's own endpoint for the kind.
//  - Harbor: HTTP Basic (a robot account), as its swagger's securityDefinitions say;
//  - Quay: `Authorization: Bearer` with an OAuth / access token (auth.token); Docker Hub the same, or,
//    with a user name and password, a hub API token made from them (push-hub-login.ts);
//  - GAR: `Bearer` with an OAuth2 access token (auth.token, or the password of `oauth2accesstoken`);
//  - ACR: the registry's own token flow (handled by the client's challenge answering, not here).
import type { RegistryKind } from '../config/types.ts';
import { basicHeader } from './auth.ts';
import type { Credentials } from './credentials.ts';
import { acrApi } from './push-acr.ts';
import { dockerHubApi } from './push-dockerhub.ts';
import { garApi } from './push-gar.ts';
import { harborApi } from './push-harbor.ts';
import { quayApi } from './push-quay.ts';
import type { PushApi } from './push-types.ts';

const APIS: Partial<Record<RegistryKind, PushApi>> = { dockerhub: dockerHubApi, harbor: harborApi, quay: quayApi, acr: acrApi, gar: garApi };

export function pushApiFor(kind: RegistryKind): PushApi | undefined {
  return APIS[kind];
}

/** The Authorization header for the push-time API of `kind`, or undefined to ask anonymously. */
export function pushApiAuthorization(kind: RegistryKind, creds: Credentials, tokenAuth: boolean): string | undefined {
  if (creds.kind === 'anonymous') return undefined;
  switch (kind) {
    case 'harbor':
      return basicHeader(creds.username, creds.password);
    case 'gar':
      return `Bearer ${creds.password}`;
    case 'quay':
    case 'dockerhub':
      return tokenAuth ? `Bearer ${creds.password}` : undefined;
    default:
      return undefined;
  }
}
