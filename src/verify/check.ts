// One cosign signature checked against what the operator trusts, with Sigstore's own verifier.
// Key signatures: the signature and the sha256 of its payload become a message-signature bundle
// (@sigstore/bundle), and @sigstore/verify checks it against a trust material holding just our keys.
// Key-based cosign signatures carry no transparency-log entry or timestamp we are asked to require,
// so the verifier's log and timestamp thresholds are 0: trust comes from the operator's keys alone.
// Keyless signatures (a certificate and a Rekor bundle) go to keyless.ts.
import { toMessageSignatureBundle } from '@sigstore/bundle';
import { crypto as sigstoreCrypto } from '@sigstore/core';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { KeylessSpec } from '../config/types.ts';
import type { NamedKey } from './keys.ts';
import { verifyKeyless } from './keyless.ts';
import type { TrustRoot } from './trusted-root.ts';
import type { CosignSignature } from './types.ts';

const NO_ROOT: TrustedRoot = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
const KEY_ONLY = { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 };

/** What the operator trusts for one rule: public keys, and/or a keyless identity under a trust root. */
export interface Trust {
  readonly keys: readonly NamedKey[];
  readonly keyless?: { readonly spec: KeylessSpec; readonly root: TrustRoot };
}

/** The name of the first key whose signature over `payload` verifies, or undefined. */
export function verifyWithKeys(payload: Buffer, signatureBase64: string, keys: readonly NamedKey[]): string | undefined {
  const signature = Buffer.from(signatureBase64, 'base64');
  const digest = sigstoreCrypto.digest('sha256', payload);
  for (const [index, { name, key }] of keys.entries()) {
    const hint = String(index);
    const bundle = toMessageSignatureBundle({ digest, signature, keyHint: hint });
    const trust = toTrustMaterial(NO_ROOT, (wanted) => {
      if (wanted !== hint) throw new Error(`unknown key hint ${wanted}`);
      return { publicKey: key, validFor: () => true };
    });
    try {
      new Verifier(trust, KEY_ONLY).verify(toSignedEntity(bundle, payload));
      return name;
    } catch {
      // Not this key (or not a valid signature at all): try the next one.
    }
  }
  return undefined;
}

/** Who vouches for `payload` through this signature, or why nobody the operator trusts does. */
export function checkSignature(payload: Buffer, signature: CosignSignature, trust: Trust): { signer: string } | { problem: string } {
  const key = verifyWithKeys(payload, signature.signature, trust.keys);
  if (key !== undefined) return { signer: key };
  if (trust.keyless === undefined) return { problem: 'signature by an unknown key' };
  if (signature.certificate === undefined) {
    return { problem: trust.keys.length > 0 ? 'signature by an unknown key' : 'signature by a key, not by a keyless certificate' };
  }
  const result = verifyKeyless(payload, signature.signature, { certificate: signature.certificate, ...(signature.rekorBundle !== undefined && { rekorBundle: signature.rekorBundle }) }, trust.keyless.spec, trust.keyless.root);
  return 'identity' in result ? { signer: `keyless ${result.identity}` } : result;
}
