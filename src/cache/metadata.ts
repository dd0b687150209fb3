// Facts about images that never change for a digest (platforms, `created`), cached forever, and
// the last digest seen per tag, so a steady-state cycle needs no manifest requests for tags whose
// selection did not change. A push event for a tag forgets that tag's digest. Details are kept for
// the most recently used digests only (a bounded LRU): a forgotten digest costs one request again.
import { LRUCache } from 'lru-cache';
import type { ImageDetails } from '../registry/types.ts';

export interface MetadataStore {
  details(digest: string): ImageDetails | undefined;
  putDetails(details: ImageDetails): void;
  tagDigest(image: string, tag: string): string | undefined;
  putTagDigest(image: string, tag: string, digest: string): void;
  forgetTag(image: string, tag: string): void;
  /** Tags of an image last seen pointing at a digest. */
  tagsFor(image: string, digest: string): string[];
  /** Drops tag records of tags no longer listed, so the store tracks what registries hold. */
  pruneTags(image: string, listed: ReadonlySet<string>): void;
  toJSON(): MetadataSnapshot;
}

export interface MetadataSnapshot {
  readonly images: Readonly<Record<string, ImageDetails>>;
  readonly tags: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * Digests whose details stay in memory. A steady state needs the details of the tags a policy
 * considers in every watched repository; 20 000 covers e.g. 400 repositories × 50 candidate tags at
 * well under 1 KiB each (docs/reliability.md has the measured figure under churn).
 */
export const MAX_IMAGE_DETAILS = 20_000;

export interface MetadataStoreOptions {
  readonly maxImageDetails?: number;
}

export function createMetadataStore(initial?: MetadataSnapshot, options: MetadataStoreOptions = {}): MetadataStore {
  const images = new LRUCache<string, ImageDetails>({ max: options.maxImageDetails ?? MAX_IMAGE_DETAILS });
  for (const [digest, details] of Object.entries(initial?.images ?? {})) images.set(digest, details);
  const tags = new Map<string, Map<string, string>>();
  for (const [image, byTag] of Object.entries(initial?.tags ?? {})) tags.set(image, new Map(Object.entries(byTag)));

  return {
    details: (digest) => images.get(digest),
    putDetails(details) {
      images.set(details.digest, details);
    },
    tagDigest: (image, tag) => tags.get(image)?.get(tag),
    putTagDigest(image, tag, digest) {
      let byTag = tags.get(image);
      if (!byTag) tags.set(image, (byTag = new Map()));
      byTag.set(tag, digest);
    },
    forgetTag(image, tag) {
      tags.get(image)?.delete(tag);
    },
    tagsFor(image, digest) {
      return [...(tags.get(image) ?? [])].filter(([, d]) => d === digest).map(([tag]) => tag);
    },
    pruneTags(image, listed) {
      const byTag = tags.get(image);
      if (!byTag) return;
      for (const tag of byTag.keys()) if (!listed.has(tag)) byTag.delete(tag);
    },
    toJSON() {
      const referenced = new Set<string>();
      const tagsOut: Record<string, Record<string, string>> = {};
      for (const [image, byTag] of tags) {
        tagsOut[image] = Object.fromEntries(byTag);
        for (const d of byTag.values()) referenced.add(d);
      }
      // Keep details of digests still named by a tag, plus everything when nothing names them yet.
      const imagesOut: Record<string, ImageDetails> = {};
      for (const [d, v] of images.entries()) if (referenced.size === 0 || referenced.has(d)) imagesOut[d] = v;
      return { images: imagesOut, tags: tagsOut };
    },
  };
}
