// helm rendering. Helm cannot be installed on these machines (no internet beyond npm and Debian),
// so `helm` here is a stand-in executable on the sidecar PATH that records the arguments it was
// given and prints what `helm template` prints (a `# Source:` comment per document). The tests check
// the invocation (release name, namespace, values files, --set values, cluster version) and that
// init only runs `helm dependency build` when the chart declares dependencies not yet vendored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { before } from 'node:test';
import { CHART, standIn } from './helpers/helm-standin.ts';
import { buildCli, repository, runPhase } from './helpers/sidecar.ts';

before(() => buildCli());

test('helm template gets release name, namespace, values files, --set values and the cluster version', async (t) => {
  const { bin, record, calls } = standIn(t);
  const { app } = repository(t, { 'Chart.yaml': CHART, 'values.yaml': 'x: 1\n', 'values-prod.yaml': 'x: 2\n', 'templates/deployment.yaml': '{{ .Values.x }}\n' });
  const params = JSON.stringify([
    { array: ['values-prod.yaml'], name: 'values-files' },
    { map: { 'image.tag': 'v1,v2', replicas: '3' }, name: 'helm-parameters' },
    { map: { 'ghcr.io/acme/web': 'ghcr.io/acme/web:1.4.2' }, name: 'images' },
  ]);
  const r = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record, ARGOCD_APP_PARAMETERS: params, ARGOCD_ENV_HELM_RELEASE_NAME: 'web-prod' });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.deepEqual(calls(), [{
    cwd: app,
    args: ['template', '--include-crds', '--namespace=prod', '--kube-version=1.31.4',
      '--api-versions=v1', '--api-versions=apps/v1', '--api-versions=apps/v1/Deployment',
      '--values=values-prod.yaml', '--set=image.tag=v1\\,v2', '--set=replicas=3', '--', 'web-prod', '.'],
  }]);
  assert.match(r.stdout, /^---\n# Source: web\/templates\/deployment\.yaml\n/);
  assert.match(r.stdout, /name: web-prod-web\n {2}namespace: prod\n/);
  assert.match(r.stdout, /image: "ghcr\.io\/acme\/web:1\.4\.2"\n$/);
});

test('the release name defaults to the Application name without its namespace prefix', async (t) => {
  const { bin, record, calls } = standIn(t);
  const { app } = repository(t, { 'Chart.yaml': CHART });
  const r = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record, ARGOCD_APP_NAME: 'team-a_web' });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.deepEqual(calls()[0]!.args.slice(-3), ['--', 'web', '.']);
});

test('values files outside the repository or given as URLs are refused before helm runs', async (t) => {
  for (const file of ['../../../etc/passwd', '/etc/passwd', 'https://example.com/values.yaml']) {
    const { bin, record, calls } = standIn(t);
    const { app } = repository(t, { 'Chart.yaml': CHART });
    const r = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record, ARGOCD_APP_PARAMETERS: JSON.stringify([{ array: [file], name: 'values-files' }]) });
    assert.equal(r.exitCode, 1, file);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /CMP_(?:ARGUMENT_INVALID|OUTSIDE_REPOSITORY)\): values file/);
    assert.deepEqual(calls(), []);
  }
});

test('a helm failure fails the render with helm\'s stderr', async (t) => {
  const { bin, record } = standIn(t);
  const { app } = repository(t, { 'Chart.yaml': CHART });
  const r = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record, HELM_STANDIN_FAIL: '1' });
  assert.equal(r.exitCode, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /CMP_RENDER_FAILED\): helm template exited with code 1: Error: template: web\/templates\/deployment\.yaml:7: bad value/);
});

test('a renderer that overruns its deadline is stopped and the render fails', async (t) => {
  const { bin, record } = standIn(t);
  const { app } = repository(t, { 'Chart.yaml': CHART });
  const r = await runPhase('generate', app, bin, { HELM_STANDIN_RECORD: record, HELM_STANDIN_SLEEP: '20000', ARGOCD_IMAGE_PLUGINS_RENDER_TIMEOUT_SECONDS: '2' });
  assert.equal(r.exitCode, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /CMP_RENDER_FAILED\): helm template did not finish within [12]\.\d s \(what was left of ARGOCD_IMAGE_PLUGINS_RENDER_TIMEOUT_SECONDS/);
});

test('init builds declared dependencies once, and does nothing when none are needed', async (t) => {
  const { bin, record, calls } = standIn(t);
  const plain = repository(t, { 'Chart.yaml': CHART });
  const none = await runPhase('init', plain.app, bin, { HELM_STANDIN_RECORD: record });
  assert.equal(none.exitCode, 0, none.stderr);
  assert.deepEqual(calls(), []);

  const withDeps = repository(t, { 'Chart.yaml': `${CHART}dependencies:\n- name: redis\n  version: 19.0.0\n  repository: https://charts.example\n` });
  const first = await runPhase('init', withDeps.app, bin, { HELM_STANDIN_RECORD: record });
  assert.equal(first.exitCode, 0, first.stderr);
  assert.deepEqual(calls().map((c) => c.args), [['dependency', 'build', '.']]);
  const again = await runPhase('init', withDeps.app, bin, { HELM_STANDIN_RECORD: record });
  assert.equal(again.exitCode, 0, again.stderr);
  assert.equal(calls().length, 1, 'vendored dependencies are not built again');
});
