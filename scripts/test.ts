// `npm test`: the whole suite, the same command CI runs. First the preflight (every outside program
// the tests start, installed or reported at once), then, for the whole suite, the type check, the
// lint and the container image build and check; then the CLI build (the CMP tests spawn it as
// argocd-cmp-server would) and node's test runner over every test file. `npm test -- FILE…` runs only those files (preflight and build included).
// The tests run with TMPDIR pointing at a fresh folder; whatever they leave there fails the run.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTools } from './ensure-tools.ts';

function step(title: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  process.stderr.write(`\n== ${title}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  return r.status ?? 1;
}

// tsc and eslint keep V8's compiled code in the temp directory (module.enableCompileCache); every
// step gets a cache folder of its own, removed when the steps are done, so nothing is left there.
const compileCache = mkdtempSync(join(tmpdir(), 'argocd-image-plugins-compile-cache-'));
process.once('exit', () => rmSync(compileCache, { recursive: true, force: true }));

function must(title: string, cmd: string, args: string[]): void {
  const status = step(title, cmd, args, { ...process.env, NODE_COMPILE_CACHE: compileCache });
  if (status !== 0) {
    process.stderr.write(`${title} failed (exit ${status})\n`);
    process.exit(status);
  }
}

process.stderr.write('== preflight\n');
try {
  ensureTools();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
const files = process.argv.slice(2);
if (process.getuid?.() !== 0 && (files.length === 0 || files.some((f) => f.includes('posture')))) {
  process.stderr.write('test/reliability/posture.test.ts starts the service as uid 65534 with setpriv, so the suite must run as root (e.g. in a container or VM); nothing was run\n');
  process.exit(1);
}
const bin = join(import.meta.dirname, '../node_modules/.bin');
if (files.length === 0) {
  must('typecheck', join(bin, 'tsc'), ['-p', 'tsconfig.json']);
  must('lint', join(bin, 'eslint'), ['.']);
  // The whole suite includes the container image: built from the Dockerfile with buildah and checked
  // from inside (`npm run container` runs this step alone).
  must('container image', process.execPath, ['scripts/container-build.ts']);
}
must('build', process.execPath, ['scripts/build.ts']);

// Searchable by other users: the posture test runs the service as uid 65534 below it.
const tmp = mkdtempSync(join(tmpdir(), 'argocd-image-plugins-test-'));
chmodSync(tmp, 0o755);
const status = step('tests', process.execPath, [
  '--test',
  '--test-reporter=spec',
  '--test-concurrency=2',
  // A deadline per test, not a speed requirement: the chaos and corpus tests take 30–90 s on a quiet
  // 2-core machine and several times that when other jobs share the cores; 5 minutes still ends a
  // hung test well inside CI's limit.
  '--test-timeout=300000',
  // A file whose tests are done ends even if a failed test left a child process or socket open
  // (those helpers kill their children on exit), so one failure cannot hang the run.
  '--test-force-exit',
  ...(files.length > 0 ? files : ['test/**/*.test.ts']),
], { ...process.env, TMPDIR: tmp });
const left = readdirSync(tmp);
rmSync(tmp, { recursive: true, force: true });
if (left.length > 0) {
  process.stderr.write(`\nthe tests left ${left.length} entries in their temp dir (each test removes what it creates): ${left.slice(0, 20).join(', ')}\n`);
  process.exit(status === 0 ? 1 : status);
}
process.exit(status);
