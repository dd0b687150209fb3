// Parses config YAML in a worker thread: a 1 MiB file takes the `yaml` package hundreds of
// milliseconds, which on the event loop would stall every request. The worker file sits beside this
// module in the sources (yaml-worker.ts) and in the bundle (dist/config-yaml-worker.mjs, an entry of
// scripts/build.ts, whose chunks all live in dist/).
import { Worker } from 'node:worker_threads';
import type { YamlResult } from './yaml.ts';

const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './yaml-worker.ts' : './config-yaml-worker.mjs', import.meta.url);

export function yamlToDataOffThread(text: string, source: string): Promise<YamlResult> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_URL, { workerData: { text, source } });
    let settled = false;
    const settle = (result: YamlResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
      void worker.terminate();
    };
    worker.once('message', (result: YamlResult) => settle(result));
    worker.once('error', (err) => settle({ ok: false, issues: [{ path: source, message: `YAML: ${err.message}` }] }));
    worker.once('exit', (code) => settle({ ok: false, issues: [{ path: source, message: `YAML: the parser stopped (exit ${code})` }] }));
  });
}
