// Cosign signatures made by a third-party signer. OpenSSL makes the key pair (ECDSA P-256, the key
// type `cosign generate-key-pair` makes) and the signature (`openssl dgst -sha256 -sign`: an ASN.1 DER
// ECDSA signature over the payload bytes, which is what cosign stores). This helper only lays the
// result out as cosign does (cosign specs/SIGNATURE_SPEC.md): a "simple signing" payload pushed as a
// blob, and an OCI manifest under the tag `sha256-<hex>.sig` whose layer carries the base64 signature
// in the `dev.cosignproject.cosign/signature` annotation.
// Why not skopeo: Debian's skopeo 1.9 refuses `--sign-by-sigstore-private-key` ("creating signature:
// Debian-local change: sigstore disabled"), and cosign is not packaged for Debian.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { authHeaders, pushBlob, putManifest, sha256, OCI_MANIFEST, type PushTarget } from './images.ts';

export interface KeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

/** A P-256 key pair in `dir` (key.pem, key.pub), made by openssl. */
export function makeKeyPair(dir: string, name: string): KeyPair {
  const privateKey = join(dir, `${name}.pem`);
  const publicKey = join(dir, `${name}.pub`);
  execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', privateKey], { stdio: 'ignore' });
  execFileSync('openssl', ['pkey', '-in', privateKey, '-pubout', '-out', publicKey], { stdio: 'ignore' });
  return { privateKey, publicKey };
}

/** `openssl dgst -sha256 -sign`: an ASN.1 DER ECDSA signature over `data`. */
export function opensslSign(privateKey: string, data: Buffer, dir: string): Buffer {
  const file = join(dir, `to-sign-${sha256(data).slice(7, 19)}`);
  writeFileSync(file, data);
  return execFileSync('openssl', ['dgst', '-sha256', '-sign', privateKey, file]);
}

/** The payload cosign signs for `image@digest` (containers-signature.5 "JSON Data Format"). */
export function simpleSigningPayload(image: string, digest: string): Buffer {
  return Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': image }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' }, optional: null }));
}

/**
 * Signs `payload` with openssl and pushes it as the cosign signature of `digest` in `repo`.
 * `payload` defaults to the honest one; tests pass another to make a signature for the wrong image.
 */
/** Where a signature goes: cosign's `.sig` tag (default), or an OCI 1.1 referrer of `subject` (cosign's `--registry-referrers-mode=oci-1-1`). */
export interface SignatureOptions {
  readonly extra?: (signature: Buffer) => Record<string, string>;
  readonly referrerOf?: { readonly mediaType: string; readonly size: number };
}

export async function pushCosignSignature(reg: PushTarget, repo: string, digest: string, key: KeyPair, dir: string, payload: Buffer, options: SignatureOptions = {}): Promise<void> {
  const { extra, referrerOf } = options;
  const signature = opensslSign(key.privateKey, payload, dir);
  const config = Buffer.from('{}');
  const headers = await authHeaders(reg, repo);
  await pushBlob(reg, repo, payload, headers);
  await pushBlob(reg, repo, config, headers);
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    ...(referrerOf && { artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json', subject: { mediaType: referrerOf.mediaType, digest, size: referrerOf.size } }),
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: sha256(payload), size: payload.length, annotations: { 'dev.cosignproject.cosign/signature': signature.toString('base64'), ...extra?.(signature) } }],
  };
  const body = Buffer.from(JSON.stringify(manifest));
  await putManifest(reg, repo, referrerOf ? sha256(body) : `${digest.replace(':', '-')}.sig`, body, OCI_MANIFEST, headers);
}

export function publicKeyPem(key: KeyPair): string {
  return readFileSync(key.publicKey, 'utf8');
}
