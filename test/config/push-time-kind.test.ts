// newestPush is refused when the config loads for a registry without a push-time API, with the
// alternative named; `registries[].kind` says what a self-hosted registry runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/parse.ts';
import { kindFromHost, pushTimeApiUrl } from '../../src/config/registry-kind.ts';

function issues(input: unknown): string[] {
  const r = parseConfig(input);
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
}

const watch = (image: string, extra: Record<string, unknown> = {}) => ({ name: 'app', image, policy: { newestPush: {} }, ...extra });

test('newestPush on GHCR or a plain Distribution registry is refused at load, offering newestBuild', () => {
  const ghcr = issues({ watches: [watch('ghcr.io/org/app')] });
  assert.equal(ghcr.length, 1);
  assert.match(ghcr[0]!, /^watches\[0\]\.policy\.newestPush: ghcr\.io \(kind "ghcr"\) has no API that tells when a tag was pushed; use newestBuild: \{\}/);
  const plain = issues({ registries: [{ host: 'registry.example' }], watches: [watch('registry.example/app')] });
  assert.match(plain[0]!, /registry\.example is a plain Distribution registry \(kind "distribution"\), which has no API .*set registries\[\]\.kind if this host runs Harbor/);
});

test('newestPush on ECR Public is refused at load as ECR Public, with or without its login, offering newestBuild', () => {
  for (const registry of [{ host: 'public.ecr.aws' }, { host: 'public.ecr.aws', auth: { ecr: {} } }]) {
    const got = issues({ registries: [registry], watches: [watch('public.ecr.aws/acme/app')] });
    assert.deepEqual(got, ['watches[0].policy.newestPush: public.ecr.aws (ECR Public) has no push-time API this service reads (DescribeImages is read for private ECR registries only); use newestBuild: {} (orders by the image\'s created time)'], JSON.stringify(registry));
  }
});

test('an environment override asking for newestPush is reported at its own path, once', () => {
  const got = issues({ watches: [{ name: 'app', image: 'ghcr.io/org/app', policy: { semver: {} }, environments: { prod: { policy: { newestPush: {} } }, dev: {} } }] });
  assert.deepEqual(got.map((g) => g.split(':')[0]), ['watches[0].environments.prod.policy.newestPush']);
});

test('newestPush loads for hosts whose kind has a push-time API, and for an explicit kind', () => {
  for (const image of ['docker.io/library/nginx', 'quay.io/org/app', 'acme.azurecr.io/app', 'europe-docker.pkg.dev/p/r/app']) {
    assert.deepEqual(issues({ watches: [watch(image)] }), [], image);
  }
  const r = parseConfig({ registries: [{ host: 'harbor.example', kind: 'harbor', apiUrl: 'https://harbor-api.example' }], watches: [watch('harbor.example/team/app')] });
  assert.ok(r.ok);
  assert.equal(r.config.registries[0]?.kind, 'harbor');
  assert.equal(pushTimeApiUrl(r.config.registries[0]!), 'https://harbor-api.example');
});

test('registries[].kind and apiUrl are checked', () => {
  const got = issues({ registries: [{ host: 'r.example', kind: 'artifactory', apiUrl: 'http://api.example' }], watches: [{ name: 'app', image: 'r.example/app', policy: { semver: {} } }] });
  assert.deepEqual(got, [
    'registries[0].kind: expected one of distribution, dockerhub, ghcr, quay, harbor, acr, gar, ecr, got the string "artifactory"',
    'registries[0].apiUrl: "http://api.example" is plain HTTP; use https:// or set insecure: true (labs only)',
  ]);
});

test('kinds and API endpoints from well-known hosts', () => {
  assert.equal(kindFromHost('docker.io'), 'dockerhub');
  assert.equal(kindFromHost('mycorp.azurecr.io'), 'acr');
  assert.equal(kindFromHost('us-docker.pkg.dev'), 'gar');
  assert.equal(kindFromHost('123456789012.dkr.ecr.us-west-2.amazonaws.com'), 'ecr');
  assert.equal(kindFromHost('registry.gitlab.com'), 'distribution');
  assert.equal(pushTimeApiUrl({ host: 'docker.io', url: 'https://registry-1.docker.io' }), 'https://hub.docker.com');
  assert.equal(pushTimeApiUrl({ host: 'us-docker.pkg.dev', url: 'https://us-docker.pkg.dev' }), 'https://artifactregistry.googleapis.com');
  assert.equal(pushTimeApiUrl({ host: '123456789012.dkr.ecr.us-west-2.amazonaws.com', url: 'https://x' }), 'https://api.ecr.us-west-2.amazonaws.com');
  assert.equal(pushTimeApiUrl({ host: 'quay.io', url: 'https://quay.io' }), 'https://quay.io');
});

test('newestPush on ECR loads with auth.ecr (DescribeImages needs its AWS identity) and is refused without it', () => {
  const host = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
  assert.deepEqual(issues({ registries: [{ host, auth: { ecr: {} } }], watches: [watch(`${host}/team/app`)] }), []);
  const without = issues({ registries: [{ host, auth: { usernameFile: '/secrets/ecr/user', passwordFile: '/secrets/ecr/password' } }], watches: [watch(`${host}/team/app`)] });
  assert.equal(without.length, 1);
  assert.match(without[0]!, /^watches\[0\]\.policy\.newestPush: 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com \(kind "ecr"\) tells push times through the AWS API DescribeImages, which needs auth: \{ ecr: \{\} \}.*or use newestBuild: \{\}$/);
});
