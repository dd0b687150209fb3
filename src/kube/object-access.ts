// The object client for pull Secrets, connected on first use (only a config that names a pull Secret
// needs the API) with the kubeconfig of `clusters.argocd`, else the pod's service account.
import { resolveConnection } from './connection.ts';
import { createObjectClient, type ObjectClient } from './objects.ts';
import { createTransport } from './transport.ts';

export interface LazyObjects {
  readonly objects: () => ObjectClient;
  close(): Promise<void>;
}

export function lazyObjectClient(kubeconfig: () => string | undefined, connect?: (kubeconfig: string | undefined) => ObjectClient): LazyObjects {
  let made: ObjectClient | undefined;
  let close: (() => Promise<void>) | undefined;
  return {
    objects() {
      if (made) return made;
      const path = kubeconfig();
      if (connect) return (made = connect(path));
      const transport = createTransport(resolveConnection(path ? { kubeconfig: path } : {}), 10_000);
      close = transport.close;
      return (made = createObjectClient(transport));
    },
    close: () => close?.() ?? Promise.resolve(),
  };
}
