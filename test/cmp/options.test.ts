// Reading the CMP's inputs: ARGOCD_APP_PARAMETERS in every form Argo CD sends (absent, `null`, a
// JSON array; Argo CD's config-management-plugins.md), overrides from env and parameters, and option values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readOptions } from '../../src/cmp/options.ts';
import { parseAppParameters } from '../../src/cmp/parameters.ts';
import { isAppError } from '../../src/shared/errors.ts';

const code = (c: string) => (err: unknown) => isAppError(err) && err.code === c;

test('ARGOCD_APP_PARAMETERS: absent, empty and null mean no parameters', () => {
  assert.deepEqual(parseAppParameters(undefined), []);
  assert.deepEqual(parseAppParameters(''), []);
  assert.deepEqual(parseAppParameters('null'), []);
  assert.deepEqual(parseAppParameters('[{"array":["a.yaml"],"name":"values-files"},{"name":"x","string":"3"}]'), [{ name: 'values-files', array: ['a.yaml'] }, { name: 'x', string: '3' }]);
  assert.throws(() => parseAppParameters('[{"name":"images","map":{"a":1}}]'), /\[0\]\.map\.a must be a string/);
  assert.throws(() => parseAppParameters('[{"map":{}}]'), /\[0\]\.name must be a non-empty string/);
});

test('overrides: env and the images parameter merge by normalised repository', () => {
  const o = readOptions({
    ARGOCD_ENV_IMAGE_OVERRIDES: '{"nginx":"nginx:1.27"}',
    ARGOCD_APP_PARAMETERS: '[{"map":{"docker.io/library/nginx":"nginx:1.27","ghcr.io/a/b":"ghcr.io/a/b@sha256:' + 'c'.repeat(64) + '"},"name":"images"}]',
  });
  assert.deepEqual([...o.overrides.keys()].sort(), ['docker.io/library/nginx', 'ghcr.io/a/b']);
  assert.equal(o.overridesGiven, true);
});

test('overrides: the two sources may not disagree, and empty text is not "no overrides"', () => {
  assert.throws(
    () => readOptions({ ARGOCD_ENV_IMAGE_OVERRIDES: '{"nginx":"nginx:1"}', ARGOCD_APP_PARAMETERS: '[{"map":{"index.docker.io/library/nginx":"nginx:2"},"name":"images"}]' }),
    (err: unknown) => code('CMP_OVERRIDES_INVALID')(err) && /disagree/.test((err as Error).message),
  );
  assert.throws(() => readOptions({ ARGOCD_ENV_IMAGE_OVERRIDES: '' }), /is set but empty; write \{\}/);
  assert.throws(() => readOptions({ ARGOCD_ENV_IMAGE_OVERRIDES: '{"Bad Name":"x:1"}' }), code('CMP_OVERRIDES_INVALID'));
  assert.throws(() => readOptions({ ARGOCD_ENV_IMAGE_OVERRIDES: '{"nginx":7}' }), /the value must be a string reference/);
});

test('options: booleans, renderer, numbers and the fallback switch', () => {
  const base = readOptions({});
  assert.equal(base.renderer, 'auto');
  assert.equal(base.strict, false);
  assert.equal(base.fallback, undefined);
  assert.equal(base.timeoutMs, 45_000);
  assert.equal(readOptions({ ARGOCD_ENV_STRICT: 'TRUE' }).strict, true);
  assert.throws(() => readOptions({ ARGOCD_ENV_STRICT: 'maybe' }), /ARGOCD_ENV_STRICT="maybe" is not a boolean/);
  assert.throws(() => readOptions({ ARGOCD_IMAGE_PLUGINS_RENDER_TIMEOUT_SECONDS: '-1' }), /must be a positive number/);
  assert.throws(() => readOptions({ ARGOCD_IMAGE_PLUGINS_URL: 'file:///etc' }), /must be an http\(s\) URL/);
  const fb = readOptions({ ARGOCD_IMAGE_PLUGINS_URL: 'http://svc:8080/', ARGOCD_ENV_IMAGE_ENVIRONMENT: 'prod' });
  assert.deepEqual(fb.fallback, { url: 'http://svc:8080', tokenFile: undefined, environment: 'prod' });
  assert.equal(readOptions({ ARGOCD_IMAGE_PLUGINS_URL: 'http://svc', ARGOCD_ENV_IMAGE_OVERRIDES: '{}' }).fallback, undefined);
});

test('extra image paths come from the sidecar, checked', () => {
  const o = readOptions({ ARGOCD_IMAGE_PLUGINS_EXTRA_IMAGE_PATHS: 'steps[].image, sidecars[].image' }, { configImagePaths: ['steps[].image'] });
  assert.deepEqual(o.paths.map((p) => p.source), ['containers[].image', 'initContainers[].image', 'ephemeralContainers[].image', 'steps[].image', 'sidecars[].image']);
  assert.throws(() => readOptions({ ARGOCD_IMAGE_PLUGINS_EXTRA_IMAGE_PATHS: 'image' }), code('CMP_OPTIONS_INVALID'));
});
