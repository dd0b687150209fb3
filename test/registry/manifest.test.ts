import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest, runnablePlatforms, parseImageConfig, platformMatches, normalizePlatform, parsePlatform, formatPlatform } from '../../src/registry/manifest.ts';
import { OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST, MANIFEST_ACCEPT } from '../../src/registry/media-types.ts';

const D = (c: string): string => 'sha256:' + c.repeat(64);

test('the Accept list always names all four manifest types', () => {
  for (const t of [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST]) assert.ok(MANIFEST_ACCEPT.split(', ').includes(t), t);
});

test('reads an image manifest: media type from the body, the header, or the shape', () => {
  const body = { schemaVersion: 2, mediaType: DOCKER_MANIFEST, config: { digest: D('a') }, layers: [] };
  assert.deepEqual(parseManifest(body, `${DOCKER_MANIFEST}; charset=utf-8`), { ok: true, value: { kind: 'image', mediaType: DOCKER_MANIFEST, configDigest: D('a') } });
  const bare = { schemaVersion: 2, config: { digest: D('b') } };
  assert.equal(parseManifest(bare, OCI_MANIFEST).ok && parseManifest(bare, OCI_MANIFEST).ok, true);
  const inferred = parseManifest(bare, 'text/plain');
  assert.ok(inferred.ok && inferred.value.mediaType === OCI_MANIFEST);
});

test('reads an index and keeps only well-formed entries', () => {
  const r = parseManifest({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ digest: D('a'), platform: { os: 'linux', architecture: 'amd64' } }, { digest: 'nope' }, 7] });
  assert.ok(r.ok && r.value.kind === 'index');
  assert.equal(r.ok && r.value.kind === 'index' && r.value.manifests.length, 1);
});

test('rejects schema 1, unknown types, a missing config digest and a header/body type conflict', () => {
  assert.equal(parseManifest({ schemaVersion: 1, name: 'x' }).ok, false);
  assert.equal(parseManifest({ schemaVersion: 2, mediaType: 'application/vnd.example+json' }).ok, false);
  assert.equal(parseManifest({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: {} }).ok, false);
  assert.equal(parseManifest({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { digest: D('a') } }, OCI_INDEX).ok, false);
  assert.equal(parseManifest([], OCI_MANIFEST).ok, false);
  assert.equal(parseManifest({ schemaVersion: 2, mediaType: OCI_INDEX }).ok, false);
});

test('runnable platforms leave out attestations, platform-less entries and nested indexes', () => {
  const r = parseManifest({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      { mediaType: OCI_MANIFEST, digest: D('1'), platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: OCI_MANIFEST, digest: D('2'), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { mediaType: OCI_MANIFEST, digest: D('3'), platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
      { mediaType: OCI_MANIFEST, digest: D('4'), platform: { os: 'linux', architecture: 'amd64' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
      { mediaType: OCI_MANIFEST, digest: D('5') },
      { mediaType: OCI_INDEX, digest: D('6'), platform: { os: 'linux', architecture: 'amd64' } },
    ],
  });
  assert.ok(r.ok && r.value.kind === 'index');
  if (!r.ok || r.value.kind !== 'index') return;
  assert.deepEqual(runnablePlatforms(r.value.manifests), [
    { os: 'linux', architecture: 'amd64', digest: D('1') },
    { os: 'linux', architecture: 'arm64', variant: 'v8', digest: D('2') },
  ]);
});

test('image config: os, architecture, variant and a parseable created', () => {
  assert.deepEqual(parseImageConfig({ os: 'linux', architecture: 'arm64', variant: 'v8', created: '2026-01-01T00:00:00Z' }), { ok: true, value: { os: 'linux', architecture: 'arm64', variant: 'v8', created: '2026-01-01T00:00:00Z' } });
  assert.deepEqual(parseImageConfig({ os: 'linux', architecture: 'amd64', created: 'yesterday' }), { ok: true, value: { os: 'linux', architecture: 'amd64' } });
  assert.equal(parseImageConfig({ os: 'linux' }).ok, false);
  assert.equal(parseImageConfig('x').ok, false);
});

test('platformMatches treats arm64 as arm64/v8, arm as arm/v7, amd64/v1 as amd64 and aliases', () => {
  const p = (s: string) => parsePlatform(s) ?? assert.fail(s);
  const same: Array<[string, string]> = [
    ['linux/arm64', 'linux/arm64/v8'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/amd64', 'linux/amd64/v1'],
    ['linux/amd64', 'linux/x86_64'],
    ['linux/arm64', 'linux/aarch64'],
    ['Linux/AMD64', 'linux/amd64'],
  ];
  for (const [w, h] of same) assert.ok(platformMatches(p(w), p(h)), `${w} ~ ${h}`);
  const different: Array<[string, string]> = [
    ['linux/arm', 'linux/arm/v6'],
    ['linux/arm/v6', 'linux/arm/v7'],
    ['linux/amd64', 'linux/arm64'],
    ['linux/amd64', 'windows/amd64'],
    ['linux/amd64', 'linux/amd64/v3'],
    ['linux/arm64', 'linux/arm'],
  ];
  for (const [w, h] of different) assert.equal(platformMatches(p(w), p(h)), false, `${w} !~ ${h}`);
});

test('platform text round-trips and bad text is refused', () => {
  assert.equal(formatPlatform(normalizePlatform({ os: 'linux', architecture: 'arm' })), 'linux/arm/v7');
  assert.equal(formatPlatform(p('linux/arm64/v8')), 'linux/arm64/v8');
  for (const bad of ['linux', 'linux/', 'a/b/c/d', 'linux/amd 64']) assert.equal(parsePlatform(bad), undefined, bad);
  function p(s: string) {
    return parsePlatform(s) ?? assert.fail(s);
  }
});
