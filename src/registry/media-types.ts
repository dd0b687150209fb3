// Manifest media types and the Accept list sent on every manifest request.
// Always all four (verified on Distribution 2.8): without the OCI types an OCI
// manifest or index answers 404 MANIFEST_UNKNOWN (even by digest); without Docker v2 a Docker image is
// silently rewritten to schema 1 with a different digest; with Docker v2 only, a manifest list
// resolves to its linux/amd64 child. Any of these would make us record a wrong digest.

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

export const INDEX_TYPES: readonly string[] = [OCI_INDEX, DOCKER_LIST];
export const IMAGE_TYPES: readonly string[] = [OCI_MANIFEST, DOCKER_MANIFEST];
export const MANIFEST_TYPES: readonly string[] = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST];

/** One comma-separated header: what Distribution, Docker Hub, GHCR, ECR and Quay all accept. */
export const MANIFEST_ACCEPT = MANIFEST_TYPES.join(', ');

/** `application/vnd.oci.image.manifest.v1+json; charset=utf-8` → the bare type, lower case. */
export function baseMediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const bare = contentType.split(';')[0]?.trim().toLowerCase();
  return bare === undefined || bare === '' ? undefined : bare;
}

export function isManifestType(mediaType: string | undefined): mediaType is string {
  return mediaType !== undefined && MANIFEST_TYPES.includes(mediaType);
}

export function isIndexType(mediaType: string): boolean {
  return INDEX_TYPES.includes(mediaType);
}
