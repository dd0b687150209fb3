// The Kubernetes client against the loopback API peer (test/helpers/kube-api.ts), which follows
// the API conventions: paged lists with labelSelector, merge patch, Status objects on failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKubeClient } from '../../src/kube/client.ts';
import { kubeconfigConnection, resolveConnection } from '../../src/kube/connection.ts';
import { isAppError } from '../../src/shared/errors.ts';
import { clusterSecret, startKubeApi } from '../helpers/kube-api.ts';

async function rejectsWith(p: Promise<unknown>, code: string, text: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isAppError(err));
    assert.equal(err.code, code);
    assert.match(err.message, text);
    return true;
  });
}

test('lists every page of secrets matching the selector, and restarts a list whose continue token expired', async (t) => {
  const api = await startKubeApi(t);
  for (let i = 0; i < 7; i++) api.put('secrets', 'argocd', clusterSecret(`c${i}`, { name: `c${i}`, server: `https://c${i}` }));
  api.put('secrets', 'argocd', { metadata: { name: 'not-a-cluster', labels: { other: 'x' } }, data: {} });
  const kube = createKubeClient({ server: api.url, token: () => api.token, insecure: false }, { pageSize: 3 });
  t.after(() => kube.close());
  const secrets = await kube.listSecrets('argocd', 'argocd.argoproj.io/secret-type=cluster');
  assert.deepEqual(secrets.map((s) => s.metadata?.name), ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
  assert.equal(api.requests.filter((r) => r === 'list secrets 200').length, 3);

  // A compaction between pages makes the second page answer 410; the client reads a fresh list.
  const slow = createKubeClient({ server: api.url, token: () => { api.compact(); return api.token; }, insecure: false }, { pageSize: 3 });
  t.after(() => slow.close());
  api.requests.length = 0;
  await rejectsWith(slow.listSecrets('argocd', 'argocd.argoproj.io/secret-type=cluster'), 'KUBE_EXPIRED', /410.*too old/);
  assert.ok(api.requests.filter((r) => r.endsWith('410')).length === 2, 'one restart after the first 410, then the error');

  // One compaction only: the restarted list completes with every item.
  let calls = 0;
  const once = createKubeClient({ server: api.url, token: () => { if (++calls === 2) api.compact(); return api.token; }, insecure: false }, { pageSize: 3 });
  t.after(() => once.close());
  assert.equal((await once.listSecrets('argocd', 'argocd.argoproj.io/secret-type=cluster')).length, 7);
});

test('401, 403 and 404 become coded errors carrying the API message', async (t) => {
  const api = await startKubeApi(t, { tokens: { 'reader-token': [{ verbs: ['list'], resources: ['secrets'], namespaces: ['argocd'] }] } });
  const wrong = createKubeClient({ server: api.url, token: () => 'nope', insecure: false });
  const reader = createKubeClient({ server: api.url, token: () => 'reader-token', insecure: false });
  t.after(() => Promise.all([wrong.close(), reader.close()]));
  await rejectsWith(wrong.listSecrets('argocd', ''), 'KUBE_UNAUTHORIZED', /401.*token.*rejected/);
  await rejectsWith(reader.listSecrets('other', ''), 'KUBE_FORBIDDEN', /403.*cannot list resource "secrets" in the namespace "other"/);
  await rejectsWith(reader.listApplicationSets('argocd'), 'KUBE_FORBIDDEN', /applicationsets is forbidden/);
  const admin = await startKubeApi(t);
  const client = createKubeClient({ server: admin.url, token: () => admin.token, insecure: false });
  t.after(() => client.close());
  await rejectsWith(client.patchApplicationSet('argocd', 'missing', { metadata: { annotations: { a: 'b' } } }), 'KUBE_NOT_FOUND', /404.*"missing" not found/);
});

test('merge-patches an ApplicationSet annotation, keeping the rest of the object', async (t) => {
  const api = await startKubeApi(t);
  api.put('applicationsets', 'argocd', { metadata: { name: 'web', annotations: { keep: 'me' } }, spec: { generators: [] } });
  const kube = createKubeClient({ server: api.url, token: () => api.token, insecure: false });
  t.after(() => kube.close());
  await kube.patchApplicationSet('argocd', 'web', { metadata: { annotations: { 'argocd.argoproj.io/application-set-refresh': 'true' } } });
  const after = api.get('applicationsets', 'argocd', 'web');
  assert.deepEqual(after?.metadata.annotations, { keep: 'me', 'argocd.argoproj.io/application-set-refresh': 'true' });
  assert.deepEqual(after?.spec, { generators: [] });
  assert.deepEqual((await kube.listApplicationSets('argocd')).map((a) => a.metadata.name), ['web']);
});

test('an unreachable API server is KUBE_UNAVAILABLE', async (t) => {
  const kube = createKubeClient({ server: 'http://127.0.0.1:1', insecure: false }, { timeoutMs: 2000 });
  t.after(() => kube.close());
  await rejectsWith(kube.listSecrets('argocd', ''), 'KUBE_UNAVAILABLE', /unreachable/);
});

test('connections: a kubeconfig current context, a token file re-read on each call, and refusals', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, 'first\n');
  const cfg = join(dir, 'config');
  writeFileSync(cfg, [
    'apiVersion: v1', 'kind: Config', 'current-context: lab',
    'clusters:', '- name: lab', '  cluster:', '    server: https://127.0.0.1:6443/', `    certificate-authority-data: ${Buffer.from('CA PEM').toString('base64')}`,
    'users:', '- name: me', '  user:', `    tokenFile: ${tokenFile}`, '- name: execer', '  user:', '    exec: { command: aws }',
    'contexts:', '- name: lab', '  context: { cluster: lab, user: me }', '- name: bad', '  context: { cluster: lab, user: execer }',
  ].join('\n'));
  const conn = kubeconfigConnection(cfg);
  assert.equal(conn.server, 'https://127.0.0.1:6443');
  assert.equal(conn.ca, 'CA PEM');
  assert.equal(conn.token?.(), 'first');
  writeFileSync(tokenFile, 'rotated\n');
  assert.equal(conn.token?.(), 'rotated');
  writeFileSync(cfg, `current-context: bad\n${[
    'clusters:', '- name: lab', '  cluster:', '    server: https://x', 'users:', '- name: execer', '  user:', '    exec: { command: aws }',
    'contexts:', '- name: bad', '  context: { cluster: lab, user: execer }'].join('\n')}`);
  assert.throws(() => kubeconfigConnection(cfg), /exec\/auth-provider plugin/);
  assert.throws(() => resolveConnection({ env: {} }), /not running in a cluster/);
});
