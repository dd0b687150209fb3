// Time to take an operation: POST hold / release through the operations API of a real service
// (startService, on loopback), each answered only once the snapshot file holding it is written and
// fsynced, against GET /api/v1/operations/status on the same service (no write) as the baseline,
// measured in the same run, alternating. The registry is unreachable on purpose: no scan competes.
// Run: node bench/operations.ts [--actions 200]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { request } from 'undici';
import { startService } from '../src/service/start.ts';
import { createLogger } from '../src/shared/log.ts';

const args = process.argv.slice(2);
const ACTIONS = Number(args[args.indexOf('--actions') + 1] ?? 200) || 200;
const OPERATOR = 'bench-operator-token-7f3a';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timed(fn: () => Promise<number>): Promise<number> {
  const start = performance.now();
  const status = await fn();
  if (status >= 300) throw new Error(`unexpected status ${status}`);
  return performance.now() - start;
}

const dir = mkdtempSync(join(tmpdir(), 'aip-bench-ops-'));
try {
  writeFileSync(join(dir, 'token'), 'bench-generator-token');
  writeFileSync(join(dir, 'op'), OPERATOR);
  writeFileSync(join(dir, 'config.yaml'), [
    `server: { tokenFile: ${join(dir, 'token')}, refreshApplicationSets: false, operatorTokens: [{ name: bench, tokenFile: ${join(dir, 'op')} }] }`,
    'polling: { intervalSeconds: 3600 }',
    `cache: { path: ${join(dir, 'cache.json')} }`,
    'registries: [{ host: "127.0.0.1:9", url: "http://127.0.0.1:9", insecure: true }]',
    'watches: [{ name: web, image: 127.0.0.1:9/acme/web, policy: { semver: { range: "^1" } }, environments: { prod: {} } }]',
    'clusters: { static: [{ name: edge, server: "https://edge.example:6443" }] }',
    '',
  ].join('\n'));
  const service = await startService({ configPath: join(dir, 'config.yaml'), listen: { host: '127.0.0.1', port: 0 }, logger: createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) }) });
  const headers = { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' };
  const post = (kind: string, body: unknown) => async () => {
    const res = await request(`${service.url}/api/v1/operations/${kind}`, { method: 'POST', headers, body: JSON.stringify(body) });
    await res.body.dump();
    return res.statusCode;
  };
  const status = async () => {
    const res = await request(`${service.url}/api/v1/operations/status?watch=web`, { headers });
    await res.body.dump();
    return res.statusCode;
  };
  const writes: number[] = [];
  const reads: number[] = [];
  for (let i = 0; i < ACTIONS; i++) {
    const kind = i % 2 === 0 ? 'hold' : 'release';
    writes.push(await timed(post(kind, { watch: 'web', environment: 'prod', reason: `bench ${i}`, ...(kind === 'hold' && { tag: '1.0.0' }) })));
    reads.push(await timed(status));
  }
  await service.close();
  const row = (name: string, v: number[]): string => `${name.padEnd(34)} p50 ${percentile(v, 50).toFixed(2)} ms  p99 ${percentile(v, 99).toFixed(2)} ms`;
  process.stdout.write(`${ACTIONS} actions, each persisted (fsync) before the answer\n${row('POST hold/release (persisted)', writes)}\n${row('GET status (baseline, no write)', reads)}\nratio p50 write/read: ${(percentile(writes, 50) / percentile(reads, 50)).toFixed(1)}x\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
