// One version everywhere, and a release workflow that publishes it: package.json's version is the
// image tag every manifest, example and document names, the top entry of CHANGELOG.md and the tag the
// workflow insists on; the workflow pins every action by commit SHA, builds both platforms, and renders
// install.yaml the way this test does, with real kustomize: every image pinned by digest.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { build, MANIFESTS, REPO } from '../manifests/kustomize.ts';

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const IMAGE = 'ghcr.io/argocd-image-plugins/argocd-image-plugins';
const WORKFLOW = readFileSync(join(REPO, '.github/workflows/release.yml'), 'utf8');

function files(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, keep) : keep(path) ? [path] : [];
  });
}

/** manifests, examples, README and docs: where a user reads the image and version. */
function published(): Array<{ file: string; text: string }> {
  const paths = [
    ...files(join(REPO, 'manifests'), (p) => /\.ya?ml$/.test(p)),
    ...files(join(REPO, 'examples'), (p) => /\.(ya?ml|md)$/.test(p)),
    ...files(join(REPO, 'docs'), (p) => p.endsWith('.md')),
    join(REPO, 'README.md'),
  ];
  return paths.map((p) => ({ file: relative(REPO, p), text: readFileSync(p, 'utf8') }));
}

describe('one version everywhere', () => {
  it('every image reference names the package.json version', () => {
    const refs = published().flatMap(({ file, text }) => [...text.matchAll(/ghcr\.io\/[\w.-]+\/argocd-image-plugins:([\w.-]+)/g)].map((m) => ({ file, ref: m[0], tag: m[1] })));
    assert.ok(refs.some((r) => r.file === 'manifests/deployment.yaml'), 'the scan finds the Deployment image');
    assert.ok(refs.some((r) => r.file.startsWith('examples/helm/')), 'the scan finds the Helm values image');
    assert.deepEqual(refs.filter((r) => r.tag !== VERSION || !r.ref.startsWith(`${IMAGE}:`)), [], `${IMAGE}:${VERSION} everywhere`);
  });

  it('every ?ref= of this repository in the docs is v<version>', () => {
    const refs = published().flatMap(({ file, text }) => [...text.matchAll(/argocd-image-plugins\/\/[^\s?]*\?ref=([\w.-]+)/g)].map((m) => ({ file, ref: m[1] })));
    assert.ok(refs.length > 0);
    assert.deepEqual(refs.filter((r) => r.ref !== `v${VERSION}`), []);
  });

  it('CHANGELOG.md opens with this version; docs/upgrading.md covers it; LICENSE is the full Apache-2.0 text', () => {
    const changelog = readFileSync(join(REPO, 'CHANGELOG.md'), 'utf8');
    const releases = [...changelog.matchAll(/^## \[([^\]]+)\]/gm)].map((m) => m[1]).filter((v) => v !== 'Unreleased');
    assert.equal(releases[0], VERSION, 'the newest release in CHANGELOG.md is the package.json version');
    assert.match(readFileSync(join(REPO, 'docs/upgrading.md'), 'utf8'), new RegExp(`^## .*${VERSION.replace(/\./g, '\\.')}`, 'm'));
    const license = readFileSync(join(REPO, 'LICENSE'), 'utf8');
    assert.match(license, /Apache License\s+Version 2\.0, January 2004/);
    assert.match(license, /END OF TERMS AND CONDITIONS/);
    assert.match(license, /9\. Accepting Warranty or Additional Liability\./);
    assert.equal((JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { license: string }).license, 'Apache-2.0');
  });
});

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; id?: string }
interface Workflow { on: { push: { tags: string[] } }; jobs: Record<string, { needs?: string; steps: Step[] }> }

describe('.github/workflows/release.yml', () => {
  const wf = parse(WORKFLOW) as Workflow;
  const steps = Object.values(wf.jobs).flatMap((j) => j.steps);

  it('runs on v* tags, tests first, and refuses a tag that is not v<package.json version>', () => {
    assert.deepEqual(wf.on.push.tags, ['v*']);
    assert.ok(wf.jobs.test?.steps.some((s) => s.run?.includes('npm test')));
    assert.equal(wf.jobs.image?.needs, 'test');
    assert.ok(wf.jobs.test?.steps.some((s) => s.run?.includes('"${GITHUB_REF_NAME}" != "v${version}"')));
  });

  it('pins every action by commit SHA, naming its release', () => {
    const uses = [...WORKFLOW.matchAll(/uses: (\S+)(.*)$/gm)];
    assert.ok(uses.length >= 6);
    for (const [, action, comment] of uses) {
      assert.match(action!, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, `${action} is pinned by SHA`);
      assert.match(comment!, /^ # v\d+\.\d+\.\d+$/, `${action} names its release`);
    }
  });

  it('builds linux/amd64 and linux/arm64 with QEMU and Buildx and pushes ghcr.io/<owner>/argocd-image-plugins:<version>', () => {
    const names = steps.map((s) => s.uses?.split('@')[0]);
    for (const a of ['docker/setup-qemu-action', 'docker/setup-buildx-action', 'docker/login-action', 'docker/build-push-action']) assert.ok(names.includes(a), a);
    const push = steps.find((s) => s.uses?.startsWith('docker/build-push-action@'))!;
    assert.equal(push.with?.platforms, 'linux/amd64,linux/arm64');
    assert.equal(push.with?.push, true);
    assert.equal(push.with?.tags, '${{ steps.meta.outputs.image }}:${{ steps.meta.outputs.version }}');
    assert.match(WORKFLOW, /echo "image=ghcr\.io\/\$\{owner\}\/argocd-image-plugins"/);
    assert.ok(WORKFLOW.includes(`- name: ${IMAGE}\n`), 'install.yaml replaces the image name the manifests use');
    assert.match(WORKFLOW, /gh release create "\$\{GITHUB_REF_NAME\}" install\.yaml/);
  });

  it('the install.yaml render pins every image by digest (real kustomize, the workflow\'s kustomization)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aip-release-'));
    try {
      const digest = `sha256:${'ab'.repeat(32)}`;
      writeFileSync(join(dir, 'kustomization.yaml'), [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        `resources: [${relative(dir, MANIFESTS)}]`,
        'images:',
        `  - name: ${IMAGE}`,
        '    newName: ghcr.io/some-owner/argocd-image-plugins',
        `    digest: ${digest}`,
      ].join('\n'));
      const images = JSON.stringify(await build(dir)).match(/"image":"[^"]+"/g) ?? [];
      assert.ok(images.length > 0);
      assert.deepEqual([...new Set(images)], [`"image":"ghcr.io/some-owner/argocd-image-plugins@${digest}"`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
