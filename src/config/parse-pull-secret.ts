// `registries[].auth.pullSecret: { namespace, name }`: the Secret that holds the registry's Docker
// config. Both parts are checked against Kubernetes' object name grammars (namespace: DNS-1123 label;
// Secret name: DNS-1123 subdomain, https://kubernetes.io/docs/concepts/overview/working-with-objects/names/)
// so a reference can never become another API path.
import { child, readMapping, readString, report, type IssueSink } from './reader.ts';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface PullSecretRef {
  readonly namespace: string;
  readonly name: string;
}

export function readPullSecret(sink: IssueSink, value: unknown, path: string): PullSecretRef | undefined {
  const m = readMapping(sink, value, path, ['namespace', 'name']);
  if (m === undefined) return undefined;
  const namespace = readString(sink, m.namespace, child(path, 'namespace'));
  const name = readString(sink, m.name, child(path, 'name'));
  let ok = namespace !== undefined && name !== undefined;
  if (namespace !== undefined && (namespace.length > 63 || !LABEL.test(namespace))) {
    report(sink, child(path, 'namespace'), `"${namespace}" is not a namespace name (lower-case letters, digits and '-', at most 63)`);
    ok = false;
  }
  if (name !== undefined && (name.length > 253 || !SUBDOMAIN.test(name))) {
    report(sink, child(path, 'name'), `"${name}" is not a Secret name (lower-case letters, digits, '-' and '.', at most 253)`);
    ok = false;
  }
  return ok ? { namespace: namespace!, name: name! } : undefined;
}
