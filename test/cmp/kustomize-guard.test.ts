// kustomize renders only what is in the repository. Every form in which a kustomization can name a
// network location (in resources, bases, components, generators, patches, generator files, helm
// charts; at the top or in a nested base; in each of the three kustomization file names) is refused
// before kustomize runs, and a loopback listener those entries point at sees no connection. Entries
// reaching outside the repository through `..` or a symlink are refused by their real path.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTripwire } from '../reliability/lib/tripwire.ts';
import { runRenderer } from '../../src/cmp/render/exec.ts';
import { offlineEnv } from '../../src/cmp/render/kustomize.ts';
import { buildCli, repository, runPhase, sidecarBin } from './helpers/sidecar.ts';

before(() => buildCli());

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\ndata:\n  a: "1"\n';
const OVERRIDES = { ARGOCD_ENV_IMAGE_OVERRIDES: '{}', ARGOCD_ENV_ALLOW_EMPTY: 'true' };

test('remote kustomize entries are refused before kustomize runs, and nothing connects', async (t) => {
  const wire = await startTripwire();
  t.after(() => wire.stop());
  const h = wire.host;
  const cases: Array<[string, Record<string, string>]> = [
    ['http resource', { 'kustomization.yaml': `resources:\n- http://${h}/deploy.yaml\n` }],
    ['https resource', { 'kustomization.yaml': `resources:\n- https://${h}/deploy.yaml\n` }],
    ['go-getter git', { 'kustomization.yaml': `resources:\n- git::http://${h}/org/repo.git//base?ref=main\n` }],
    ['ref query', { 'kustomization.yaml': `bases:\n- ${h}/org/repo//base?ref=v1\n` }],
    ['ssh component', { 'kustomization.yaml': `components:\n- ssh://git@${h}/org/repo.git\n` }],
    ['scp-like git', { 'kustomization.yaml': 'resources:\n- git@127.0.0.1:org/repo.git\n' }],
    ['github shorthand', { 'kustomization.yaml': 'resources:\n- github.com/kubernetes-sigs/kustomize/examples/helloWorld?ref=v1.0.6\n' }],
    ['gh: shorthand', { 'kustomization.yaml': 'resources:\n- gh:org/repo\n' }],
    ['missing local entry', { 'kustomization.yaml': 'resources:\n- org/repo/base\n' }],
    ['nested base, kustomization.yml', { 'kustomization.yaml': 'resources:\n- base\n', 'base/kustomization.yml': `resources:\n- http://${h}/x.yaml\n` }],
    ['Kustomization file name', { Kustomization: `resources:\n- https://${h}/x.yaml\n` }],
    ['patch path', { 'kustomization.yaml': `resources:\n- cm.yaml\npatches:\n- path: http://${h}/patch.yaml\n`, 'cm.yaml': CM }],
    ['strategic merge patch', { 'kustomization.yaml': `resources:\n- cm.yaml\npatchesStrategicMerge:\n- http://${h}/patch.yaml\n`, 'cm.yaml': CM }],
    ['generator file', { 'kustomization.yaml': `configMapGenerator:\n- name: x\n  files:\n  - cfg=http://${h}/cfg\n` }],
    ['transformer', { 'kustomization.yaml': `resources:\n- cm.yaml\ntransformers:\n- http://${h}/t.yaml\n`, 'cm.yaml': CM }],
    ['merge key', { 'kustomization.yaml': `<<: {resources: [http://${h}/merged.yaml]}\n` }],
    ['helm chart', { 'kustomization.yaml': `helmCharts:\n- name: web\n  repo: http://${h}/charts\n  version: 1.0.0\n` }],
  ];
  const bin = sidecarBin(t);
  for (const [name, files] of cases) {
    const { app } = repository(t, files);
    const r = await runPhase('generate', app, bin, OVERRIDES);
    assert.equal(r.exitCode, 1, `${name}: ${r.stderr}`);
    assert.equal(r.stdout, '', name);
    assert.match(r.stderr, /CMP_REMOTE_REFUSED\)/, `${name}: ${r.stderr}`);
  }
  assert.equal(wire.connections(), 0, 'no connection reached the listener the kustomizations name');
});

