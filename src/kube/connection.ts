// How to reach the API server: inside a pod, the service account (token and CA mounted by the
// kubelet, https://kubernetes.io/docs/tasks/run-application/access-api-from-pod/); outside, a
// kubeconfig's current context (server, certificate-authority[-data], tls-server-name, token[File] or
// client certificate; files read and merged by kubeconfig.ts). Exec and auth-provider plugins are
// refused with a clear error: the service never runs commands named by a file.
import { readFileSync } from 'node:fs';
import { readSecret } from '../shared/secrets.ts';
import { kubeError } from './errors.ts';
import { kubeconfigPaths, loadKubeconfig, type Kubeconfig, type KubeconfigEntry } from './kubeconfig.ts';
import type { KubeConnection } from './types.ts';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ConnectionOptions {
  readonly kubeconfig?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Overrides the service account directory (tests). */
  readonly serviceAccountDir?: string;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw kubeError('KUBE_CONFIG_INVALID', `cannot read ${what} ${path}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`, { cause });
  }
}

export function inClusterConnection(env: NodeJS.ProcessEnv, dir = SERVICE_ACCOUNT_DIR): KubeConnection {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host) throw kubeError('KUBE_CONFIG_INVALID', 'not running in a cluster (KUBERNETES_SERVICE_HOST is unset); set clusters.argocd.kubeconfig');
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { server, token: () => readSecret({ file: `${dir}/token` }), ca: readText(`${dir}/ca.crt`, 'service account CA'), insecure: false };
}

function named(config: Kubeconfig, section: 'clusters' | 'users' | 'contexts', name: string | undefined): KubeconfigEntry {
  const found = name === undefined ? undefined : config[section].get(name);
  if (!found) throw kubeError('KUBE_CONFIG_INVALID', `kubeconfig: no ${section.slice(0, -1)} named "${name ?? ''}"`);
  return found;
}

function dataOrFile(data: unknown, file: unknown, what: string): string | undefined {
  if (typeof data === 'string') return Buffer.from(data, 'base64').toString('utf8');
  if (typeof file === 'string') return readText(file, what);
  return undefined;
}

function userToken(user: KubeconfigEntry): (() => string) | undefined {
  const { tokenFile, token } = user;
  if (typeof tokenFile === 'string') return () => readSecret({ file: tokenFile });
  return typeof token === 'string' ? () => token : undefined;
}

/** The current context of one kubeconfig file, or of a KUBECONFIG list merged as kubectl merges it. */
export function kubeconfigConnection(path: string | readonly string[]): KubeConnection {
  const config = typeof path === 'string' ? loadKubeconfig([path], false) : loadKubeconfig(path, true);
  const context = named(config, 'contexts', config.currentContext);
  const clusterName = typeof context.cluster === 'string' ? context.cluster : undefined;
  const userName = typeof context.user === 'string' ? context.user : undefined;
  const cluster = named(config, 'clusters', clusterName);
  const user = userName ? named(config, 'users', userName) : {};
  if (typeof cluster.server !== 'string') throw kubeError('KUBE_CONFIG_INVALID', `kubeconfig: cluster "${clusterName}" has no server`);
  if (user.exec || user['auth-provider']) {
    throw kubeError('KUBE_CONFIG_INVALID', `kubeconfig: user "${userName}" uses an exec/auth-provider plugin, which this service does not run; use a token or client certificate`);
  }
  const token = userToken(user);
  const ca = dataOrFile(cluster['certificate-authority-data'], cluster['certificate-authority'], 'certificate authority');
  const cert = dataOrFile(user['client-certificate-data'], user['client-certificate'], 'client certificate');
  const key = dataOrFile(user['client-key-data'], user['client-key'], 'client key');
  const serverName = cluster['tls-server-name'];
  return {
    server: cluster.server.replace(/\/+$/, ''),
    ...(token && { token }),
    ...(ca !== undefined && { ca }),
    ...(cert !== undefined && { cert }),
    ...(key !== undefined && { key }),
    ...(typeof serverName === 'string' && serverName !== '' && { serverName }),
    insecure: cluster['insecure-skip-tls-verify'] === true,
  };
}

/** The kubeconfig when one is named (option, then KUBECONFIG), else the pod's service account. */
export function resolveConnection(options: ConnectionOptions = {}): KubeConnection {
  const env = options.env ?? process.env;
  if (options.kubeconfig) return kubeconfigConnection(options.kubeconfig);
  const listed = kubeconfigPaths(env.KUBECONFIG ?? '');
  return listed.length > 0 ? kubeconfigConnection(listed) : inClusterConnection(env, options.serviceAccountDir);
}
