// The Kubernetes API calls the service makes, and the object shapes it reads. Only the fields we
// use are typed; everything else passes through untouched. The shapes belong to the pure code that
// reads them (clusters/, generator/); this adapter layer depends on them, never the reverse.
import type { SecretObject } from '../clusters/secrets.ts';
import type { ApplicationSetObject } from '../generator/usage.ts';

export type { ApplicationSetObject, SecretObject };

export interface KubeClient {
  /** All Secrets in a namespace matching a label selector (every page read). */
  listSecrets(namespace: string, labelSelector: string): Promise<readonly SecretObject[]>;
  /** All ApplicationSets in a namespace (every page read). */
  listApplicationSets(namespace: string): Promise<readonly ApplicationSetObject[]>;
  /** JSON merge patch (RFC 7386) of one ApplicationSet. */
  patchApplicationSet(namespace: string, name: string, mergePatch: Record<string, unknown>): Promise<void>;
  /** Creates an events.k8s.io/v1 Event. */
  createEvent(namespace: string, event: Record<string, unknown>): Promise<void>;
  /** JSON merge patch of an Event (its series: count and lastObservedTime). */
  patchEvent(namespace: string, name: string, mergePatch: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/** Where the API server is and how to authenticate, from the pod's service account or a kubeconfig. */
export interface KubeConnection {
  readonly server: string;
  /** Called for every request so a rotated (bound, projected) token is picked up. */
  readonly token?: () => string;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** The name the server's certificate is checked against and sent as SNI (kubeconfig `tls-server-name`). */
  readonly serverName?: string;
  readonly insecure: boolean;
}
