// cosign's Rekor bundle annotation (`dev.sigstore.cosign/bundle` on a signature layer, cosign's
// pkg/cosign/bundle RekorBundle: the log's SignedEntryTimestamp over {body, integratedTime, logIndex,
// logID}) read without trusting it and turned into the TransparencyLogEntry of Sigstore's bundle
// format, which @sigstore/verify checks: the SET against the trust root's log key, the entry's body
// against the signature, and its integratedTime dates the certificate. Pure.
import type { TransparencyLogEntry } from '@sigstore/bundle';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HEX = /^[a-f0-9]{64}$/;
const record = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** The log entry, or why the annotation is not a usable Rekor bundle. */
export function rekorEntry(text: string): TransparencyLogEntry | string {
  let bundle: Record<string, unknown> | undefined;
  try {
    bundle = record(JSON.parse(text));
  } catch {
    return 'its Rekor bundle is not JSON';
  }
  const set = bundle?.SignedEntryTimestamp;
  const payload = record(bundle?.Payload);
  const { body, integratedTime, logIndex, logID } = payload ?? {};
  if (typeof set !== 'string' || !BASE64.test(set) || typeof body !== 'string' || !BASE64.test(body)) return 'its Rekor bundle lacks SignedEntryTimestamp or Payload.body';
  if (!Number.isSafeInteger(integratedTime) || !Number.isSafeInteger(logIndex) || (integratedTime as number) <= 0 || (logIndex as number) < 0) return 'its Rekor bundle has no integratedTime or logIndex';
  if (typeof logID !== 'string' || !HEX.test(logID)) return 'its Rekor bundle has no logID';
  const canonicalizedBody = Buffer.from(body, 'base64');
  let kind: unknown;
  let version: unknown;
  try {
    const parsed = record(JSON.parse(canonicalizedBody.toString('utf8')));
    kind = parsed?.kind;
    version = parsed?.apiVersion;
  } catch {
    return 'its Rekor entry body is not JSON';
  }
  if (typeof kind !== 'string' || typeof version !== 'string') return 'its Rekor entry body names no kind';
  return {
    logIndex: String(logIndex),
    logId: { keyId: Buffer.from(logID, 'hex') },
    kindVersion: { kind, version },
    integratedTime: String(integratedTime),
    inclusionPromise: { signedEntryTimestamp: Buffer.from(set, 'base64') },
    inclusionProof: undefined,
    canonicalizedBody,
  };
}
