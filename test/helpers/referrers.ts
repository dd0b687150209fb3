// The OCI distribution-spec v1.1 referrers API for the protocol peer (protocol-registry.ts), which
// CNCF Distribution 2.8 lacks. Spec, "Listing Referrers"
// (https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-referrers):
// `GET /v2/<name>/referrers/<digest>` answers 200 with an image index whose `manifests` are the
// descriptors of every manifest whose `subject` is <digest> (artifactType = the manifest's
// artifactType, else its config mediaType; annotations copied), an empty list when there are none;
// `?artifactType=` filters, and the reply then carries `OCI-Filters-Applied: artifactType`.
// The peer learns subjects as a registry does, from manifests PUT through it ("Pushing Manifests with
// Subject": a registry supporting referrers answers such a PUT with the `OCI-Subject` header).
import { createHash } from 'node:crypto';

interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly artifactType?: string;
  readonly annotations?: Record<string, string>;
}

export interface ReferrersStore {
  /** Records `body` if it has a subject; returns the subject digest for the OCI-Subject header. */
  recordPut(name: string, body: Buffer, contentType: string | undefined): string | undefined;
  /** The referrers index for `name@digest`, filtered by artifactType when given. */
  list(name: string, digest: string, artifactType: string | null): { headers: Record<string, string>; body: Buffer };
}

export const REFERRERS_PATH = /^\/v2\/(.+)\/referrers\/(sha256:[a-f0-9]{64})$/;

export function createReferrersStore(): ReferrersStore {
  const bySubject = new Map<string, Descriptor[]>();
  return {
    recordPut(name, body, contentType) {
      let manifest: { mediaType?: string; artifactType?: string; config?: { mediaType?: string }; subject?: { digest?: string }; annotations?: Record<string, string> };
      try {
        manifest = JSON.parse(body.toString('utf8')) as typeof manifest;
      } catch {
        return undefined;
      }
      const subject = manifest.subject?.digest;
      if (typeof subject !== 'string') return undefined;
      const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
      const artifactType = manifest.artifactType ?? manifest.config?.mediaType;
      const descriptor: Descriptor = { mediaType: manifest.mediaType ?? contentType ?? '', digest, size: body.length, ...(artifactType && { artifactType }), ...(manifest.annotations && { annotations: manifest.annotations }) };
      const key = `${name}@${subject}`;
      bySubject.set(key, [...(bySubject.get(key) ?? []).filter((d) => d.digest !== digest), descriptor]);
      return subject;
    },
    list(name, digest, artifactType) {
      const all = bySubject.get(`${name}@${digest}`) ?? [];
      const manifests = artifactType === null ? all : all.filter((d) => d.artifactType === artifactType);
      const headers: Record<string, string> = { 'content-type': 'application/vnd.oci.image.index.v1+json', ...(artifactType !== null && { 'oci-filters-applied': 'artifactType' }) };
      return { headers, body: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests })) };
    },
  };
}
