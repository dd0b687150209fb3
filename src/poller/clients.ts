// One registry client per configured registry host, made on first use and replaced when the
// config changes that registry's settings.
import type { Config, RegistryConfig } from '../config/types.ts';
import type { Logger } from '../shared/log.ts';
import type { Clock } from '../shared/clock.ts';
import type { RegistryClient } from '../registry/types.ts';
import { createRegistryClient } from '../registry/client.ts';
import type { PullSecretReader } from '../registry/credentials.ts';
import { AppError } from '../shared/errors.ts';
import { credentialKey } from '../config/credential-key.ts';
import { createRateWindow, type RateWindow } from '../registry/rate-window.ts';
import type { Sleep } from '../registry/budget.ts';

export interface ClientPool {
  clientFor(host: string): RegistryClient;
  /** Every client made so far (for metrics). */
  clients(): readonly RegistryClient[];
  update(config: Config): void;
  close(): Promise<void>;
}

export function createClientPool(config: Config, deps: { logger: Logger; clock: Clock; env?: NodeJS.ProcessEnv; pullSecrets?: PullSecretReader; sleep?: Sleep }): ClientPool {
  let registries = new Map(config.registries.map((r) => [r.host, r]));
  const made = new Map<string, { config: RegistryConfig; client: RegistryClient & { close(): Promise<void> } }>();
  // One window per account and size, kept across config reloads so a reload does not refill it.
  const shared = new Map<string, RateWindow>();
  const credentialWindow = (r: RegistryConfig): RateWindow | undefined => {
    const key = credentialKey(r.auth, r.host);
    const w = r.credentialRateLimit;
    if (key === undefined || !w) return undefined;
    const id = `${key}:${w.requests}/${w.windowSeconds}`;
    let window = shared.get(id);
    if (!window) shared.set(id, (window = createRateWindow({ configured: { limit: w.requests, windowMs: w.windowSeconds * 1000 } })));
    return window;
  };
  const retired: Array<Promise<void>> = [];

  return {
    clientFor(host) {
      const wanted = registries.get(host);
      if (!wanted) throw new AppError('REG_NOT_CONFIGURED', `no registry entry for ${host}`);
      const have = made.get(host);
      if (have && have.config === wanted) return have.client;
      if (have) retired.push(have.client.close());
      const credential = credentialWindow(wanted);
      const client = createRegistryClient({ config: wanted, logger: deps.logger, clock: deps.clock, ...(deps.env && { env: deps.env }), ...(deps.pullSecrets && { pullSecrets: deps.pullSecrets }), ...(credential && { credentialWindow: credential }), ...(deps.sleep && { sleep: deps.sleep }) });
      made.set(host, { config: wanted, client });
      return client;
    },
    clients: () => [...made.values()].map((m) => m.client),
    update(next) {
      registries = new Map(next.registries.map((r) => [r.host, r]));
      for (const [host, m] of made) {
        const r = registries.get(host);
        if (!r || JSON.stringify(r) !== JSON.stringify(m.config)) {
          retired.push(m.client.close());
          made.delete(host);
        }
      }
    },
    async close() {
      await Promise.allSettled([...retired, ...[...made.values()].map((m) => m.client.close())]);
      made.clear();
    },
  };
}
