// What the supply-chain gate says about one manifest digest. Plain data: the poller records it, the
// images API shows it, `resolve` prints it.
import type { RegistryClient } from '../registry/types.ts';
import type { VerifySpec } from '../config/types.ts';

export type Verdict =
  /** `key` names what verified: the public key's file or variable (never its value), or the keyless signer and issuer. */
  | { readonly status: 'verified'; readonly key: string; readonly via: SignatureSource }
  /** Why the digest is not selectable, in words an operator acts on ("signature by an unknown key"). */
  | { readonly status: 'refused'; readonly reason: string };

/** Where a signature was found: the OCI 1.1 referrers API or cosign's `sha256-<hex>.sig` tag. */
export type SignatureSource = 'referrers' | 'tag';

/** One cosign "simple signing" signature: the payload it signs and the base64 signature annotation. */
export interface CosignSignature {
  readonly payloadDigest: string;
  readonly payloadSize: number;
  readonly signature: string;
  /** Keyless: the signing certificate (PEM) and cosign's Rekor bundle (JSON), as annotated. */
  readonly certificate?: string;
  readonly rekorBundle?: string;
}

/** What the poller asks: the verdict for one digest (gate.ts; an interface here so the scan stays free of I/O). */
export interface VerifyRequest {
  readonly client: RegistryClient;
  readonly repository: string;
  /** `registry/repository`, as the payload's docker-reference must name it. */
  readonly image: string;
  readonly digest: string;
  readonly spec: VerifySpec;
  readonly signal?: AbortSignal;
}

export interface GateCounters {
  verified: number;
  refused: number;
  lookupFailures: number;
}

export interface Gate {
  verdict(request: VerifyRequest): Promise<Verdict>;
  /** The kept verdict, if any, without asking the registry. */
  known(request: VerifyRequest): Verdict | undefined;
  /** Verdicts reached since start (a cached verdict is not counted again). */
  readonly counters: Readonly<GateCounters>;
}
