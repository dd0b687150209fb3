// Finding the cosign signatures of one manifest digest. The OCI 1.1 referrers API first
// (distribution-spec v1.1 "Listing Referrers", filtered by cosign's signature artifact type), then
// cosign's tag scheme (`sha256-<hex>.sig`, cosign's specs/SIGNATURE_SPEC.md), which cosign still
// writes by default and which registries without the referrers API (Distribution 2.8) only have.
// A registry that answers the referrers request with 404 lacks the API: it is not asked again, so
// a new digest costs two requests there (the signature manifest and its payload).
import type { ArtifactReads } from '../registry/types.ts';
import { COSIGN_SIG_ARTIFACT, MAX_SIGNATURES, referrerDigests, signatureTag, signaturesIn } from './cosign-format.ts';
import type { CosignSignature, SignatureSource } from './types.ts';

export interface Found {
  readonly via: SignatureSource;
  readonly signatures: readonly CosignSignature[];
}

export interface DiscoverInput {
  readonly reads: ArtifactReads;
  readonly repository: string;
  readonly digest: string;
  /** True when this registry answered a referrers request with 404 before (remembered by the caller). */
  readonly noReferrersApi: boolean;
  readonly signal?: AbortSignal;
}

/** Signatures found, and whether the registry turned out to lack the referrers API. */
export async function discoverSignatures(input: DiscoverInput): Promise<{ found?: Found; noReferrersApi: boolean }> {
  const { reads, repository, digest, signal } = input;
  let noReferrersApi = input.noReferrersApi;
  if (!noReferrersApi) {
    const index = await reads.referrers(repository, digest, COSIGN_SIG_ARTIFACT, signal);
    if (index === undefined) noReferrersApi = true;
    else {
      const signatures: CosignSignature[] = [];
      for (const manifestDigest of referrerDigests(index)) {
        const manifest = await reads.manifest(repository, manifestDigest, signal);
        if (manifest) signatures.push(...signaturesIn(manifest.body));
        if (signatures.length >= MAX_SIGNATURES) break;
      }
      if (signatures.length > 0) return { found: { via: 'referrers', signatures: signatures.slice(0, MAX_SIGNATURES) }, noReferrersApi };
    }
  }
  const manifest = await reads.manifest(repository, signatureTag(digest), signal);
  const signatures = manifest ? signaturesIn(manifest.body) : [];
  return { ...(signatures.length > 0 && { found: { via: 'tag' as const, signatures } }), noReferrersApi };
}
