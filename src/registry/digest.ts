// Content digests (OCI image-spec "Digests": algorithm ":" encoded). The registry's
// `Docker-Content-Digest` is checked against bytes we hash ourselves whenever we hold the bytes.
import { createHash } from 'node:crypto';

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** The digest of `body` with the algorithm of `like` (sha256 unless `like` is a sha512 digest). */
export function digestOf(body: Uint8Array, like?: string): string {
  const algorithm = like?.startsWith('sha512:') ? 'sha512' : 'sha256';
  return `${algorithm}:${createHash(algorithm).update(body).digest('hex')}`;
}
