// cosign's signature layout, read without trusting it (pure). A signature is an OCI image manifest
// whose layers are "simple signing" payloads (media type application/vnd.dev.cosign.simplesigning.v1+json),
// each with its base64 signature in the `dev.cosignproject.cosign/signature` annotation (cosign's
// specs/SIGNATURE_SPEC.md). The payload (containers/image docs/containers-signature.5.md, "JSON Data
// Format") names what was signed: critical.image.docker-manifest-digest and critical.identity.docker-reference.
import { parseImageRef } from '../image/reference.ts';
import type { CosignSignature } from './types.ts';

export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** Keyless signatures: the signing certificate (PEM) and the Rekor bundle (cosign's pkg/oci/static). */
export const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const REKOR_BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
const MAX_CERTIFICATE_CHARS = 16 * 1024;
const MAX_REKOR_BUNDLE_CHARS = 64 * 1024;
/** The artifact type cosign gives signatures it attaches as OCI 1.1 referrers. */
export const COSIGN_SIG_ARTIFACT = 'application/vnd.dev.cosign.artifact.sig.v1+json';
/** More signature layers or referrers than this are not read (one attacker-pushed manifest must not cost unbounded work). */
export const MAX_SIGNATURES = 8;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]{16,2048}={0,2}$/;

const record = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

function parseJson(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    return record(JSON.parse(Buffer.from(body).toString('utf8')));
  } catch {
    return undefined;
  }
}

/** The tag cosign writes a digest's signature under: `sha256:<hex>` → `sha256-<hex>.sig`. */
export function signatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}

/** The certificate and Rekor bundle of a keyless signature layer, when present and of sane size. */
function keylessParts(annotations: Record<string, unknown>): Pick<CosignSignature, 'certificate' | 'rekorBundle'> {
  const certificate = annotations[CERTIFICATE_ANNOTATION];
  const rekorBundle = annotations[REKOR_BUNDLE_ANNOTATION];
  const pemOk = typeof certificate === 'string' && certificate.length <= MAX_CERTIFICATE_CHARS && certificate.startsWith('-----BEGIN CERTIFICATE-----');
  return {
    ...(pemOk && { certificate }),
    ...(pemOk && typeof rekorBundle === 'string' && rekorBundle.length <= MAX_REKOR_BUNDLE_CHARS && { rekorBundle }),
  };
}

/** The simple-signing layers of a signature manifest (others are ignored), at most MAX_SIGNATURES. */
export function signaturesIn(manifest: Uint8Array): CosignSignature[] {
  const layers = parseJson(manifest)?.layers;
  if (!Array.isArray(layers)) return [];
  const out: CosignSignature[] = [];
  for (const layer of layers.slice(0, MAX_SIGNATURES)) {
    const l = record(layer);
    const signature = record(l?.annotations)?.[SIGNATURE_ANNOTATION];
    if (l?.mediaType !== SIMPLE_SIGNING || typeof l.digest !== 'string' || !DIGEST.test(l.digest) || typeof signature !== 'string' || !BASE64.test(signature)) continue;
    out.push({ payloadDigest: l.digest, payloadSize: typeof l.size === 'number' ? l.size : -1, signature, ...keylessParts(record(l.annotations)!) });
  }
  return out;
}

/** Manifest digests of cosign signatures in a referrers index, at most MAX_SIGNATURES. */
export function referrerDigests(index: Uint8Array): string[] {
  const manifests = parseJson(index)?.manifests;
  if (!Array.isArray(manifests)) return [];
  return manifests
    .map(record)
    .filter((m) => m?.artifactType === COSIGN_SIG_ARTIFACT && typeof m.digest === 'string' && DIGEST.test(m.digest))
    .slice(0, MAX_SIGNATURES)
    .map((m) => m!.digest as string);
}

/** Why a verified payload does not vouch for `digest` in `image`, or undefined when it does. */
export function payloadProblem(payload: Uint8Array, digest: string, image: string): string | undefined {
  const critical = record(parseJson(payload)?.critical);
  if (critical === undefined) return 'the signed payload is not a cosign simple-signing document';
  const signed = record(critical.image)?.['docker-manifest-digest'];
  if (signed !== digest) return `the signature is for another digest (${typeof signed === 'string' ? signed.slice(0, 19) : 'none'}…)`;
  const reference = record(critical.identity)?.['docker-reference'];
  if (typeof reference !== 'string') return 'the signed payload names no repository';
  const parsed = parseImageRef(reference);
  if (!parsed.ok || parsed.ref.name !== image) return `the signature is for another repository (${reference.slice(0, 100)})`;
  return undefined;
}
