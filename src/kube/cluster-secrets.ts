// Reads Argo CD's cluster Secrets (label argocd.argoproj.io/secret-type=cluster) through the
// Kubernetes API and turns each into a Cluster; a Secret that is not a usable cluster is skipped
// with a warning, as Argo CD skips it. The cluster source calls this on its interval.
import { clusterFromSecret, CLUSTER_SECRET_SELECTOR } from '../clusters/secrets.ts';
import type { Cluster } from '../clusters/types.ts';
import type { Logger } from '../shared/log.ts';
import type { KubeClient } from './types.ts';

/** The clusters Argo CD knows in `namespace`. */
export type ClusterSecretReader = (namespace: string) => Promise<readonly Cluster[]>;

export function clusterSecretReader(kube: Pick<KubeClient, 'listSecrets'>, logger: Logger): ClusterSecretReader {
  const log = logger.child({ module: 'clusters' });
  return async (namespace) => {
    const secrets = await kube.listSecrets(namespace, CLUSTER_SECRET_SELECTOR);
    const clusters: Cluster[] = [];
    for (const s of secrets) {
      const r = clusterFromSecret(s);
      if (r.ok) clusters.push(r.cluster);
      else log.warn({ reason: r.reason }, 'cluster secret skipped');
    }
    return clusters;
  };
}
