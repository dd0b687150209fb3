// Reads for artifacts that hang off an image (signatures): a manifest's raw bytes by tag or digest,
// a small blob, and the OCI 1.1 referrers list (distribution-spec v1.1, "Listing Referrers":
// GET /v2/<name>/referrers/<digest>?artifactType=…, an image index whose `manifests` are the
// referrers). Every body is bounded and checked against the digest we asked for or were told.
import type { ArtifactReads, RawManifest } from './types.ts';
import type { Call } from './reader.ts';
import { registryError } from './errors.ts';
import { replyError } from './status.ts';
import { digestOf, isDigest } from './digest.ts';
import { baseMediaType, OCI_INDEX, OCI_MANIFEST } from './media-types.ts';

export interface ArtifactDeps {
  readonly host: string;
  readonly call: Call;
  readonly url: (path: string) => URL;
}

/** Signature manifests are a few hundred bytes; payloads a few hundred; referrer lists small. */
export const ARTIFACT_LIMITS = { manifestBytes: 256 * 1024, blobBytes: 256 * 1024, referrersBytes: 512 * 1024 };

export function createArtifactReads(deps: ArtifactDeps): ArtifactReads {
  const { host } = deps;
  const send = (repository: string, path: string, accept: string | undefined, maxBytes: number, signal?: AbortSignal) =>
    deps.call({ method: 'GET', url: deps.url(path), repository, headers: accept ? { accept } : {}, maxBytes, redirects: path.includes('/blobs/'), ...(signal ? { signal } : {}) });

  return {
    async manifest(repository, reference, signal): Promise<RawManifest | undefined> {
      const path = `/v2/${repository}/manifests/${reference}`;
      const reply = await send(repository, path, `${OCI_MANIFEST}, ${OCI_INDEX}`, ARTIFACT_LIMITS.manifestBytes, signal);
      if (reply.status === 404) return undefined;
      if (reply.status !== 200) throw replyError(reply, { host, repository, request: `GET ${path}` });
      const header = reply.headers['docker-content-digest'];
      const claimed = typeof header === 'string' && isDigest(header) ? header : undefined;
      const digest = digestOf(reply.body, claimed ?? (isDigest(reference) ? reference : undefined));
      if ((claimed !== undefined && claimed !== digest) || (isDigest(reference) && reference !== digest)) {
        throw registryError('REG_PROTOCOL', 'signature manifest body does not match its digest', { host, repository, extra: { reference } });
      }
      const contentType = reply.headers['content-type'];
      return { digest, mediaType: baseMediaType(typeof contentType === 'string' ? contentType : undefined) ?? '', body: reply.body };
    },

    async blob(repository, digest, signal): Promise<Buffer> {
      const path = `/v2/${repository}/blobs/${digest}`;
      const reply = await send(repository, path, undefined, ARTIFACT_LIMITS.blobBytes, signal);
      if (reply.status !== 200) throw replyError(reply, { host, repository, request: `GET ${path}` });
      if (digestOf(reply.body, digest) !== digest) throw registryError('REG_PROTOCOL', 'blob body does not match its digest', { host, repository, extra: { digest } });
      return reply.body;
    },

    async referrers(repository, digest, artifactType, signal): Promise<Buffer | undefined> {
      const path = `/v2/${repository}/referrers/${digest}?artifactType=${encodeURIComponent(artifactType)}`;
      const reply = await send(repository, path, OCI_INDEX, ARTIFACT_LIMITS.referrersBytes, signal);
      // A registry without the referrers API answers 404 (distribution-spec v1.1: clients then fall back to the tag scheme).
      if (reply.status === 404) return undefined;
      if (reply.status !== 200) throw replyError(reply, { host, repository, request: `GET /v2/${repository}/referrers/${digest}` });
      return reply.body;
    },
  };
}
