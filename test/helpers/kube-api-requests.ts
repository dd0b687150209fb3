// Every request the loopback Kubernetes API peer receives, recorded when it arrives (a watch is a
// request that stays open: counted once, when it starts), with the Bearer token that made it, so a
// benchmark can count one client's requests per minute by verb and resource and tell a watch
// stream from polling. Verbs are those of the API's authorization attributes (list, watch, get,
// create, update, patch, delete; https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb).
import { eventsRequest } from './kube-api-events.ts';
import { objectRequest } from './kube-api-objects.ts';

export interface RequestStart {
  /** performance.now() of the peer's process when the request arrived. */
  readonly at: number;
  readonly token: string;
  readonly verb: string;
  readonly resource: string;
}

const OTHER = /^(?:\/api\/v1|\/apis\/argoproj\.io\/v1alpha1)\/namespaces\/[^/]+\/(secrets|applicationsets)(\/[^/]+)?$/;

/** The verb and resource of a request, as the API server's authorizer names them. */
export function classify(method: string, url: URL): { verb: string; resource: string } {
  const object = objectRequest(method, url);
  if (object) return { verb: object.verb, resource: object.resource };
  const event = eventsRequest(method, url);
  if (event) return { verb: event.verb, resource: 'events' };
  const m = url.pathname.match(OTHER);
  if (!m) return { verb: method.toLowerCase(), resource: 'unknown' };
  return { verb: method === 'PATCH' ? 'patch' : m[2] ? 'get' : 'list', resource: m[1]! };
}

export function requestStart(method: string, url: URL, token: string): RequestStart {
  return { at: performance.now(), token, ...classify(method, url) };
}

/** Requests made with `token` between `from` and `to` (performance.now()), per minute, by "verb resource". */
export function perMinute(starts: readonly RequestStart[], token: string, from: number, to: number): Record<string, number> {
  const minutes = (to - from) / 60_000;
  const counts: Record<string, number> = {};
  for (const s of starts) if (s.token === token && s.at >= from && s.at < to) counts[`${s.verb} ${s.resource}`] = (counts[`${s.verb} ${s.resource}`] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort().map(([k, n]) => [k, n / minutes]));
}
