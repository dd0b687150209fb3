// Bad input to the CMP, run as argocd-cmp-server runs it: `cmp generate` in the source directory
// with ARGOCD_ENV_* variables (Argo CD's config-management-plugins.md). Each
// hazard — invalid YAML, alias bombs, a 100 MB stream, invalid UTF-8, BOMs, NUL bytes, deep nesting,
// bad override JSON — must end with a non-zero exit, nothing on stdout (Argo CD would apply partial
// output) and a reason on stderr; never a signal or an uncaught stack trace. A BOM-prefixed valid
// file is valid YAML and must render.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotCli } from '../../bench/lib/service.ts';

const DEPLOY = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.0.0\n';
const OVERRIDES = JSON.stringify({ 'ghcr.io/acme/web': 'ghcr.io/acme/web:1.1.0' });

function bomb(levels: number): string {
  const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(',')}]`);
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: number;
  stdoutText: string;
  stderr: string;
}

function runCmp(cli: string, cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'cmp', 'generate'], { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ARGOCD_APP_NAME: 'web', ARGOCD_ENV_RENDERER: 'directory', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = 0;
    let stdoutText = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.length;
      if (stdoutText.length < 10_000) stdoutText += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stdoutText, stderr }));
  });
}

test('malformed CMP input: a clear reason on stderr, nothing on stdout, no crash', async (t) => {
  const cli = await snapshotCli();
  t.after(() => cli.remove());
  const hazards: Array<{ name: string; files: Record<string, string | Buffer>; env?: Record<string, string>; big?: number }> = [
    { name: 'invalid YAML', files: { 'a.yaml': `${DEPLOY}  broken: [\n` } },
    { name: 'unclosed quote', files: { 'a.yaml': `${DEPLOY}          args: ["x\n` } },
    { name: 'tab indentation', files: { 'a.yaml': DEPLOY.replace('  name: web', '\tname: web') } },
    { name: 'alias bomb (9^8)', files: { 'a.yaml': bomb(8) } },
    { name: 'alias bomb in a Deployment', files: { 'a.yaml': `${DEPLOY}          env: &e [{name: a, value: b}]\n${bomb(7).split('\n').slice(5).join('\n')}` } },
    { name: 'self-referencing alias', files: { 'a.yaml': 'apiVersion: v1\nkind: List\nitems: &x\n  - *x\n' } },
    { name: 'invalid UTF-8', files: { 'a.yaml': Buffer.concat([Buffer.from(DEPLOY), Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff, 0x0a])]) } },
    { name: 'NUL bytes', files: { 'a.yaml': `${DEPLOY}\u0000\u0000\n` } },
    { name: 'deep nesting (5 000 levels)', files: { 'a.yaml': `${DEPLOY}          x: ${'['.repeat(5000)}${']'.repeat(5000)}\n` } },
    { name: '100 MB stream', files: {}, big: 100 * 1024 * 1024 },
    { name: 'empty source', files: { 'a.yaml': '' } },
    { name: 'only comments', files: { 'a.yaml': '# nothing\n---\n# more\n' } },
    { name: 'overrides not JSON', files: { 'a.yaml': DEPLOY }, env: { ARGOCD_ENV_IMAGE_OVERRIDES: '{ghcr.io/acme/web: x' } },
    { name: 'overrides an array', files: { 'a.yaml': DEPLOY }, env: { ARGOCD_ENV_IMAGE_OVERRIDES: '["x"]' } },
    { name: 'overrides with __proto__', files: { 'a.yaml': DEPLOY }, env: { ARGOCD_ENV_IMAGE_OVERRIDES: '{"__proto__":{"ghcr.io/acme/web":"evil/x:1"}}' } },
    { name: 'override to an invalid reference', files: { 'a.yaml': DEPLOY }, env: { ARGOCD_ENV_IMAGE_OVERRIDES: JSON.stringify({ 'ghcr.io/acme/web': 'UPPER CASE::bad' }) } },
    { name: 'JSON manifest, invalid', files: { 'a.json': '{"apiVersion": "v1", "kind": ' } },
    { name: 'unknown renderer', files: { 'a.yaml': DEPLOY }, env: { ARGOCD_ENV_RENDERER: 'bash -c id' } },
  ];
  let cases = 0;
  const problems: string[] = [];
  for (const h of hazards) {
    const dir = await mkdtemp(join(tmpdir(), 'aip-cmp-'));
    try {
      for (const [name, content] of Object.entries(h.files)) await writeFile(join(dir, name), content);
      if (h.big) {
        // One Deployment, then ConfigMaps until the size is reached.
        const f = await open(join(dir, 'big.yaml'), 'w');
        await f.write(DEPLOY);
        const chunk = `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: filler\ndata:\n  x: "${'y'.repeat(1024 * 1024)}"\n`;
        for (let n = DEPLOY.length; n < h.big; n += chunk.length) await f.write(chunk);
        await f.close();
      }
      const r = await runCmp(cli.cli, dir, { ARGOCD_ENV_IMAGE_OVERRIDES: OVERRIDES, ...h.env });
      cases++;
      if (r.signal !== null) problems.push(`${h.name}: killed by ${r.signal}`);
      else if (r.code === 0) problems.push(`${h.name}: exit 0 (stdout ${r.stdout} bytes)`);
      if (r.stdout !== 0) problems.push(`${h.name}: ${r.stdout} bytes on stdout: ${r.stdoutText.slice(0, 120)}`);
      if (r.stderr.trim().length === 0) problems.push(`${h.name}: no reason on stderr`);
      if (/\n\s+at .+:\d+:\d+\)?\n/.test(r.stderr)) problems.push(`${h.name}: a stack trace on stderr: ${r.stderr.slice(0, 300)}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  // A UTF-8 BOM is allowed before a YAML stream (YAML 1.2 §5.2): it must render, rewritten.
  const dir = await mkdtemp(join(tmpdir(), 'aip-cmp-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'a.yaml'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(DEPLOY)]));
  const bom = await runCmp(cli.cli, dir, { ARGOCD_ENV_IMAGE_OVERRIDES: OVERRIDES });
  cases++;
  t.diagnostic(`${cases} CMP inputs`);
  assert.deepEqual(problems, []);
  assert.equal(bom.code, 0, bom.stderr);
  assert.match(bom.stdoutText, /image: ghcr\.io\/acme\/web:1\.1\.0/);
});
