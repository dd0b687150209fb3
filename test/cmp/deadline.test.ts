// One time budget covers the whole command, not only the renderer: listing and reading files,
// checking a kustomization tree and rewriting documents all stop once it is spent, with the step
// named. The clock here moves one second every time it is read, so the test counts steps instead
// of waiting: a command that never looks at the clock between its steps cannot pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCmp } from '../../src/cmp/main.ts';
import type { CmpIo } from '../../src/cmp/context.ts';
import { smallDocumentStream } from '../helpers/cmp-stream.ts';
import { repository } from './helpers/sidecar.ts';

function steppingIo(cwd: string, env: Record<string, string>): { io: CmpIo; out: () => string; err: () => string; reads: () => number } {
  let t = 0;
  let stdout = '';
  let stderr = '';
  const io: CmpIo = {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ARGOCD_APP_NAME: 'web', ARGOCD_ENV_IMAGE_OVERRIDES: JSON.stringify({ 'ghcr.io/acme/web': 'ghcr.io/acme/web:2.0.0' }), ARGOCD_IMAGE_PLUGINS_RENDER_TIMEOUT_SECONDS: '30', ...env },
    cwd,
    clock: { now: () => (t += 1000) },
    writeStdout: async (text) => void (stdout += text),
    writeStderr: (text) => void (stderr += text),
  };
  return { io, out: () => stdout, err: () => stderr, reads: () => t / 1000 };
}

const CM = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n`;

test('reading many files stops when the budget is spent', async (t) => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 100; i++) files[`c${String(i).padStart(3, '0')}.yaml`] = CM(i);
  const { app } = repository(t, files);
  const run = steppingIo(app, { ARGOCD_ENV_RENDERER: 'directory' });
  assert.equal(await runCmp(['generate'], run.io), 1);
  assert.equal(run.out(), '');
  assert.match(run.err(), /CMP_DEADLINE\): did not finish within 30 s .* stopped while (listing manifest files|reading c0\d\d\.yaml)/);
  assert.ok(run.reads() <= 32, `the clock was read ${run.reads()} times: nothing ran on after the budget`);
});

test('rewriting a long stream stops when the budget is spent', async (t) => {
  const { app } = repository(t, { 'stream.yaml': smallDocumentStream(64 * 1024).text });
  const run = steppingIo(app, { ARGOCD_ENV_RENDERER: 'directory' });
  assert.equal(await runCmp(['generate'], run.io), 1);
  assert.equal(run.out(), '');
  assert.match(run.err(), /CMP_DEADLINE\): .* stopped while rewriting stream\.yaml/);
});

test('checking a deep kustomization tree stops when the budget is spent', async (t) => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 60; i++) files[`k${i}/kustomization.yaml`] = `resources:\n- ../k${i + 1}\n`;
  files['k60/kustomization.yaml'] = 'resources: []\n';
  files['kustomization.yaml'] = 'resources:\n- k0\n';
  const { app } = repository(t, files);
  const run = steppingIo(app, { ARGOCD_ENV_RENDERER: 'kustomize' });
  assert.equal(await runCmp(['generate'], run.io), 1);
  assert.match(run.err(), /CMP_DEADLINE\): .* stopped while checking the kustomization tree/);
});

test('within the budget the same command succeeds', async (t) => {
  const { app } = repository(t, { 'a.yaml': CM(1), 'stream.yaml': smallDocumentStream(2 * 1024).text });
  const run = steppingIo(app, { ARGOCD_ENV_RENDERER: 'directory', ARGOCD_IMAGE_PLUGINS_RENDER_TIMEOUT_SECONDS: '1000' });
  assert.equal(await runCmp(['generate'], run.io), 0, run.err());
  assert.match(run.out(), /image: ghcr\.io\/acme\/web:2\.0\.0/);
});
