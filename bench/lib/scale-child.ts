// One `serve` in its own process for bench/promotion-scale.ts, so its resident size and heap are the
// service's alone: starts the service in-process on the config named by argv[2] (as `serve` does:
// heap tuned first, logs discarded), sends its URL to the parent, and answers "memory" with
// process.memoryUsage() after two full collections (run with --expose-gc), "stop" by closing.
import { tuneHeapForService } from '../../src/service/heap.ts';
import { Writable } from 'node:stream';
import { startService } from '../../src/service/start.ts';
import { createLogger } from '../../src/shared/log.ts';

tuneHeapForService();
const service = await startService({ configPath: process.argv[2]!, listen: { host: '127.0.0.1', port: 0 }, logger: createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) }) });
process.send!({ url: service.url });
// The parent gone (its IPC channel closed), the service goes too.
process.on('disconnect', () => process.exit(0));
process.on('message', (message) => {
  if (message === 'memory') {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    process.send!({ memory: process.memoryUsage() });
  } else if (message === 'stop') {
    void service.close().then(() => process.exit(0));
  }
});
