// The Kubernetes client the service uses, following the config: built when the config first needs
// the API (`clusters.argocd` reads cluster Secrets, `server.refreshApplicationSets` patches
// ApplicationSets), rebuilt when a reload names another kubeconfig or enables `clusters.argocd`,
// closed when no longer needed. So a reload takes effect without a restart. When no client can be
// made, every call fails with the reason (KUBE_CONFIG_INVALID naming the file or the missing service
// account), which the cluster source records in the inventory and getparams answers as a 503.
import type { Config } from '../config/types.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { createKubeClient } from './client.ts';
import { resolveConnection } from './connection.ts';
import { kubeError } from './errors.ts';
import type { KubeClient } from './types.ts';

export interface KubeAccess extends KubeClient {
  /** Why no client can be made for the current config (undefined when one can, or none is needed). */
  unavailable(): string | undefined;
}

export interface KubeAccessOptions {
  readonly config: () => Config;
  readonly logger: Logger;
  /** Makes the client (tests pass one bound to a loopback API peer). */
  readonly connect?: (kubeconfig: string | undefined) => KubeClient;
}

function wantedKey(config: Config): string | undefined {
  const wanted = config.clusters.argocd !== undefined || config.server.refreshApplicationSets;
  return wanted ? `kubeconfig:${config.clusters.argocd?.kubeconfig ?? ''}` : undefined;
}

const defaultConnect = (kubeconfig: string | undefined): KubeClient => createKubeClient(resolveConnection(kubeconfig ? { kubeconfig } : {}));

export function createKubeAccess(options: KubeAccessOptions): KubeAccess {
  const log = options.logger.child({ module: 'kube' });
  const connect = options.connect ?? defaultConnect;
  let key: string | undefined;
  let client: KubeClient | undefined;
  let failure: string | undefined;
  const retired: Promise<void>[] = [];

  /** Brings the client in line with the config in force; cheap when nothing changed. */
  function sync(): void {
    const config = options.config();
    const next = wantedKey(config);
    if (next === key) return;
    key = next;
    if (client) retired.push(client.close());
    client = undefined;
    failure = undefined;
    if (next === undefined) return;
    try {
      client = connect(config.clusters.argocd?.kubeconfig);
      log.info({ kubeconfig: config.clusters.argocd?.kubeconfig ?? null }, 'Kubernetes API client ready');
    } catch (err) {
      failure = describeError(err);
      log.error({ err: failure }, 'no Kubernetes API access: cluster Secrets cannot be read and ApplicationSets will not be refreshed');
    }
  }

  function current(): KubeClient {
    sync();
    if (client) return client;
    throw kubeError('KUBE_CONFIG_INVALID', failure ?? 'the config needs no Kubernetes API access (neither clusters.argocd nor server.refreshApplicationSets)');
  }

  return {
    unavailable() {
      sync();
      return client ? undefined : failure;
    },
    listSecrets: (namespace, selector) => current().listSecrets(namespace, selector),
    listApplicationSets: (namespace) => current().listApplicationSets(namespace),
    patchApplicationSet: (namespace, name, patch) => current().patchApplicationSet(namespace, name, patch),
    createEvent: (namespace, event) => current().createEvent(namespace, event),
    patchEvent: (namespace, name, patch) => current().patchEvent(namespace, name, patch),
    async close() {
      if (client) retired.push(client.close());
      client = undefined;
      key = undefined;
      await Promise.all(retired.splice(0));
    },
  };
}
