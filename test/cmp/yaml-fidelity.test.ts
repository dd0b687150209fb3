// What go-yaml (Argo CD, kustomize) accepts, the rewrite must see the same way. Alias expansion is
// measured for every alias syntax go-yaml accepts, including a flow mapping with no space after `:`
// (`{"a":*x}`, which go-yaml reads as an alias); keys written with escapes or as explicit keys are
// found and their images rewritten; invalid UTF-8 is refused with the file and line, never
// replaced. Each alias form below was checked against go-yaml v2 and v3 (both expand it).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rewriteManifests } from '../../src/cmp/rewrite.ts';
import { buildImagePaths } from '../../src/cmp/paths.ts';
import { buildOverrideTable } from '../../src/cmp/overrides.ts';
import { isAppError } from '../../src/shared/errors.ts';
import { standIn } from './helpers/helm-standin.ts';
import { buildCli, repository, runPhase, sidecarBin } from './helpers/sidecar.ts';

before(() => buildCli());

const paths = buildImagePaths([], 'test');
const overrides = buildOverrideTable([{ source: 'test', entries: { 'ghcr.io/acme/web': 'ghcr.io/acme/web:2.0.0' } }]);
const rewrite = (text: string) => rewriteManifests(text, { overrides, paths, fileName: 'a.yaml' });

/** Nine levels of nine aliases each, written with `item(name)` for every alias. */
function bomb(item: (alias: string, i: number) => string, open = '{', close = '}'): string {
  const lines = ['  l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level <= 9; level++) {
    lines.push(`  l${level}: &l${level} ${open}${Array.from({ length: 9 }, (_, i) => item(`*l${level - 1}`, i)).join(',')}${close}`);
  }
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n${lines.join('\n')}\n`;
}

test('alias bombs are refused in every alias syntax go-yaml accepts', () => {
  const forms: Record<string, string> = {
    'flow mapping, JSON key, no space after ":"': bomb((a, i) => `"k${i}":${a}`),
    'flow mapping, single-quoted key, no space': bomb((a, i) => `'k${i}':${a}`),
    'flow sequence of single pairs, no space': bomb((a, i) => `"k${i}":${a}`, '[', ']'),
    'flow mapping, value on the next line': bomb((a, i) => `k${i}:\n    ${a}`),
    'flow sequence, no spaces': bomb((a) => a, '[', ']'),
  };
  for (const [name, text] of Object.entries(forms)) {
    assert.throws(() => rewrite(text), (err) => isAppError(err) && err.code === 'CMP_ALIAS_LIMIT', name);
  }
});

test('image keys written with escapes or as explicit keys are rewritten', () => {
  const head = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n';
  const cases: Record<string, [string, string]> = {
    'escaped containers key': [`${head}  "cont\\x61iners": [{"name": "web", "image": "ghcr.io/acme/web:1.0.0"}]\n`, '"ghcr.io/acme/web:2.0.0"'],
    'escaped image key': [`${head}  containers:\n  - name: web\n    "im\\x61ge": ghcr.io/acme/web:1.0.0\n`, 'ghcr.io/acme/web:2.0.0'],
    'unicode escape in containers': [`${head}  "\\u0063ontainers":\n  - name: web\n    image: ghcr.io/acme/web:1.0.0\n`, 'ghcr.io/acme/web:2.0.0'],
    'explicit keys': [`${head}  ? containers\n  : - name: web\n      ? image\n      : ghcr.io/acme/web:1.0.0\n`, 'ghcr.io/acme/web:2.0.0'],
  };
  for (const [name, [text, written]] of Object.entries(cases)) {
    const result = rewrite(text);
    assert.equal(result.changes.length, 1, `${name}: the image is found`);
    assert.ok(result.text.includes(written), `${name}: ${result.text}`);
    assert.ok(!result.text.includes('1.0.0'), name);
  }
});

const DEPLOY = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: ghcr.io/acme/web:1.0.0\n';
const ENV = { ARGOCD_ENV_IMAGE_OVERRIDES: JSON.stringify({ 'ghcr.io/acme/web': 'ghcr.io/acme/web:2.0.0' }), ARGOCD_ENV_RENDERER: 'directory' };

test('invalid UTF-8 in a manifest is refused with its line, never replaced', async (t) => {
  const bin = sidecarBin(t);
  const cases: Record<string, Buffer> = {
    'in a comment': Buffer.concat([Buffer.from(DEPLOY.replace('  name: web\n', '  name: web # caf')), Buffer.from([0xe9]), Buffer.from('\n')]),
    'in a value': Buffer.concat([Buffer.from(DEPLOY.slice(0, DEPLOY.indexOf('name: web') + 9)), Buffer.from([0xff]), Buffer.from(DEPLOY.slice(DEPLOY.indexOf('name: web') + 9))]),
    'an overlong sequence': Buffer.concat([Buffer.from(`${DEPLOY}# `), Buffer.from([0xc0, 0xaf]), Buffer.from('\n')]),
    'a surrogate half': Buffer.concat([Buffer.from(`${DEPLOY}# `), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\n')]),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    const { app } = repository(t, {});
    writeFileSync(join(app, 'deploy.yaml'), bytes);
    const r = await runPhase('generate', app, bin, ENV);
    assert.equal(r.exitCode, 1, `${name}: ${r.stdout}`);
    assert.equal(r.stdout, '', name);
    assert.match(r.stderr, /CMP_YAML_INVALID\): deploy\.yaml: line \d+: not valid UTF-8/, `${name}: ${r.stderr}`);
  }
});

test('invalid UTF-8 in a renderer\'s output is refused', async (t) => {
  const { bin, record } = standIn(t);
  const { app } = repository(t, { 'Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n' });
  const r = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record, HELM_STANDIN_INVALID_UTF8: '1' });
  assert.equal(r.exitCode, 1, r.stdout);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /CMP_YAML_INVALID\): helm template output: line \d+: not valid UTF-8/);
});
