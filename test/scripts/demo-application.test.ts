// The demo shows the Application Argo CD would generate: the shipped goTemplate example rendered with
// a parameter set the way the ApplicationSet controller renders it (missingkey=error), nothing guessed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { applicationFor, pluginEnv, pluginParameters, type ApplicationSetDoc } from '../../scripts/demo/application.ts';
import { renderString } from '../../scripts/demo/gotemplate.ts';

const appSet = parse(readFileSync(new URL('../../examples/applicationsets/channels-gotemplate.yaml', import.meta.url), 'utf8')) as ApplicationSetDoc;
const overrides = '{"ghcr.io/acme/web":"ghcr.io/acme/web:1.4.2@sha256:aa"}';
const prodEu = {
  name: 'prod-eu_1', nameNormalized: 'prod-eu-1', server: 'https://prod-eu:6443', project: '',
  metadata: { labels: { environment: 'prod' } },
  images: { web: { repository: 'ghcr.io/acme/web', tag: '1.4.2', digest: 'sha256:aa', ref: 'ghcr.io/acme/web:1.4.2@sha256:aa' } },
  imageOverrides: overrides, imagesRevision: '3f1c9a0b2d4e5f60',
};

test('the channels example renders to the Application the controller would create', () => {
  const app = applicationFor(appSet, prodEu);
  assert.deepEqual(app.metadata, { name: 'shop-prod-eu-1', namespace: 'argocd', labels: { environment: 'prod' }, annotations: { 'argocd-image-plugins/images-revision': '3f1c9a0b2d4e5f60' } });
  assert.equal((app.spec.source as { path: string }).path, 'shop/overlays/prod');
  assert.equal((app.spec.destination as { server: string }).server, 'https://prod-eu:6443');
  assert.equal(pluginEnv(app, 'IMAGE_OVERRIDES'), overrides, 'the JSON string passes through unchanged');
  assert.deepEqual(pluginParameters(appSet).images, ['web', 'api']);
});

test('missingkey=error: a key the parameter set lacks is an error, as in Argo CD', () => {
  assert.throws(() => renderString('{{ .images.api.tag }}', prodEu), /map has no entry for key "api"/);
  assert.throws(() => renderString('{{ index .metadata.labels "region" }}', prodEu), /no entry for key "region"/);
  assert.equal(renderString('{{ .images.web.tag }}-{{.nameNormalized}}', prodEu), '1.4.2-prod-eu-1');
  assert.equal(renderString('{{ .generator.input.parameters.images }}', { generator: { input: { parameters: { images: 'x' } } } }), 'x');
});

test('actions outside the supported subset are refused, not guessed', () => {
  for (const action of ['{{ .name | upper }}', '{{ toJson .images }}', '{{- .name }}', '{{ if .name }}x{{ end }}']) {
    assert.throws(() => renderString(action, prodEu), /outside what the demo renders/, action);
  }
});