test('kustomize runs with git transports disallowed: a remote base that got past the check still makes no connection', async (t) => {
  const wire = await startTripwire();
  t.after(() => wire.stop());
  const { app } = repository(t, { 'kustomization.yaml': `resources:\n- git::http://${wire.host}/org/repo.git//base?ref=main\n` });
  await assert.rejects(
    runRenderer({ what: 'kubectl kustomize', file: 'kubectl', args: ['kustomize', '.'], cwd: app, timeoutMs: 60_000, maxBytes: 1 << 20, env: offlineEnv({ PATH: process.env.PATH, HOME: tmpdir() }) }),
    /CMP_RENDER_FAILED|exited with code 1/,
  );
  assert.equal(wire.connections(), 0);
});

test('kustomize entries that leave the repository through .. or a symlink are refused; inside ones render', async (t) => {
  const outside = mkdtempSync(join(tmpdir(), 'outside-'));
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  writeFileSync(join(outside, 'kustomization.yaml'), 'resources:\n- secret.yaml\n');
  writeFileSync(join(outside, 'secret.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stolen\ndata:\n  password: hunter2\n');
  const bin = sidecarBin(t);
  const rel = (from: string) => join('../../..', from.slice(tmpdir().length + 1));
  const cases: Array<[string, Record<string, string>, (root: string, app: string) => void]> = [
    ['.. directory', { 'kustomization.yaml': `resources:\n- ${rel(outside)}\n` }, () => {}],
    ['symlinked base', { 'kustomization.yaml': 'resources:\n- base\n' }, (_root, app) => symlinkSync(outside, join(app, 'base'))],
    ['symlinked file in a nested base', { 'kustomization.yaml': 'resources:\n- ../../shared\n' }, (root) => {
      mkdirSync(join(root, 'shared'));
      writeFileSync(join(root, 'shared', 'kustomization.yaml'), 'resources:\n- cm.yaml\n');
      symlinkSync(join(outside, 'secret.yaml'), join(root, 'shared', 'cm.yaml'));
    }],
    ['symlinked patch', { 'kustomization.yaml': 'resources:\n- cm.yaml\npatches:\n- path: p.yaml\n', 'cm.yaml': CM }, (_root, app) => symlinkSync(join(outside, 'secret.yaml'), join(app, 'p.yaml'))],
    ['generator file through ..', { 'kustomization.yaml': `configMapGenerator:\n- name: x\n  files:\n  - cfg=${rel(join(outside, 'secret.yaml'))}\n` }, () => {}],
  ];
  for (const [name, files, arrange] of cases) {
    const { root, app } = repository(t, files);
    arrange(root, app);
    const r = await runPhase('generate', app, bin, OVERRIDES);
    assert.equal(r.exitCode, 1, `${name}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, '', name);
    assert.match(r.stderr, /CMP_OUTSIDE_REPOSITORY\).* leaves the repository/, `${name}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /hunter2/);
  }
  const { root, app } = repository(t, { 'kustomization.yaml': 'resources:\n- ../../shared\n- cm.yaml\n', 'cm.yaml': CM });
  mkdirSync(join(root, 'shared'));
  writeFileSync(join(root, 'shared', 'kustomization.yaml'), 'resources:\n- cm.yaml\n');
  writeFileSync(join(root, 'shared', 'cm.yaml'), CM.replace('local', 'shared'));
  const ok = await runPhase('generate', app, bin, OVERRIDES);
  assert.equal(ok.exitCode, 0, ok.stderr);
  assert.match(ok.stdout, /name: shared\n[\s\S]*name: local\n|name: local\n[\s\S]*name: shared\n/);
});
