// `argocd-image-plugins serve`: the generator service (service/start.ts) as a process. Exits 1 at
// once when it cannot start (invalid config, cannot listen), else runs until SIGTERM/SIGINT, then
// stops taking requests, aborts scans and writes the cache.
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { configPathFrom } from '../config/load.ts';
import { parseListen } from '../config/parse-server.ts';
import { createLogger } from '../shared/log.ts';
import { describeError, isAppError } from '../shared/errors.ts';
import { haSettingsFrom } from '../ha/settings.ts';
import { startService } from '../service/start.ts';
import { tuneHeapForService } from '../service/heap.ts';

const USAGE = 'usage: argocd-image-plugins serve [--config FILE] [--listen HOST:PORT] [--ha]\n';

export async function run(argv: readonly string[]): Promise<number> {
  tuneHeapForService();
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { config: { type: 'string' }, listen: { type: 'string' }, ha: { type: 'boolean' } } }));
  } catch (err) {
    process.stderr.write(`serve: ${describeError(err)}\n${USAGE}`);
    return 2;
  }
  const logger = createLogger();
  try {
    const listen = values.listen === undefined ? undefined : parseListen(values.listen);
    if (values.listen !== undefined && !listen) throw new Error(`--listen "${values.listen}" is not HOST:PORT`);
    const ha = values.ha ? haSettingsFrom(process.env) : undefined;
    const service = await startService({ configPath: configPathFrom(argv, process.env), logger, ...(listen && { listen }), ...(ha && { ha }) });
    const signal = await Promise.race([once(process, 'SIGTERM').then(() => 'SIGTERM'), once(process, 'SIGINT').then(() => 'SIGINT')]);
    logger.info({ signal }, 'shutting down');
    await service.close();
    logger.info('stopped');
    return 0;
  } catch (err) {
    const issues = isAppError(err) && Array.isArray(err.details?.issues) ? (err.details.issues as Array<{ path: string; message: string }>) : [];
    const code = isAppError(err) ? err.code : (err as NodeJS.ErrnoException).code;
    logger.fatal({ err: { code, message: describeError(err) }, issues }, 'cannot start');
    process.stderr.write(`serve: ${describeError(err)}\n${issues.map((i) => `  ${i.path}: ${i.message}\n`).join('')}`);
    return 1;
  }
}
