// The registry faults the reliability matrix injects, one repository each, so every fault runs at
// the same time against one service. Most are rules of the protocol peer in front of the real
// registry (test/helpers/protocol-registry.ts); token expiry is the real token issuer handing out
// tokens whose `exp` is already past, which CNCF Distribution then refuses with 401 invalid_token
// (distribution spec/auth/jwt: the registry checks `exp`), exactly what an expired token looks like.
import type { FaultRule, ProtocolRegistry } from '../../test/helpers/protocol-registry.ts';
import type { TokenIssuer } from '../../test/helpers/token-issuer.ts';

/**
 * `stale`: a correct client cannot resolve through this fault; the last good answer must be served,
 * flagged stale. `either`: a correct client may ride through it (e.g. latency under the timeout).
 */
export type Expectation = 'stale' | 'either';

/** Which peer a case's repository lives behind. */
export type Peer = 'main' | 'token';

export interface FaultCase {
  readonly id: string;
  readonly label: string;
  readonly expect: Expectation;
  readonly peer: Peer;
  apply(ctx: FaultContext): void;
  clear(ctx: FaultContext): void;
}

export interface FaultContext {
  readonly peer: ProtocolRegistry;
  readonly issuer?: TokenIssuer;
  /** `/v2/<repository>/` of this case's repository. */
  readonly prefix: string;
}

function peerCase(id: string, label: string, expect: Expectation, rules: (prefix: string) => FaultRule[], peer: Peer = 'main'): FaultCase {
  return {
    id,
    label,
    expect,
    peer,
    apply: (ctx) => rules(ctx.prefix).forEach((r) => ctx.peer.addFault(r)),
    // Faults are cleared peer-wide at once by the runner; nothing to undo per case.
    clear: () => undefined,
  };
}

const all = (fault: FaultRule['fault']) => (prefix: string): FaultRule[] => [{ path: prefix, fault }];
const manifests = (fault: FaultRule['fault']) => (prefix: string): FaultRule[] => [{ path: `${prefix}manifests/`, fault }];
const tagsList = (fault: FaultRule['fault']) => (prefix: string): FaultRule[] => [{ path: `${prefix}tags/list`, fault }];

/** Lifetime of healthy tokens in the matrix (seconds): short, so a cached token does not hide the fault. */
export const TOKEN_TTL_SECONDS = 2;

/** Registry timeout used by the matrix config (seconds); latency cases are set around it. */
export const MATRIX_TIMEOUT_SECONDS = 1;

export const FAULT_CASES: readonly FaultCase[] = [
  peerCase('latency-under', 'latency 300 ms (under the 1 s timeout)', 'either', all({ kind: 'slow-body', delayMs: 300 })),
  peerCase('latency-over', 'latency 2.5 s (over the 1 s timeout)', 'stale', all({ kind: 'slow-body', delayMs: 2500 })),
  peerCase('drop', 'connection dropped', 'stale', all({ kind: 'drop' })),
  peerCase('s500', 'HTTP 500', 'stale', all({ kind: 'status', status: 500 })),
  peerCase('s502', 'HTTP 502', 'stale', all({ kind: 'status', status: 502 })),
  peerCase('s503', 'HTTP 503', 'stale', all({ kind: 'status', status: 503 })),
  peerCase('s503-ra', 'HTTP 503 + Retry-After: 1', 'stale', all({ kind: 'status', status: 503, retryAfter: '1' })),
  peerCase('s429', 'HTTP 429, no Retry-After', 'stale', all({ kind: 'status', status: 429 })),
  peerCase('s429-ra', 'HTTP 429 + Retry-After: 1', 'stale', all({ kind: 'status', status: 429, retryAfter: '1' })),
  peerCase('truncate', 'body truncated (half the bytes)', 'stale', tagsList({ kind: 'truncate' })),
  peerCase('corrupt', 'body corrupted (200, not JSON)', 'stale', tagsList({ kind: 'status', status: 200, body: '{"name":"x","tags":[\u0000\u00ff' })),
  peerCase('tags-null', 'tags list answers {"tags":null}', 'either', tagsList({ kind: 'status', status: 200, body: '{"name":"x","tags":null}' })),
  peerCase('digest', 'wrong Docker-Content-Digest', 'stale', manifests({ kind: 'digest', value: `sha256:${'0'.repeat(64)}` })),
  peerCase('no-digest', 'no Docker-Content-Digest', 'either', manifests({ kind: 'no-digest' })),
  peerCase('ctype', 'wrong Content-Type (text/html)', 'either', all({ kind: 'content-type', value: 'text/html' })),
  {
    id: 'token-expired',
    label: 'token expired (realm issues tokens already past exp)',
    expect: 'stale',
    peer: 'token',
    // Tokens normally live TOKEN_TTL_SECONDS, so the client's cached one lapses soon after the fault starts.
    apply: (ctx) => ctx.issuer?.setExpiresIn(-120),
    clear: (ctx) => ctx.issuer?.setExpiresIn(TOKEN_TTL_SECONDS),
  },
];
