// One metadata store for the life of a replica whose content is replaced when a newer shared state
// arrives: the poller (while leading) and the status page's explanations keep one reference.
import { createMetadataStore, type MetadataSnapshot, type MetadataStore } from '../cache/metadata.ts';

export function createMetadataHolder(): MetadataStore & { replace(snapshot: MetadataSnapshot | undefined): void } {
  let store = createMetadataStore();
  return {
    replace(snapshot) {
      store = createMetadataStore(snapshot);
    },
    details: (digest) => store.details(digest),
    putDetails: (details) => store.putDetails(details),
    tagDigest: (image, tag) => store.tagDigest(image, tag),
    putTagDigest: (image, tag, digest) => store.putTagDigest(image, tag, digest),
    forgetTag: (image, tag) => store.forgetTag(image, tag),
    tagsFor: (image, digest) => store.tagsFor(image, digest),
    pruneTags: (image, listed) => store.pruneTags(image, listed),
    toJSON: () => store.toJSON(),
  };
}
