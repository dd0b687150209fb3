// The operator's Sigstore trust root (`trusted_root.json`, the format of sigstore's protobuf-specs
// TrustedRoot, as `cosign trusted-root create` or the sigstore TUF repository's target writes it),
// read from a mounted file or variable and turned into @sigstore/verify's TrustMaterial. Nothing is
// fetched: a private Fulcio/Rekor deployment or an air-gapped copy of the public one both work.
import { createHash } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { AppError } from '../shared/errors.ts';
import { describeSecretSource, readSecret, type SecretSource } from '../shared/secrets.ts';

/** A trust root larger than this is not a trust root (the public one is about 8 KiB). */
export const MAX_TRUSTED_ROOT_BYTES = 1024 * 1024;

export interface TrustRoot {
  readonly material: TrustMaterial;
  /** Certificate-transparency logs listed: when there are any, each certificate must carry an SCT from one. */
  readonly ctlogs: number;
  /** Identifies the root's content in verdict cache keys (a rotated root re-decides). */
  readonly id: string;
}

const parsed = new Map<string, TrustRoot>();

function invalid(source: SecretSource, why: string, cause?: unknown): AppError {
  return new AppError('VERIFY_TRUST_ROOT_INVALID', `${describeSecretSource(source)} is not a Sigstore trusted_root.json: ${why}`, cause === undefined ? {} : { cause });
}

/** Parses a trusted_root.json text (pure apart from the memo); throws VERIFY_TRUST_ROOT_INVALID. */
export function parseTrustedRoot(text: string, source: SecretSource): TrustRoot {
  const id = createHash('sha256').update(text).digest('hex');
  const known = parsed.get(id);
  if (known) return known;
  if (text.length > MAX_TRUSTED_ROOT_BYTES) throw invalid(source, `larger than ${MAX_TRUSTED_ROOT_BYTES} bytes`);
  let root: TrustedRoot;
  try {
    root = TrustedRoot.fromJSON(JSON.parse(text));
  } catch (cause) {
    throw invalid(source, cause instanceof SyntaxError ? 'not JSON' : 'unreadable', cause);
  }
  if (!root.mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) throw invalid(source, `mediaType is "${root.mediaType.slice(0, 80)}"`);
  if (root.certificateAuthorities.length === 0) throw invalid(source, 'it lists no certificateAuthorities (the Fulcio CA that issues signing certificates)');
  if (root.tlogs.length === 0) throw invalid(source, 'it lists no tlogs (the Rekor log whose entries date each signature)');
  let material: TrustMaterial;
  try {
    material = toTrustMaterial(root);
  } catch (cause) {
    throw invalid(source, `a certificate or key in it does not parse (${cause instanceof Error ? cause.message : String(cause)})`, cause);
  }
  const result = { material, ctlogs: root.ctlogs.length, id };
  if (parsed.size > 32) parsed.clear();
  parsed.set(id, result);
  return result;
}

export function readTrustedRoot(source: SecretSource, env: NodeJS.ProcessEnv = process.env): TrustRoot {
  return parseTrustedRoot(readSecret(source, env), source);
}
