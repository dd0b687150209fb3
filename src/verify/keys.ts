// The configured public keys, read from their files or variables (secrets.ts rereads files, so a
// rotated Secret takes effect) and parsed by @sigstore/core. A key that is not a PEM public key is a
// configuration fault (VERIFY_KEY_INVALID), not a refusal of the image.
import { crypto as sigstoreCrypto } from '@sigstore/core';
import { AppError } from '../shared/errors.ts';
import { describeSecretSource, readSecret, type SecretSource } from '../shared/secrets.ts';

export interface NamedKey {
  /** How messages name the key: its source, never its value. */
  readonly name: string;
  readonly key: sigstoreCrypto.KeyObject;
}

/** Parsed keys by PEM text, so a poll cycle does not parse the same key for every candidate. */
const parsed = new Map<string, sigstoreCrypto.KeyObject>();

function parse(pem: string, source: SecretSource): sigstoreCrypto.KeyObject {
  const known = parsed.get(pem);
  if (known) return known;
  if (!pem.startsWith('-----BEGIN PUBLIC KEY-----')) {
    throw new AppError('VERIFY_KEY_INVALID', `${describeSecretSource(source)} is not a PEM public key (expected "-----BEGIN PUBLIC KEY-----", as in cosign.pub)`);
  }
  let key: sigstoreCrypto.KeyObject;
  try {
    key = sigstoreCrypto.createPublicKey(pem);
  } catch (cause) {
    throw new AppError('VERIFY_KEY_INVALID', `${describeSecretSource(source)} is not a readable public key`, { cause });
  }
  const problem = unsupportedKey(key);
  if (problem) throw new AppError('VERIFY_KEY_INVALID', `${describeSecretSource(source)}: ${problem}`);
  if (parsed.size > 256) parsed.clear();
  parsed.set(pem, key);
  return key;
}

/** The key types cosign makes and Sigstore verifies: ECDSA P-256/384/521, RSA of 2048 bits or more, Ed25519. */
const CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

function unsupportedKey(key: sigstoreCrypto.KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  if (type === 'ec') return CURVES.has(details?.namedCurve ?? '') ? undefined : `ECDSA curve ${details?.namedCurve ?? 'unknown'} is not supported (use P-256, P-384 or P-521)`;
  if (type === 'rsa') return (details?.modulusLength ?? 0) >= 2048 ? undefined : `RSA key of ${details?.modulusLength ?? '?'} bits is too short (at least 2048)`;
  if (type === 'ed25519') return undefined;
  return `${type ?? 'unknown'} keys are not supported (cosign keys are ECDSA P-256, RSA or Ed25519)`;
}

export function readKeys(sources: readonly SecretSource[], env: NodeJS.ProcessEnv = process.env): NamedKey[] {
  return sources.map((source) => ({ name: describeSecretSource(source), key: parse(readSecret(source, env), source) }));
}
