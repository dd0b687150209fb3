// `kubernetes.io/dockerconfigjson` Secrets as `kubectl create secret docker-registry` writes them, and
// an object client bound to a loopback API peer (test/helpers/kube-api.ts).
import { createObjectClient, type KubeObject, type ObjectClient } from '../../src/kube/objects.ts';
import { createTransport } from '../../src/kube/transport.ts';

export function dockerConfigSecret(name: string, auths: Record<string, { username: string; password: string }>): KubeObject {
  const config = { auths: Object.fromEntries(Object.entries(auths).map(([key, a]) => [key, { username: a.username, password: a.password, auth: Buffer.from(`${a.username}:${a.password}`).toString('base64') }])) };
  return { metadata: { name }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(JSON.stringify(config)).toString('base64') } };
}

/** `timeoutMs` bounds each request's connect and headers (a test that holds requests on the peer raises it). */
export function objectClientFor(url: string, token: string, timeoutMs = 5000): { objects: ObjectClient; close: () => Promise<void> } {
  const transport = createTransport({ server: url, token: () => token, insecure: false }, timeoutMs);
  return { objects: createObjectClient(transport), close: () => transport.close() };
}

