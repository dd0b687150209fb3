// How to reach the API server: inside a pod, the service account (token and CA mounted by the
// kubelet, https://kubernetes.io/docs/tasks/run-application/access-api-from-pod/); outside, a
// kubeconfig's current context (server, certificate-authority[-data], token[File] or client
// certificate). Exec and auth-provider plugins are refused with a clear error: the service never
// runs commands named by a file.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { readSecret } from '../shared/secrets.ts';
import { kubeError } from './errors.ts';
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

interface Named<T> {
  name?: string;
  cluster?: T;
  user?: T;
  context?: T;
}

function pick<T>(list: unknown, name: string | undefined, field: 'cluster' | 'user' | 'context'): T {
  const found = Array.isArray(list) ? (list as Named<T>[]).find((e) => e?.name === name) : undefined;
  const value = found?.[field];
  if (!value) throw kubeError('KUBE_CONFIG_INVALID', `kubeconfig: no ${field} named "${name ?? ''}"`);
  return value;
}

function dataOrFile(data: unknown, file: unknown, what: string): string | undefined {
  if (typeof data === 'string') return Buffer.from(data, 'base64').toString('utf8');
  if (typeof file === 'string') return readText(file, what);
  return undefined;
}

export function kubeconfigConnection(path: string): KubeConnection {
  const doc = parse(readText(path, 'kubeconfig')) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') throw kubeError('KUBE_CONFIG_INVALID', `kubeconfig ${path} is not a YAML map`);
  const context = pick<{ cluster?: string; user?: string }>(doc.contexts, doc['current-context'] as string | undefined, 'context');
  const cluster = pick<Record<string, unknown>>(doc.clusters, context.cluster, 'cluster');
  const user = context.user ? pick<Record<string, unknown>>(doc.users, context.user, 'user') : {};
  if (typeof cluster.server !== 'string') throw kubeError('KUBE_CONFIG_INVALID', `kubeconfig: cluster "${context.cluster}" has no server`);
  if (user.exec || user['auth-provider']) {
    throw kubeError('KUBE_CONFIG_INVALID', `kubeconfig: user "${context.user}" uses an exec/auth-provider plugin, which this service does not run; use a token or client certificate`);
  }
  const tokenFile = user.tokenFile;
  const literal = user.token;
  const token = typeof tokenFile === 'string' ? () => readSecret({ file: tokenFile }) : typeof literal === 'string' ? () => literal : undefined;
  const ca = dataOrFile(cluster['certificate-authority-data'], cluster['certificate-authority'], 'certificate authority');
  const cert = dataOrFile(user['client-certificate-data'], user['client-certificate'], 'client certificate');
  const key = dataOrFile(user['client-key-data'], user['client-key'], 'client key');
  return {
    server: cluster.server.replace(/\/+$/, ''),
    ...(token && { token }),
    ...(ca !== undefined && { ca }),
    ...(cert !== undefined && { cert }),
    ...(key !== undefined && { key }),
    insecure: cluster['insecure-skip-tls-verify'] === true,
  };
}

/** The kubeconfig when one is named (option, then KUBECONFIG), else the pod's service account. */
export function resolveConnection(options: ConnectionOptions = {}): KubeConnection {
  const env = options.env ?? process.env;
  const kubeconfig = options.kubeconfig ?? env.KUBECONFIG?.split(':')[0];
  return kubeconfig ? kubeconfigConnection(kubeconfig) : inClusterConnection(env, options.serviceAccountDir);
}
