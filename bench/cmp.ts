// `cmp generate` against `kubectl kustomize` with the same `images:` mapping, in the same run, on
// the three large corpus files; and a one-Deployment app against a bare `node -e ''` start.
// Every figure is the median of several runs of the real processes (spawned like the sidecar does).
// Run: npm run build && node bench/cmp.ts [runs]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rewriteManifests } from '../src/cmp/rewrite.ts';
import { buildImagePaths } from '../src/cmp/paths.ts';
import { corpusDir } from '../test/helpers/corpus.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli.mjs');
const RUNS = Number(process.argv[2] ?? 7);
const TAG = 'bench-rewritten';
const FILES = [
  'argo-cd/manifests/install.yaml',
  'argo-rollouts/manifests/install.yaml',
  'istio/operator/cmd/mesh/testdata/manifest-generate/output/all_on.golden-show-in-gh-pull-request.yaml',
];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

function measure(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, runs: number): number {
  time(cmd, args, cwd, env); // warm the page cache
  return median(Array.from({ length: runs }, () => time(cmd, args, cwd, env)));
}

function writtenName(ref: string): string {
  const noDigest = ref.split('@')[0]!;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}

const env = { ...process.env, ARGOCD_APP_NAME: 'bench', ARGOCD_APP_PARAMETERS: 'null' };
const rows: string[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'cmp-bench-'));
try {
  for (const rel of FILES) {
    const file = join(corpusDir(), rel);
    const text = readFileSync(file, 'utf8');
    const images = rewriteManifests(text, { overrides: new Map(), paths: buildImagePaths([], 'bench'), fileName: rel }).images;
    const overrides: Record<string, string> = {};
    const names = new Map<string, string>();
    for (const i of images) {
      overrides[i.repository] = `${i.repository}:${TAG}`;
      names.set(writtenName(i.value), i.repository);
    }
    const app = mkdtempSync(join(tmp, 'app-'));
    copyFileSync(file, join(app, 'install.yaml'));
    const kz = mkdtempSync(join(tmp, 'kz-'));
    copyFileSync(file, join(kz, 'install.yaml'));
    writeFileSync(join(kz, 'kustomization.yaml'), `resources: [install.yaml]\nimages:\n${[...names].map(([n, to]) => `- {name: ${JSON.stringify(n)}, newName: ${JSON.stringify(to)}, newTag: ${TAG}}`).join('\n')}\n`);
    const cmp = measure(process.execPath, [CLI, 'cmp', 'generate'], app, { ...env, ARGOCD_ENV_IMAGE_OVERRIDES: JSON.stringify(overrides) }, RUNS);
    const kust = measure('kubectl', ['kustomize', '.'], kz, env, RUNS);
    rows.push(`${rel.padEnd(58)} ${(text.length / 1e6).toFixed(1).padStart(4)} MB  ${String(images.length).padStart(3)} images  cmp generate ${cmp.toFixed(0).padStart(4)} ms  kubectl kustomize ${kust.toFixed(0).padStart(5)} ms  speed-up ${(kust / cmp).toFixed(1)}x`);
  }
  const small = mkdtempSync(join(tmp, 'small-'));
  writeFileSync(join(small, 'deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: ghcr.io/acme/web:1.0.0\n');
  const smallRuns = RUNS * 3;
  const bare = measure(process.execPath, ['-e', ''], small, env, smallRuns);
  const gen = measure(process.execPath, [CLI, 'cmp', 'generate'], small, { ...env, ARGOCD_ENV_IMAGE_OVERRIDES: '{"ghcr.io/acme/web":"ghcr.io/acme/web:1.4.2"}' }, smallRuns);
  rows.push(`${'one Deployment (directory app)'.padEnd(58)} node -e '' ${bare.toFixed(0)} ms  cmp generate ${gen.toFixed(0)} ms  ratio ${(gen / bare).toFixed(2)}x (goal <= 2x)`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.stdout.write(`cmp generate vs kubectl kustomize (median of ${RUNS} runs; goal >= 5x)\n${rows.join('\n')}\n`);
