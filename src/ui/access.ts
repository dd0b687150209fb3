// Who may read the status data, decided per request:
// - a browser holding a viewer session cookie (issued by POST /ui/api/login for the viewer token,
//   server.viewerToken; never the generator's token), or
// - argocd-server's proxy extension, which has already authenticated the user and checked Argo CD
//   RBAC (`extensions, invoke`) for the Application in `Argocd-Application-Name`. The service knows
//   it is argocd-server by the secret header the proxy extension config adds (server.proxySecret),
//   compared in constant time. Argo CD strips Cookie and Authorization before proxying, and
//   overrides an incoming header of the same name, so a browser cannot forge it through Argo CD.
//   (Argo CD docs: developer-guide/extensions/proxy-extensions.md, "Incoming/Outgoing Request Headers".)
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/types.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError, type AppError } from '../shared/errors.ts';
import { uiError } from './errors.ts';
import { sameSecret, secretDigest } from '../config/secret-digest.ts';
import { readCookie, SESSION_COOKIE, sessionValid } from './session.ts';

export const PROXY_SECRET_HEADER = 'x-image-plugins-proxy-secret';
/** `<namespace>:<app-name>` as argocd-server sends it; both parts are Kubernetes names. */
const APPLICATION = /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?):([a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?)$/;

export type Viewer =
  | { readonly kind: 'viewer' }
  | { readonly kind: 'argocd'; readonly application: string; readonly project: string; readonly user: string; readonly cluster: { readonly name: string; readonly server: string } };

export interface Access {
  /** The viewer, or the error to answer. */
  authorize(request: FastifyRequest): Viewer | AppError;
  /** True when the presented token is the viewer token; throws when none can be read. */
  checkViewerToken(presented: string): boolean;
  viewerToken(): string | undefined;
}

function header(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  return typeof value === 'string' ? value.slice(0, 512) : '';
}

export function createAccess(deps: { config: () => Config | undefined; clock: Clock; env?: NodeJS.ProcessEnv }): Access {
  const viewer = secretDigest(() => deps.config()?.server.viewerToken, deps.clock, deps.env);
  const proxy = secretDigest(() => deps.config()?.server.proxySecret, deps.clock, deps.env);

  function fromProxy(request: FastifyRequest, presented: string): Viewer | AppError {
    let want;
    try {
      want = proxy.current();
    } catch (err) {
      return uiError('UI_PROXY_REFUSED', `the service cannot read server.proxySecret: ${describeError(err)}`);
    }
    if (!want) return uiError('UI_PROXY_REFUSED', 'a proxy secret header was sent but server.proxySecret is not configured');
    if (!sameSecret(presented, want.digest)) return uiError('UI_PROXY_REFUSED', `wrong ${PROXY_SECRET_HEADER}: it must equal the file named by server.proxySecretFile`);
    const application = header(request, 'argocd-application-name');
    if (!APPLICATION.test(application)) return uiError('UI_PROXY_REFUSED', 'Argocd-Application-Name must be "<namespace>:<application>"');
    return {
      kind: 'argocd',
      application,
      project: header(request, 'argocd-project-name'),
      user: header(request, 'argocd-username'),
      cluster: { name: header(request, 'argocd-target-cluster-name'), server: header(request, 'argocd-target-cluster-url') },
    };
  }

  return {
    authorize(request) {
      const presented = request.headers[PROXY_SECRET_HEADER];
      if (typeof presented === 'string') return fromProxy(request, presented);
      let token;
      try {
        token = viewer.current();
      } catch (err) {
        return uiError('UI_DISABLED', `the service cannot read its viewer token: ${describeError(err)}`);
      }
      if (!token) return uiError('UI_DISABLED', 'the status page is off: set server.viewerTokenFile (a token distinct from server.tokenFile), or open it through Argo CD (server.proxySecretFile)');
      const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (cookie !== undefined && sessionValid(cookie, token.value, deps.clock.now())) return { kind: 'viewer' };
      return uiError('UI_LOGIN_REQUIRED', 'sign in with the viewer token (server.viewerTokenFile)');
    },
    checkViewerToken(presented) {
      const token = viewer.current();
      if (!token) throw uiError('UI_DISABLED', 'the status page is off: set server.viewerTokenFile');
      return sameSecret(presented, token.digest);
    },
    viewerToken: () => viewer.current()?.value,
  };
}
