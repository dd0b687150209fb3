// The real CLI, spawned the way argocd-cmp-server spawns it (see helpers/sidecar.ts): directory and
// kustomize apps (real `kubectl kustomize`), every failure rule (stdout empty, reason on stderr,
// non-zero exit), and the parameter announcement.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { buildCli, pluginYaml, repository, runPhase, sidecarBin } from './helpers/sidecar.ts';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # the web front
spec:
  template:
    spec:
      initContainers:
      - name: migrate
        image: "ghcr.io/acme/web:1.0.0"
      containers:
      - name: web
        image: ghcr.io/acme/web:1.0.0
      - name: proxy
        image: nginx
`;
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n';
const NEW_WEB = 'ghcr.io/acme/web:1.4.2@sha256:' + 'a'.repeat(64);

before(() => buildCli());

test('plugin.yaml names the plugin argocd-image-plugins-v1, without discovery, calling the CLI', () => {
  const p = pluginYaml();
  assert.equal(`${p.metadata.name}-${p.spec.version}`, 'argocd-image-plugins-v1');
  assert.equal(p.spec.discover, undefined);
  assert.deepEqual(p.spec.generate.command, ['argocd-image-plugins', 'cmp', 'generate']);
  assert.deepEqual(p.spec.init.command, ['argocd-image-plugins', 'cmp', 'init']);
  assert.deepEqual(p.spec.parameters.dynamic.command, ['argocd-image-plugins', 'cmp', 'parameters']);
  assert.equal(p.spec.preserveFileMode, false);
});

test('directory app: overrides from ARGOCD_ENV_IMAGE_OVERRIDES rewrite only the image scalars', async (t) => {
  const bin = sidecarBin(t);
  const { app } = repository(t, { 'deployment.yaml': DEPLOYMENT, 'service.yml': SERVICE, 'README.md': '# not a manifest\n', 'values.yaml': 'replicas: 3\n' });
  const r = await runPhase('generate', app, bin, { ARGOCD_ENV_IMAGE_OVERRIDES: JSON.stringify({ 'ghcr.io/acme/web': NEW_WEB, 'docker.io/library/nginx': 'nginx:1.27.1' }) });
  assert.equal(r.exitCode, 0, r.stderr);
  const expected = DEPLOYMENT.replace('"ghcr.io/acme/web:1.0.0"', JSON.stringify(NEW_WEB)).replace('image: ghcr.io/acme/web:1.0.0', `image: ${NEW_WEB}`).replace('image: nginx\n', 'image: nginx:1.27.1\n');
  assert.equal(r.stdout, `${expected}---\n${SERVICE}`);
  const summary = r.stderr.trim().split('\n');
  assert.equal(summary.length, 1, 'one summary line');
  const record = JSON.parse(summary[0]!) as { rewritten: number; documents: number; skippedFiles: string[] };
  assert.equal(record.rewritten, 3);
  assert.equal(record.documents, 2);
  assert.deepEqual(record.skippedFiles, ['values.yaml']);
});

test('overrides also come from the images parameter; a JSON stream stays JSON', async (t) => {
  const bin = sidecarBin(t);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'nginx:1.0' }] } };
  const a = JSON.stringify(pod, null, 2);
  const b = JSON.stringify({ ...pod, metadata: { name: 'q' } });
  const { app } = repository(t, { 'a.json': a, 'b.json': b });
  const params = JSON.stringify([{ map: { nginx: 'nginx:1.27' }, name: 'images' }]);
  const r = await runPhase('generate', app, bin, { ARGOCD_APP_PARAMETERS: params });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.stdout, `${a.replace('"nginx:1.0"', '"nginx:1.27"')}\n${b.replace('"nginx:1.0"', '"nginx:1.27"')}\n`);
});

test('recursion into subdirectories only when asked', async (t) => {
  const bin = sidecarBin(t);
  const { app } = repository(t, { 'base/deployment.yaml': DEPLOYMENT, 'service.yaml': SERVICE });
  const flat = await runPhase('generate', app, bin, {});
  assert.equal(flat.exitCode, 0, flat.stderr);
  assert.equal(flat.stdout, SERVICE);
  const deep = await runPhase('generate', app, bin, { ARGOCD_ENV_RECURSE: 'true' });
  assert.equal(parseAllDocuments(deep.stdout).length, 2);
});

const failures: { name: string; files: Record<string, string>; env: Record<string, string>; code: string; says: RegExp }[] = [
  { name: 'malformed overrides JSON', files: { 'd.yaml': DEPLOYMENT }, env: { ARGOCD_ENV_IMAGE_OVERRIDES: '{"nginx": ' }, code: 'CMP_OVERRIDES_INVALID', says: /ARGOCD_ENV_IMAGE_OVERRIDES is not valid JSON/ },
  { name: 'overrides as an array', files: { 'd.yaml': DEPLOYMENT }, env: { ARGOCD_ENV_IMAGE_OVERRIDES: '["nginx"]' }, code: 'CMP_OVERRIDES_INVALID', says: /must be a JSON object/ },
  { name: 'an override without tag or digest', files: { 'd.yaml': DEPLOYMENT }, env: { ARGOCD_ENV_IMAGE_OVERRIDES: '{"nginx":"nginx"}' }, code: 'CMP_OVERRIDES_INVALID', says: /has neither tag nor digest/ },
  { name: 'parameters that are not a JSON array', files: { 'd.yaml': DEPLOYMENT }, env: { ARGOCD_APP_PARAMETERS: '{"name":"images"}' }, code: 'CMP_PARAMS_INVALID', says: /must be a JSON array/ },
  { name: 'an unknown parameter', files: { 'd.yaml': DEPLOYMENT }, env: { ARGOCD_APP_PARAMETERS: '[{"name":"image","string":"x"}]' }, code: 'CMP_PARAMS_INVALID', says: /unknown parameter "image"/ },
  { name: 'bad YAML in a manifest', files: { 'a.yaml': SERVICE, 'd.yaml': DEPLOYMENT.replace('      - name: proxy', '      - name: proxy: bad') }, env: {}, code: 'CMP_YAML_INVALID', says: /d\.yaml: line 14:/ },
  { name: 'a directory with no manifests', files: { 'README.md': 'hello' }, env: {}, code: 'CMP_EMPTY_RENDER', says: /rendered no manifests.*ALLOW_EMPTY=true/ },
  { name: 'strict mode with an override the app does not use', files: { 'd.yaml': DEPLOYMENT }, env: { ARGOCD_ENV_STRICT: 'true', ARGOCD_ENV_IMAGE_OVERRIDES: '{"ghcr.io/acme/other":"ghcr.io/acme/other:1"}' }, code: 'CMP_OVERRIDE_UNUSED', says: /"ghcr\.io\/acme\/other" names an image this Application does not use/ },
  { name: 'input over the size cap', files: { 'd.yaml': DEPLOYMENT }, env: { ARGOCD_IMAGE_PLUGINS_MAX_MANIFEST_BYTES: '100' }, code: 'CMP_INPUT_TOO_LARGE', says: /exceed 100 bytes/ },
  { name: 'an alias bomb', files: { 'b.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata:\n  a: &a [x,x,x,x,x,x,x,x,x,x]\n${'bcdefgh'.split('').map((c, i) => `  ${c}: &${c} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(',')}]`).join('\n')}\n` }, env: {}, code: 'CMP_ALIAS_LIMIT', says: /b\.yaml/ },
  { name: 'an unknown renderer', files: { 'd.yaml': DEPLOYMENT }, env: { ARGOCD_ENV_RENDERER: 'jsonnet' }, code: 'CMP_OPTIONS_INVALID', says: /ARGOCD_ENV_RENDERER="jsonnet"/ },
];

