// Keyless cosign signatures: a short-lived certificate (Fulcio) names who signed, and a transparency
// log entry (Rekor) proves when. @sigstore/verify checks everything cryptographic against the
// operator's trust root: the certificate chains to one of its CAs at the log's integratedTime, the
// log's SignedEntryTimestamp verifies with one of its log keys, the entry's body matches the
// signature and payload digest, the signature verifies with the certificate's key, and, when the root
// lists certificate-transparency logs, the certificate carries an SCT from one. We then compare the
// identity it returns (Fulcio's issuer extension 1.3.6.1.4.1.57264.1.8, or .1.1, and the SAN) with
// the configured issuer and subject. No crypto here.
import { toMessageSignatureBundle } from '@sigstore/bundle';
import { crypto as sigstoreCrypto, pem } from '@sigstore/core';
import { toSignedEntity, Verifier, VerificationError, type Signer } from '@sigstore/verify';
import type { KeylessSpec } from '../config/types.ts';
import { rekorEntry } from './rekor-bundle.ts';
import type { TrustRoot } from './trusted-root.ts';

export interface KeylessEvidence {
  /** PEM leaf certificate from the `dev.sigstore.cosign/certificate` annotation. */
  readonly certificate: string;
  /** The `dev.sigstore.cosign/bundle` annotation (JSON), if any. */
  readonly rekorBundle?: string;
}

export type KeylessResult = { readonly identity: string } | { readonly problem: string };

function failure(err: unknown): string {
  if (!(err instanceof VerificationError)) return `keyless signature does not verify (${err instanceof Error ? err.message : String(err)})`;
  if (err.code === 'CERTIFICATE_ERROR') return `certificate not issued by the trusted root's CA at the signing time (${err.message})`;
  if (err.code.startsWith('TLOG')) return `transparency-log entry does not verify with the trusted root (${err.message})`;
  if (err.code === 'SIGNATURE_ERROR') return 'the signature does not verify with its certificate';
  return `keyless signature does not verify (${err.code}: ${err.message})`;
}

/** Who the signer is, when it is one the spec accepts; else what is wrong, in an operator's words. */
export function identityProblem(signer: Signer, spec: KeylessSpec): string | undefined {
  const issuer = signer.identity?.extensions?.issuer;
  const subject = signer.identity?.subjectAlternativeName;
  if (issuer !== spec.issuer) return `certificate from issuer ${issuer ?? '(none)'}, not ${spec.issuer}`;
  if (subject === undefined) return 'certificate names no subject (no email or URI SAN)';
  if (spec.subject !== undefined && subject !== spec.subject) return `signed by ${subject.slice(0, 200)}, not ${spec.subject}`;
  if (spec.subjectRegExp !== undefined && !spec.subjectRegExp.test(subject)) return `signed by ${subject.slice(0, 200)}, which does not match ${spec.subjectRegExp.source}`;
  return undefined;
}

export function verifyKeyless(payload: Buffer, signatureBase64: string, evidence: KeylessEvidence, spec: KeylessSpec, root: TrustRoot): KeylessResult {
  if (evidence.rekorBundle === undefined) return { problem: 'keyless signature without a transparency-log entry (no Rekor bundle), so its certificate cannot be dated' };
  const entry = rekorEntry(evidence.rekorBundle);
  if (typeof entry === 'string') return { problem: entry };
  let certificate: Buffer;
  try {
    certificate = pem.toDER(evidence.certificate);
  } catch {
    return { problem: 'its certificate is not PEM' };
  }
  const digest = sigstoreCrypto.digest('sha256', payload);
  const bundle = toMessageSignatureBundle({ digest, signature: Buffer.from(signatureBase64, 'base64'), certificate });
  const withLog = { ...bundle, verificationMaterial: { ...bundle.verificationMaterial, tlogEntries: [entry] } };
  let signer: Signer;
  try {
    const thresholds = { tlogThreshold: 1, timestampThreshold: 1, ctlogThreshold: root.ctlogs > 0 ? 1 : 0 };
    signer = new Verifier(root.material, thresholds).verify(toSignedEntity(withLog, payload));
  } catch (err) {
    return { problem: failure(err) };
  }
  const problem = identityProblem(signer, spec);
  return problem === undefined ? { identity: `${signer.identity!.subjectAlternativeName} (issuer ${spec.issuer})` } : { problem };
}
