// `cmp generate` on a stream of small documents (each a Pod with one image, so every document is
// parsed): 1 MiB as the baseline, then 8 MiB, in the same run. Linear work shows as a ratio near 8;
// the quadratic line counting this guards against showed as 2 MiB in 12.5 s and 8 MiB never ending.
// Run: npm run build && node bench/cmp-stream.ts [runs]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smallDocumentStream } from '../test/helpers/cmp-stream.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli.mjs');
const RUNS = Number(process.argv[2] ?? 3);
const OVERRIDES = JSON.stringify({ 'ghcr.io/acme/web': 'ghcr.io/acme/web:2.0.0' });

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function generateMs(app: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'cmp', 'generate'], {
    cwd: app,
    env: { PATH: process.env.PATH, ARGOCD_APP_NAME: 'bench', ARGOCD_APP_PARAMETERS: 'null', ARGOCD_ENV_IMAGE_OVERRIDES: OVERRIDES, ARGOCD_IMAGE_PLUGINS_RENDER_TIMEOUT_SECONDS: '600' },
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`cmp generate failed: ${r.stderr}`);
  return performance.now() - t0;
}

const tmp = mkdtempSync(join(tmpdir(), 'cmp-stream-bench-'));
try {
  const rows: string[] = [];
  let baseline = 0;
  for (const mib of [1, 8]) {
    const app = mkdtempSync(join(tmp, 'app-'));
    const { text, documents } = smallDocumentStream(mib * 1024 * 1024);
    writeFileSync(join(app, 'stream.yaml'), text);
    const ms = median(Array.from({ length: RUNS }, () => generateMs(app)));
    if (mib === 1) baseline = ms;
    rows.push(`${String(mib).padStart(2)} MiB  ${String(documents).padStart(6)} documents  cmp generate ${ms.toFixed(0).padStart(6)} ms  ratio to 1 MiB ${(ms / baseline).toFixed(1)}x (linear: ~8x)`);
  }
  process.stdout.write(`cmp generate on a stream of small documents (median of ${RUNS} runs)\n${rows.join('\n')}\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
