// Values an Application author controls never reach helm as flags, and values files never lead
// outside the repository. The release name, namespace, --set paths and values files are each
// checked against their grammar before helm runs (the stand-in records every call, so "helm never
// ran" is observable), and the command line puts options in `--name=value` form with the release
// name and chart after `--`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before } from 'node:test';
import { CHART, standIn } from './helpers/helm-standin.ts';
import { buildCli, repository, runPhase } from './helpers/sidecar.ts';

before(() => buildCli());

const FLAGS = ['--set-file=x=/etc/passwd', '--values=/etc/passwd', '--output-dir=/tmp/out', '--post-renderer=/bin/sh', '-g', '--', 'Web', 'web prod', 'web_prod', 'a'.repeat(54), '.', 'web.prod'];

test('a release name that is not a DNS-1123 label is refused before helm runs', async (t) => {
  const { bin, record, calls } = standIn(t);
  const { app } = repository(t, { 'Chart.yaml': CHART });
  for (const name of FLAGS) {
    const r = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record, ARGOCD_ENV_HELM_RELEASE_NAME: name });
    assert.equal(r.exitCode, 1, `${name}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /CMP_ARGUMENT_INVALID\): ARGOCD_ENV_HELM_RELEASE_NAME=.* is not a helm release name/, name);
  }
  const fromApp = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record, ARGOCD_APP_NAME: 'team_--post-renderer=/bin/sh' });
  assert.match(fromApp.stderr, /CMP_ARGUMENT_INVALID\): ARGOCD_APP_NAME="--post-renderer=\/bin\/sh" is not a helm release name.*HELM_RELEASE_NAME/);
  assert.deepEqual(calls(), [], 'helm never ran');
});

test('namespaces, --set paths and cluster facts outside their grammar are refused before helm runs', async (t) => {
  const { bin, record, calls } = standIn(t);
  const { app } = repository(t, { 'Chart.yaml': CHART });
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ ARGOCD_ENV_HELM_NAMESPACE: '--kubeconfig=/etc/x' }, /ARGOCD_ENV_HELM_NAMESPACE="--kubeconfig=\/etc\/x" is not a namespace/],
    [{ ARGOCD_APP_NAMESPACE: 'Prod' }, /ARGOCD_APP_NAMESPACE="Prod" is not a namespace/],
    [{ ARGOCD_APP_PARAMETERS: JSON.stringify([{ name: 'helm-parameters', map: { '--set-file': 'x' } }]) }, /helm parameter "--set-file" is not a value path/],
    [{ ARGOCD_APP_PARAMETERS: JSON.stringify([{ name: 'helm-parameters', map: { 'a,b': 'x' } }]) }, /helm parameter "a,b" is not a value path/],
    [{ KUBE_VERSION: '--debug' }, /KUBE_VERSION="--debug" is not a Kubernetes version/],
    [{ KUBE_API_VERSIONS: 'v1,--dry-run=server' }, /KUBE_API_VERSIONS entry "--dry-run=server" is not an API version/],
    [{ ARGOCD_APP_PARAMETERS: JSON.stringify([{ name: 'values-files', array: ['file:///etc/passwd'] }]) }, /values file "file:\/\/\/etc\/passwd" is a URL/],
    // helm splits --values at commas: one checked name must not become several unchecked ones
    [{ ARGOCD_ENV_HELM_VALUES_FILES: 'x,../../../../../etc/passwd' }, /values file "x" does not exist/],
    [{ ARGOCD_APP_PARAMETERS: JSON.stringify([{ name: 'values-files', array: ['values.yaml,../../../../../etc/passwd'] }]) }, /values file ".*" has a comma, quote or line break/],
  ];
  for (const [env, message] of cases) {
    const r = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record, ...env });
    assert.equal(r.exitCode, 1, JSON.stringify(env));
    assert.match(r.stderr, /CMP_ARGUMENT_INVALID\)/, JSON.stringify(env));
    assert.match(r.stderr, message);
  }
  assert.deepEqual(calls(), [], 'helm never ran');
});

test('values that look like flags stay values: a file named -x.yaml and a --set value starting with --', async (t) => {
  const { bin, record, calls } = standIn(t);
  const { app } = repository(t, { 'Chart.yaml': CHART, '-x.yaml': 'a: 1\n' });
  const params = JSON.stringify([{ name: 'values-files', array: ['-x.yaml'] }, { name: 'helm-parameters', map: { 'podAnnotations.prometheus\\.io/scrape': '--post-renderer=/bin/sh', note: 'a,,b=c' } }]);
  const r = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record, ARGOCD_APP_PARAMETERS: params });
  assert.equal(r.exitCode, 0, r.stderr);
  const args = calls()[0]!.args;
  assert.deepEqual(args.slice(-3), ['--', 'web', '.']);
  assert.ok(args.includes('--values=-x.yaml'));
  assert.ok(args.includes('--set=podAnnotations.prometheus\\.io/scrape=--post-renderer=/bin/sh'));
  assert.ok(args.includes('--set=note=a\\,\\,b=c'), 'every unescaped comma is escaped, so no value sets another key');
  for (const arg of args.slice(1, -3)) assert.match(arg, /^--[a-z-]+(?:=|$)/, `${arg} is one --name=value word`);
});

test('values files reached through a symlink or ../ that leave the repository are refused', async (t) => {
  const { bin, record, calls } = standIn(t);
  const secret = mkdtempSync(join(tmpdir(), 'outside-'));
  t.after(() => rmSync(secret, { recursive: true, force: true }));
  writeFileSync(join(secret, 'values.yaml'), 'password: hunter2\n');
  const { root, app } = repository(t, { 'Chart.yaml': CHART, 'ok.yaml': 'a: 1\n' });
  symlinkSync(join(secret, 'values.yaml'), join(app, 'linked.yaml'));
  mkdirSync(join(root, 'shared'));
  symlinkSync(secret, join(root, 'shared', 'dir'));
  writeFileSync(join(root, 'inside.yaml'), 'b: 2\n');
  for (const file of ['linked.yaml', '../../shared/dir/values.yaml', '../../../outside/values.yaml']) {
    const r = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record, ARGOCD_APP_PARAMETERS: JSON.stringify([{ name: 'values-files', array: ['ok.yaml', file] }]) });
    assert.equal(r.exitCode, 1, file);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /CMP_OUTSIDE_REPOSITORY\): values file ".*" leaves the repository/, file);
  }
  // A source path with `..` in it must not move the root above the repository.
  const dotted = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record, ARGOCD_APP_SOURCE_PATH: 'apps/web/x/..', ARGOCD_APP_PARAMETERS: JSON.stringify([{ name: 'values-files', array: ['linked.yaml'] }]) });
  assert.match(dotted.stderr, /CMP_OUTSIDE_REPOSITORY\): values file "linked\.yaml" leaves the repository/);
  const escaping = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record, ARGOCD_APP_SOURCE_PATH: 'apps/../../web' });
  assert.match(escaping.stderr, /CMP_OUTSIDE_REPOSITORY\): ARGOCD_APP_SOURCE_PATH "apps\/\.\.\/\.\.\/web" leaves the repository/);
  assert.deepEqual(calls(), [], 'helm never ran');
  rmSync(join(app, 'linked.yaml')); // the chart itself must not link outside either (next test)
  const inside = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record, ARGOCD_APP_PARAMETERS: JSON.stringify([{ name: 'values-files', array: ['../../inside.yaml'] }]) });
  assert.equal(inside.exitCode, 0, inside.stderr);
  assert.ok(calls()[0]!.args.includes('--values=../../inside.yaml'));
});

test('a chart whose files or directories link outside the repository is refused before helm runs', async (t) => {
  const { bin, record, calls } = standIn(t);
  const secret = mkdtempSync(join(tmpdir(), 'outside-'));
  t.after(() => rmSync(secret, { recursive: true, force: true }));
  writeFileSync(join(secret, 'token'), 'hunter2\n');
  const arrange: Array<[string, (root: string, app: string) => void]> = [
    ['a file linked outside', (_root, app) => symlinkSync(join(secret, 'token'), join(app, 'files', 'token'))],
    ['a directory linked outside', (_root, app) => symlinkSync(secret, join(app, 'files', 'more'))],
    ['an inside directory holding an outside link', (root, app) => {
      mkdirSync(join(root, 'shared'));
      symlinkSync(join(secret, 'token'), join(root, 'shared', 'token'));
      symlinkSync(join(root, 'shared'), join(app, 'files', 'shared'));
    }],
  ];
  for (const [name, link] of arrange) {
    const { root, app } = repository(t, { 'Chart.yaml': CHART, 'files/readme.txt': 'x\n' });
    link(root, app);
    const r = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record });
    assert.equal(r.exitCode, 1, name);
    assert.match(r.stderr, /CMP_OUTSIDE_REPOSITORY\): chart: .*(?:files\/|shared\/).* leaves the repository/, `${name}: ${r.stderr}`);
  }
  assert.deepEqual(calls(), [], 'helm never ran');
  const { root, app } = repository(t, { 'Chart.yaml': CHART, 'files/readme.txt': 'x\n' });
  writeFileSync(join(root, 'shared.txt'), 'inside\n');
  symlinkSync(join(root, 'shared.txt'), join(app, 'files', 'shared.txt'));
  const ok = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record });
  assert.equal(ok.exitCode, 0, ok.stderr);
});
