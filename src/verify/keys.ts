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
  if (parsed.size > 256) parsed.clear();
  parsed.set(pem, key);
  return key;
}

export function readKeys(sources: readonly SecretSource[], env: NodeJS.ProcessEnv = process.env): NamedKey[] {
  return sources.map((source) => ({ name: describeSecretSource(source), key: parse(readSecret(source, env), source) }));
}
