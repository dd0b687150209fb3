// One cosign signature checked against the configured keys with Sigstore's own verifier: the
// signature and the sha256 of its payload become a message-signature bundle (@sigstore/bundle), and
// @sigstore/verify checks it against a trust material holding just our keys. Key-based cosign
// signatures carry no transparency-log entry or timestamp we are asked to require, so the verifier's
// log and timestamp thresholds are 0: trust comes from the operator's keys alone.
import { toMessageSignatureBundle } from '@sigstore/bundle';
import { crypto as sigstoreCrypto } from '@sigstore/core';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { NamedKey } from './keys.ts';

const NO_ROOT: TrustedRoot = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
const KEY_ONLY = { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 };

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
