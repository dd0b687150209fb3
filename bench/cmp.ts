// `cmp generate` against `kubectl kustomize` with the same `images:` mapping on the three largest
// streams the corpus gives: Argo Rollouts' install bundle (3.1 MB), Argo CD's HA install bundle (2.0 MB), and the largest
// render built from it (every large corpus bundle through one kustomization, rendered once by
// `kubectl kustomize` before measuring). Then a one-Deployment app against a bare `node -e 0` start
// of the same Node binary. Real processes, spawned like the sidecar spawns them. Each round runs
// both contestants back to back, the order alternating between rounds, and every figure is the
// median of the per-round ratios (the machine may be shared).
// Run: npm run build && node bench/cmp.ts [rounds]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rewriteManifests } from '../src/cmp/rewrite.ts';
import { buildImagePaths } from '../src/cmp/paths.ts';
import { corpusDir } from '../test/helpers/corpus.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli.mjs');
const ROUNDS = Number(process.argv[2] ?? 7);
const TAG = 'bench-rewritten';
const STREAMS = ['argo-rollouts/manifests/install.yaml', 'argo-cd/manifests/ha/install.yaml'];
/** Every corpus bundle kustomize can take together: the largest multi-document render we can build. */
const RENDER_PARTS = [
  'argo-cd/manifests/install.yaml',
  'argo-rollouts/manifests/install.yaml',
  'istio/operator/cmd/mesh/testdata/manifest-generate/output/all_on.golden-show-in-gh-pull-request.yaml',
  'istio/samples/addons/grafana.yaml',
  'istio/samples/addons/jaeger.yaml',
  'istio/samples/addons/kiali.yaml',
  'istio/samples/addons/loki.yaml',
  'istio/samples/addons/prometheus.yaml',
  'knative-serving/third_party/cert-manager-latest/cert-manager.yaml',
  'knative-serving/third_party/contour-latest/contour.yaml',
  'knative-serving/third_party/kourier-latest/kourier.yaml',
  'knative-serving/third_party/istio-latest/net-istio.yaml',
  'tekton-pipeline/config/controller.yaml',
];
const SMALL = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: ghcr.io/acme/web:1.0.0\n';

interface Run {
  readonly cmd: string;
  readonly args: string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(run: Run): number {
  const t0 = performance.now();
  const r = spawnSync(run.cmd, run.args, { cwd: run.cwd, env: run.env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${run.cmd} ${run.args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

/** Rounds of a then b (b then a on odd rounds); medians of each and of the per-round ratios a/b. */
function compare(a: Run, b: Run, rounds: number): { a: number; b: number; ratio: number } {
  time(a); // warm the page cache and the compile cache
  time(b);
  const as: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let ta: number;
    let tb: number;
    if (r % 2 === 0) {
      ta = time(a);
      tb = time(b);
    } else {
      tb = time(b);
      ta = time(a);
    }
    as.push(ta);
    bs.push(tb);
    ratios.push(ta / tb);
  }
  return { a: median(as), b: median(bs), ratio: median(ratios) };
}

function writtenName(ref: string): string {
  const noDigest = ref.split('@')[0]!;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}

const env = { ...process.env, ARGOCD_APP_NAME: 'bench', ARGOCD_APP_PARAMETERS: 'null', ARGOCD_IMAGE_PLUGINS_RENDER_TIMEOUT_SECONDS: '600' };

/** Render RENDER_PARTS through one kustomization; returns the stream's file. */
function buildRender(tmp: string): string {
  const dir = mkdtempSync(join(tmp, 'render-'));
  RENDER_PARTS.forEach((rel, i) => copyFileSync(join(corpusDir(), rel), join(dir, `part${i}.yaml`)));
  writeFileSync(join(dir, 'kustomization.yaml'), `resources:\n${RENDER_PARTS.map((_, i) => `- part${i}.yaml\n`).join('')}`);
  const r = spawnSync('kubectl', ['kustomize', '.'], { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`kubectl kustomize failed: ${r.stderr}`);
  const file = join(tmp, 'render.yaml');
  writeFileSync(file, r.stdout);
  return file;
}

/** The same stream as a directory app for `cmp generate` and as a kustomization with `images:`. */
function streamRow(tmp: string, file: string, label: string): string {
  const text = readFileSync(file, 'utf8');
  const images = rewriteManifests(text, { overrides: new Map(), paths: buildImagePaths([], 'bench'), fileName: label }).images;
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
  const cmp: Run = { cmd: process.execPath, args: [CLI, 'cmp', 'generate'], cwd: app, env: { ...env, ARGOCD_ENV_IMAGE_OVERRIDES: JSON.stringify(overrides) } };
  const kust: Run = { cmd: 'kubectl', args: ['kustomize', '.'], cwd: kz, env };
  const m = compare(cmp, kust, ROUNDS);
  const docs = text.split(/^---$/m).length;
  return `${label.padEnd(44)} ${(text.length / 1e6).toFixed(2)} MB ${String(docs).padStart(4)} docs ${String(images.length).padStart(3)} images  cmp generate ${m.a.toFixed(0).padStart(5)} ms  kubectl kustomize ${m.b.toFixed(0).padStart(6)} ms  ratio ${m.ratio.toFixed(3)} (goal <= 0.10)`;
}

const rows: string[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'cmp-bench-'));
try {
  for (const rel of STREAMS) rows.push(streamRow(tmp, join(corpusDir(), rel), rel));
  rows.push(streamRow(tmp, buildRender(tmp), `render of ${RENDER_PARTS.length} corpus bundles`));
  const small = mkdtempSync(join(tmp, 'small-'));
  writeFileSync(join(small, 'deployment.yaml'), SMALL);
  const gen: Run = { cmd: process.execPath, args: [CLI, 'cmp', 'generate'], cwd: small, env: { ...env, ARGOCD_ENV_IMAGE_OVERRIDES: '{"ghcr.io/acme/web":"ghcr.io/acme/web:1.4.2"}' } };
  const bare: Run = { cmd: process.execPath, args: ['-e', '0'], cwd: small, env };
  const m = compare(gen, bare, ROUNDS * 5);
  rows.push(`${'one Deployment (directory app)'.padEnd(44)} cmp generate ${m.a.toFixed(0)} ms  node -e 0 ${m.b.toFixed(0)} ms  ratio ${m.ratio.toFixed(2)} (goal <= 1.5)`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.stdout.write(`cmp generate against kubectl kustomize and a bare node start (${ROUNDS} alternating rounds per stream, ${ROUNDS * 5} for the small app; medians, ratio = median of per-round ratios)\n${rows.join('\n')}\n`);