for (const f of failures) {
  test(`fails with stdout empty: ${f.name}`, async (t) => {
    const bin = sidecarBin(t);
    const { app } = repository(t, f.files);
    const r = await runPhase('generate', app, bin, f.env);
    assert.equal(r.exitCode, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^argocd-image-plugins cmp generate failed \\(${f.code}\\): `));
    assert.match(r.stderr, f.says);
  });
}

test('an empty render is allowed only with ALLOW_EMPTY=true', async (t) => {
  const bin = sidecarBin(t);
  const { app } = repository(t, { 'empty.yaml': '# nothing here\n' });
  const r = await runPhase('generate', app, bin, { ARGOCD_ENV_ALLOW_EMPTY: 'true' });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.stdout.trim().replace(/^#.*$/m, '').trim(), '');
});

test('an unused override is logged, not fatal, without strict mode', async (t) => {
  const bin = sidecarBin(t);
  const { app } = repository(t, { 'd.yaml': DEPLOYMENT });
  const r = await runPhase('generate', app, bin, { ARGOCD_ENV_IMAGE_OVERRIDES: '{"ghcr.io/acme/other":"ghcr.io/acme/other:1"}' });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.stdout, DEPLOYMENT);
  assert.deepEqual((JSON.parse(r.stderr) as { unusedOverrides: string[] }).unusedOverrides, ['ghcr.io/acme/other']);
});

test('kustomize app rendered by the real kubectl kustomize, then rewritten', async (t) => {
  const bin = sidecarBin(t);
  const { app } = repository(t, { 'kustomization.yaml': 'resources: [deployment.yaml]\nnamePrefix: prod-\n', 'deployment.yaml': DEPLOYMENT });
  const init = await runPhase('init', app, bin, {});
  assert.equal(init.exitCode, 0, init.stderr);
  assert.equal(init.stdout + init.stderr, '', 'init has nothing to do for kustomize');
  const r = await runPhase('generate', app, bin, { ARGOCD_ENV_IMAGE_OVERRIDES: JSON.stringify({ 'ghcr.io/acme/web': NEW_WEB }) });
  assert.equal(r.exitCode, 0, r.stderr);
  const doc = parse(r.stdout) as { metadata: { name: string }; spec: { template: { spec: { containers: { image: string }[]; initContainers: { image: string }[] } } } };
  assert.equal(doc.metadata.name, 'prod-web');
  assert.deepEqual(doc.spec.template.spec.containers.map((c) => c.image), [NEW_WEB, 'nginx']);
  assert.equal(doc.spec.template.spec.initContainers[0]!.image, NEW_WEB);
});

test('kustomize exec plugins stay disabled: a kustomization asking for one fails', async (t) => {
  const bin = sidecarBin(t);
  const { app } = repository(t, {
    'kustomization.yaml': 'resources: [deployment.yaml]\ngenerators: [gen.yaml]\n',
    'deployment.yaml': DEPLOYMENT,
    'gen.yaml': 'apiVersion: example.com/v1\nkind: Evil\nmetadata:\n  name: evil\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ./evil.sh\n',
    'evil.sh': '#!/bin/sh\necho pwned > pwned\n',
  });
  const r = await runPhase('generate', app, bin, {});
  assert.equal(r.exitCode, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /CMP_RENDER_FAILED\): (kubectl kustomize|kustomize build) exited with code 1: .*external plugins disabled/s);
  assert.equal(existsSync(join(app, 'pwned')), false);
});

test('cmp parameters announces the images the app uses and their current resolution', async (t) => {
  const bin = sidecarBin(t);
  const { app } = repository(t, { 'd.yaml': DEPLOYMENT });
  const r = await runPhase('parameters', app, bin, { ARGOCD_ENV_IMAGE_OVERRIDES: JSON.stringify({ 'ghcr.io/acme/web': NEW_WEB }) });
  assert.equal(r.exitCode, 0, r.stderr);
  const announced = JSON.parse(r.stdout) as { name: string; collectionType: string; map?: Record<string, string> }[];
  assert.equal(announced.length, 1);
  assert.equal(announced[0]!.name, 'images');
  assert.equal(announced[0]!.collectionType, 'map');
  assert.deepEqual(announced[0]!.map, { 'docker.io/library/nginx': 'nginx', 'ghcr.io/acme/web': NEW_WEB });
});
