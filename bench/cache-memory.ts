// Memory of the in-memory metadata store under churn: a registry that keeps pushing new digests
// (a CI building every commit) feeds the store far more digests than it may keep. Prints the heap
// after each round for the bounded store (lru-cache, MAX_IMAGE_DETAILS) and, as the baseline
// measured in the same run, for an unbounded Map, which is what the store was before the bound.
// Run: node bench/cache-memory.ts [digests=200000]
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMetadataStore, MAX_IMAGE_DETAILS } from '../src/cache/metadata.ts';
import type { ImageDetails } from '../src/registry/types.ts';

const total = Number(process.argv[2] ?? 200_000);
const ROUNDS = 5;
// Heap figures are read after a full collection; this exposes gc() without a command-line flag.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function details(i: number): ImageDetails {
  const hex = i.toString(16).padStart(64, '0');
  return {
    digest: `sha256:${hex}`,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    isIndex: true,
    platforms: [
      { os: 'linux', architecture: 'amd64', digest: `sha256:a${hex.slice(1)}` },
      { os: 'linux', architecture: 'arm64', digest: `sha256:b${hex.slice(1)}` },
    ],
    created: new Date(1_700_000_000_000 + i * 1000).toISOString(),
  };
}

function heapMiB(): number {
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

function churn(put: (d: ImageDetails) => void): number[] {
  const perRound = Math.ceil(total / ROUNDS);
  const figures: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let i = round * perRound; i < (round + 1) * perRound; i += 1) put(details(i));
    figures.push(heapMiB());
  }
  return figures;
}

const before = heapMiB();
const unbounded = new Map<string, ImageDetails>();
const baseline = churn((d) => unbounded.set(d.digest, d)).map((h) => h - before);
unbounded.clear();
const start = heapMiB();
const store = createMetadataStore();
const bounded = churn((d) => store.putDetails(d)).map((h) => h - start);

const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(' → ');
process.stdout.write(`digests pushed: ${total} in ${ROUNDS} rounds; bound: ${MAX_IMAGE_DETAILS} digests\n`);
process.stdout.write(`unbounded Map (baseline) heap growth MiB: ${fmt(baseline)}\n`);
process.stdout.write(`bounded store            heap growth MiB: ${fmt(bounded)}\n`);
process.stdout.write(`ratio bounded/baseline after the last round: ${(bounded.at(-1)! / baseline.at(-1)!).toFixed(2)}\n`);
