// The service started in-process (startService) from a temporary folder holding its token file and
// config.yaml, with Kubernetes objects from the loopback API peer. The service writes its cache as
// it closes, so the test's end closes it first and removes the folder after: nothing is left behind.
import type { TestContext } from 'node:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ObjectClient } from '../../src/kube/objects.ts';
import { startService } from '../../src/service/start.ts';
import { capturingLogger } from '../generator/fixture.ts';

export interface ServiceFolder {
  readonly dir: string;
  /** Writes config.yaml: `config` with server.tokenFile and cache.path in the folder (ApplicationSets not refreshed). */
  writeConfig(config: Record<string, unknown>): Promise<void>;
  /** Starts the service on a free loopback port; resolves with its URL. */
  start(): Promise<string>;
  stop(): Promise<void>;
}

export async function serviceFolder(t: Pick<TestContext, 'after'>, options: { readonly prefix: string; readonly token: string; readonly objects: ObjectClient }): Promise<ServiceFolder> {
  const dir = await mkdtemp(join(tmpdir(), options.prefix));
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  const stop = async (): Promise<void> => {
    await service?.close();
    service = undefined;
  };
  t.after(async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(join(dir, 'token'), `${options.token}\n`);
  return {
    dir,
    writeConfig: (config) => writeFile(join(dir, 'config.yaml'), stringify({ server: { tokenFile: join(dir, 'token'), refreshApplicationSets: false }, cache: { path: join(dir, 'cache.json') }, ...config })),
    async start() {
      service = await startService({ configPath: join(dir, 'config.yaml'), listen: { host: '127.0.0.1', port: 0 }, logger: capturingLogger([]), connectObjects: () => options.objects });
      return service.url;
    },
    stop,
  };
}
