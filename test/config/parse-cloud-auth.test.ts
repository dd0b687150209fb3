// Cloud logins in registries[].auth: the parsed form, and a wrong host, region or role refused at
// load time with a message naming the field and the fix (the fixture lists every path).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/parse.ts';
import type { RegistryConfig } from '../../src/config/types.ts';

function registries(list: unknown[]): RegistryConfig[] {
  const result = parseConfig({ registries: list, watches: [{ name: 'web', image: 'ghcr.io/acme/web', policy: { semver: { range: '^1' } } }] });
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.issues));
  return [...result.config.registries];
}

test('auth.ecr reads account and region from the host; roleArn is kept; ECR Public is us-east-1', () => {
  const [priv, cn, pub] = registries([
    { host: '123456789012.dkr.ecr.us-west-2.amazonaws.com', auth: { ecr: { roleArn: 'arn:aws:iam::210987654321:role/ci/image-reader' } } },
    { host: '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', auth: { ecr: null } },
    { host: 'public.ecr.aws', auth: { ecr: { region: 'us-east-1' } } },
  ]);
  assert.deepEqual(priv!.auth, { kind: 'ecr', region: 'us-west-2', public: false, registryId: '123456789012', roleArn: 'arn:aws:iam::210987654321:role/ci/image-reader' });
  assert.deepEqual(cn!.auth, { kind: 'ecr', region: 'cn-north-1', public: false, registryId: '123456789012' });
  assert.deepEqual(pub!.auth, { kind: 'ecr', region: 'us-east-1', public: true });
});

test('auth.google: Artifact Registry and gcr.io hosts, ADC or a key file from a Secret source', () => {
  const [gar, gcr] = registries([
    { host: 'europe-west1-docker.pkg.dev', auth: { google: null } },
    { host: 'eu.gcr.io', auth: { google: { keyFile: { file: '/secrets/gcp/key.json' } } } },
  ]);
  assert.deepEqual(gar!.auth, { kind: 'google' });
  assert.deepEqual(gcr!.auth, { kind: 'google', keyFile: { file: '/secrets/gcp/key.json' } });
});

test('auth.acr on an ACR login server', () => {
  const [acr] = registries([{ host: 'acmeprod.azurecr.io', auth: { acr: {} } }]);
  assert.deepEqual(acr!.auth, { kind: 'acr' });
});

test('a wrong host, region or role is refused with the field and the fix', () => {
  const text = readFileSync(new URL('../fixtures/config/invalid-cloud-auth.yaml', import.meta.url), 'utf8');
  const result = parseConfig(parse(text));
  assert.equal(result.ok, false);
  const byPath = new Map(result.ok ? [] : result.issues.map((i) => [i.path, i.message]));
  assert.match(byPath.get('registries[0].auth.ecr')!, /"ghcr\.io" is not an ECR registry host; write the host as <account>\.dkr\.ecr\.<region>\.amazonaws\.com or public\.ecr\.aws/);
  assert.match(byPath.get('registries[1].auth.ecr.region')!, /"eu-west-1" does not match: the host names region "us-west-2"; remove region/);
  assert.match(byPath.get('registries[2].auth.ecr.region')!, /"Europe" is not an AWS region name/);
  assert.match(byPath.get('registries[3].auth.ecr.roleArn')!, /is not an IAM role ARN \(write arn:aws:iam::<12-digit account>:role\/<name>\)/);
  assert.match(byPath.get('registries[4].auth')!, /give one way to log in, not several \(found ecr, usernameFile, passwordFile\)/);
  assert.match(byPath.get('registries[5].auth.ecr.region')!, /ECR Public logins are only served in us-east-1/);
  assert.match(byPath.get('registries[6].auth.ecr.profile')!, /unknown key/);
  assert.match(byPath.get('registries[7].auth.google')!, /"quay\.io" is not an Artifact Registry or Container Registry host; write the host as <location>-docker\.pkg\.dev or gcr\.io/);
  assert.match(byPath.get('registries[9].auth.acr')!, /"acme\.example\.com" is not an Azure Container Registry login server; write the host as <name>\.azurecr\.io/);
  assert.match(byPath.get('registries[8].auth.google.keyFile')!, /use \{ file: \/path\/to\/mounted\/secret \}/);
});

test('docs/registry.md: the Artifact Registry snippet parses to google logins', () => {
  const doc = readFileSync(new URL('../../docs/registry.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('### Google Artifact Registry'), doc.indexOf('### Azure Container Registry'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? assert.fail('no yaml block in the GAR section');
  const result = parseConfig(parse(yaml));
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.issues));
  assert.deepEqual(result.config.registries.map((r) => r.auth).filter((a) => a.kind === 'google'), [{ kind: 'google' }, { kind: 'google', keyFile: { file: '/secrets/gcp/key.json' } }]);
});

test('docs/registry.md: the Amazon ECR snippet parses to ecr logins, with the role to assume', () => {
  const doc = readFileSync(new URL('../../docs/registry.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('### Amazon ECR'), doc.indexOf('### Google Artifact Registry'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? assert.fail('no yaml block in the ECR section');
  const result = parseConfig(parse(yaml));
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.issues));
  assert.deepEqual(result.config.registries.map((r) => r.auth).filter((a) => a.kind === 'ecr'), [
    { kind: 'ecr', region: 'eu-west-1', public: false, registryId: '123456789012' },
    { kind: 'ecr', region: 'us-east-1', public: false, registryId: '210987654321', roleArn: 'arn:aws:iam::210987654321:role/image-reader' },
  ]);
});
