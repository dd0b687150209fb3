import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageRef, formatImageRef, repositoryKey } from '../../src/image/reference.ts';

const D = 'sha256:' + 'a'.repeat(64);

// [written form, registry, repository, tag, digest]
const VALID: Array<[string, string, string, string | undefined, string | undefined]> = [
  ['nginx', 'docker.io', 'library/nginx', undefined, undefined],
  ['nginx:1.27', 'docker.io', 'library/nginx', '1.27', undefined],
  ['docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined],
  ['docker.io/library/nginx:latest', 'docker.io', 'library/nginx', 'latest', undefined],
  ['index.docker.io/acme/web', 'docker.io', 'acme/web', undefined, undefined],
  ['registry-1.docker.io/acme/web:v1', 'docker.io', 'acme/web', 'v1', undefined],
  ['acme/web:1.0', 'docker.io', 'acme/web', '1.0', undefined],
  ['ghcr.io/acme/web', 'ghcr.io', 'acme/web', undefined, undefined],
  ['ghcr.io/acme/team/web:2.0.0-rc.1', 'ghcr.io', 'acme/team/web', '2.0.0-rc.1', undefined],
  ['host:5000/a/b:tag', 'host:5000', 'a/b', 'tag', undefined],
  ['127.0.0.1:5000/test/app:1.2.3', '127.0.0.1:5000', 'test/app', '1.2.3', undefined],
  ['localhost/app', 'localhost', 'app', undefined, undefined],
  ['localhost:5000/app', 'localhost:5000', 'app', undefined, undefined],
  ['quay.io/app', 'quay.io', 'app', undefined, undefined],
  [`nginx@${D}`, 'docker.io', 'library/nginx', undefined, D],
  [`nginx:1.27@${D}`, 'docker.io', 'library/nginx', '1.27', D],
  [`host:5000/a/b:tag@${D}`, 'host:5000', 'a/b', 'tag', D],
  ['gcr.io/my-project/my_image__x:v1_2', 'gcr.io', 'my-project/my_image__x', 'v1_2', undefined],
];

test('parses every written form into registry, repository, tag and digest', () => {
  for (const [text, registry, repository, tag, digest] of VALID) {
    const r = parseImageRef(text);
    assert.ok(r.ok, `${text}: ${r.ok ? '' : r.reason}`);
    assert.equal(r.ref.registry, registry, text);
    assert.equal(r.ref.repository, repository, text);
    assert.equal(r.ref.name, `${registry}/${repository}`, text);
    assert.equal(r.ref.tag, tag, text);
    assert.equal(r.ref.digest, digest, text);
  }
});

test('formats the canonical reference and round-trips it', () => {
  for (const [text] of VALID) {
    const r = parseImageRef(text);
    assert.ok(r.ok);
    const again = parseImageRef(formatImageRef(r.ref));
    assert.ok(again.ok);
    assert.deepEqual(again.ref, r.ref, text);
  }
  assert.equal(formatImageRef({ registry: 'docker.io', repository: 'library/nginx', tag: '1', digest: D }), `docker.io/library/nginx:1@${D}`);
});

test('rejects what is not an image reference, with a reason', () => {
  const INVALID = [
    '',
    'ko://github.com/acme/cmd',
    '$(params.image)',
    '{{ .Values.image }}',
    'acme/UPPER',
    'nginx:',
    'nginx:bad tag',
    'nginx@sha256:short',
    'a//b',
    'nginx:-x',
    ' nginx',
  ];
  for (const text of INVALID) {
    const r = parseImageRef(text);
    assert.equal(r.ok, false, `${JSON.stringify(text)} should be rejected`);
    if (!r.ok) assert.ok(r.reason.length > 0);
  }
});

test('repositoryKey normalises equal names to one key', () => {
  assert.equal(repositoryKey('nginx'), repositoryKey('docker.io/library/nginx:1.0'));
  assert.equal(repositoryKey('index.docker.io/library/nginx'), 'docker.io/library/nginx');
  assert.equal(repositoryKey('$(x)'), undefined);
});
