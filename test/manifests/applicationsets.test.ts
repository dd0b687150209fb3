// The example ApplicationSets in examples/applicationsets/ are valid against the ApplicationSet CRD's
// own OpenAPI schema (from Argo CD's install.yaml, unknown fields refused: the API server would prune
// them silently), and they name the plugin ConfigMap the manifests ship and the CMP plugin.yaml
// declares, so copying an example into a cluster installed from manifests/ works.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { applicationSetValidator, describeErrors } from './applicationset-schema.ts';
import { parseGeneratorInput } from '../../src/generator/input.ts';
import { build, MANIFESTS, parseObjects, REPO, type KubeObject } from './kustomize.ts';

const DIR = join(REPO, 'examples/applicationsets');

/** Every object in the folder's YAML files, with the file it came from. */
function examples(): Array<{ file: string; object: KubeObject }> {
  return readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort()
    .flatMap((file) => parseObjects(readFileSync(join(DIR, file), 'utf8')).map((object) => ({ file, object })));
}

/** Every value under a `key` anywhere in a tree (plugin generators can sit inside matrix/merge). */
function collect(node: unknown, key: string): unknown[] {
  if (Array.isArray(node)) return node.flatMap((n) => collect(n, key));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) => (k === key ? [v, ...collect(v, key)] : collect(v, key)));
}

describe('examples/applicationsets', () => {
  let validate: ValidateFunction;
  before(() => {
    validate = applicationSetValidator();
  });
  const found = examples();
  const appSets = found.filter((e) => e.object.kind === 'ApplicationSet');

  it('holds at least one ApplicationSet; anything else is the plugin ConfigMap or its token Secret', () => {
    assert.ok(appSets.length > 0, `no ApplicationSet in ${DIR}`);
    const others = found.filter((e) => e.object.kind !== 'ApplicationSet').map((e) => `${e.object.kind}/${e.object.metadata.name}`);
    for (const o of others) assert.ok(['ConfigMap/argocd-image-plugins', 'Secret/argocd-image-plugins-token'].includes(o), `${o} in ${DIR}`);
  });

  it('an example plugin ConfigMap agrees with the one manifests/ ships', async () => {
    const shipped = (await build(MANIFESTS)).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'argocd-image-plugins') as KubeObject & { data: Record<string, string> };
    for (const { file, object } of found.filter((e) => e.object.kind === 'ConfigMap')) {
      const data = (object as KubeObject & { data: Record<string, string> }).data;
      assert.deepEqual(Object.keys(data).sort(), Object.keys(shipped.data).sort(), file);
      assert.equal(data.token, shipped.data.token, `${file}: token reference`);
      const [example, ours] = [new URL(data.baseUrl ?? ''), new URL(shipped.data.baseUrl ?? '')];
      assert.equal(example.hostname.split('.')[0], ours.hostname, `${file}: baseUrl names the Service`);
      assert.equal(example.port, ours.port, `${file}: baseUrl port`);
    }
  });

  for (const { file, object } of appSets) {
    it(`${file}: ${object.metadata.name} matches the ApplicationSet CRD schema`, () => {
      assert.equal(object.apiVersion, 'argoproj.io/v1alpha1');
      assert.ok(validate(object), describeErrors(validate));
    });

    it(`${file}: ${object.metadata.name} uses the shipped plugin ConfigMap and CMP plugin name`, async () => {
      const objects = await build(MANIFESTS);
      const generatorConfigMaps = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'argocd-image-plugins');
      assert.equal(generatorConfigMaps.length, 1);
      const refs = collect(object.spec, 'plugin').flatMap((p) => collect(p, 'configMapRef')) as Array<{ name?: string }>;
      const names = collect(object.spec, 'plugin').map((p) => (p as { name?: unknown }).name).filter((n): n is string => typeof n === 'string');
      assert.ok(refs.length > 0, 'uses a plugin generator');
      for (const ref of refs) assert.equal(ref.name, 'argocd-image-plugins');
      const plugin = parse(readFileSync(join(REPO, 'plugin.yaml'), 'utf8')) as { metadata: { name: string }; spec: { version?: string } };
      const cmpName = plugin.spec.version ? `${plugin.metadata.name}-${plugin.spec.version}` : plugin.metadata.name;
      for (const n of names) assert.equal(n, cmpName, 'the Application source plugin name is <metadata.name>-<spec.version> of plugin.yaml');
    });

    it(`${file}: ${object.metadata.name} sends plugin input the service accepts`, () => {
      const inputs = collect(object.spec, 'plugin').map((p) => (p as { input?: { parameters?: unknown } }).input?.parameters);
      for (const parameters of inputs) {
        const parsed = parseGeneratorInput(parameters);
        assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
      }
    });
  }

  it('the schema refuses a misspelt field and a wrongly typed one (the checks above can fail)', () => {
    const first = appSets[0];
    assert.ok(first, 'needs an example');
    const typo = structuredClone(first.object) as KubeObject & { spec: Record<string, unknown> };
    typo.spec.generatorz = typo.spec.generators;
    assert.equal(validate(typo), false);
    assert.match(describeErrors(validate), /generatorz/);
    const wrongType = structuredClone(first.object) as KubeObject & { spec: Record<string, unknown> };
    wrongType.spec.goTemplate = 'yes';
    assert.equal(validate(wrongType), false);
    assert.match(describeErrors(validate), /goTemplate/);
  });
});
