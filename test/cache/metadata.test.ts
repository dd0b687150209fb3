// The metadata store keeps image details for a bounded number of digests, least recently used out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetadataStore } from '../../src/cache/metadata.ts';
import type { ImageDetails } from '../../src/registry/types.ts';

const details = (n: number): ImageDetails => ({ digest: `sha256:${String(n).padStart(64, '0')}`, mediaType: 'application/vnd.oci.image.manifest.v1+json', isIndex: false, platforms: [] });

test('image details are bounded: the least recently used digest is forgotten first', () => {
  const store = createMetadataStore(undefined, { maxImageDetails: 2 });
  store.putDetails(details(1));
  store.putDetails(details(2));
  assert.ok(store.details(details(1).digest), 'reading digest 1 makes it the most recently used');
  store.putDetails(details(3));
  assert.equal(store.details(details(2).digest), undefined);
  assert.ok(store.details(details(1).digest));
  assert.ok(store.details(details(3).digest));
  assert.deepEqual(Object.keys(store.toJSON().images).sort(), [details(1).digest, details(3).digest].sort());
});

test('a restored snapshot larger than the bound keeps its most recent entries', () => {
  const images = Object.fromEntries([1, 2, 3].map((n) => [details(n).digest, details(n)]));
  const store = createMetadataStore({ images, tags: {} }, { maxImageDetails: 2 });
  assert.equal(store.details(details(1).digest), undefined);
  assert.ok(store.details(details(3).digest));
});
