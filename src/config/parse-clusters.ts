// `clusters:` — the target clusters: a static list and/or Argo CD's cluster Secrets, the label that
// picks a watch's environment and the annotation that lists a cluster's platforms.
import type { ClustersConfig, StaticCluster } from './types.ts';
import { DEFAULTS } from './defaults.ts';
import { readPlatforms } from './parse-policy.ts';
import { child, optionalString, readList, readMapping, readOptionalMapping, readString, readStringMap, report, type IssueSink } from './reader.ts';

const CLUSTER_KEYS = ['name', 'server', 'project', 'labels', 'annotations', 'platforms'];

function readServerUrl(sink: IssueSink, value: unknown, path: string): string | undefined {
  const text = readString(sink, value, path);
  if (text === undefined) return undefined;
  if (!URL.canParse(text) || !/^https?:\/\//.test(text)) {
    report(sink, path, `"${text}" is not an API server URL (write e.g. "https://prod-eu.example:6443", or "https://kubernetes.default.svc" for the local cluster)`);
    return undefined;
  }
  return text;
}

function readStatic(sink: IssueSink, value: unknown, path: string, platformsAnnotation: string): StaticCluster | undefined {
  const m = readMapping(sink, value, path, CLUSTER_KEYS);
  if (m === undefined) return undefined;
  const name = readString(sink, m.name, child(path, 'name'));
  const server = readServerUrl(sink, m.server, child(path, 'server'));
  const project = optionalString(sink, m.project, child(path, 'project')) ?? '';
  const labels = readStringMap(sink, m.labels, child(path, 'labels'));
  const annotations = readStringMap(sink, m.annotations, child(path, 'annotations'));
  if (m.platforms !== undefined) {
    const platforms = readPlatforms(sink, m.platforms, child(path, 'platforms'));
    if (annotations[platformsAnnotation] !== undefined) {
      report(sink, child(path, 'platforms'), `give either platforms or the annotation ${platformsAnnotation}, not both`);
    } else {
      annotations[platformsAnnotation] = platforms.map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/')).join(',');
    }
  }
  if (name === undefined || server === undefined) return undefined;
  return { name, server, project, labels, annotations };
}

function readStaticList(sink: IssueSink, value: unknown, path: string, platformsAnnotation: string): StaticCluster[] {
  const names = new Map<string, number>();
  const servers = new Map<string, number>();
  return readList(sink, value, path, (element, elementPath, index) => {
    const cluster = readStatic(sink, element, elementPath, platformsAnnotation);
    if (cluster === undefined) return undefined;
    const sameName = names.get(cluster.name);
    const sameServer = servers.get(cluster.server);
    if (sameName !== undefined) report(sink, child(elementPath, 'name'), `"${cluster.name}" is already the name of ${path}[${sameName}]`);
    if (sameServer !== undefined) report(sink, child(elementPath, 'server'), `"${cluster.server}" is already the server of ${path}[${sameServer}] (Argo CD identifies clusters by server)`);
    if (sameName !== undefined || sameServer !== undefined) return undefined;
    names.set(cluster.name, index);
    servers.set(cluster.server, index);
    return cluster;
  });
}

function readArgocd(sink: IssueSink, value: unknown, path: string): ClustersConfig['argocd'] {
  if (value === undefined || value === false) return undefined;
  const m = readOptionalMapping(sink, value, path, ['namespace', 'kubeconfig']);
  if (m === undefined) return undefined;
  const namespace = optionalString(sink, m.namespace, child(path, 'namespace')) ?? DEFAULTS.argocdNamespace;
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    report(sink, child(path, 'namespace'), `"${namespace}" is not a Kubernetes namespace name`);
  }
  const kubeconfig = optionalString(sink, m.kubeconfig, child(path, 'kubeconfig'));
  return { namespace, ...(kubeconfig !== undefined && { kubeconfig }) };
}

export function readClusters(sink: IssueSink, value: unknown): ClustersConfig {
  const path = 'clusters';
  const m = readOptionalMapping(sink, value, path, ['environmentLabel', 'platformsAnnotation', 'static', 'argocd']) ?? {};
  const environmentLabel = optionalString(sink, m.environmentLabel, child(path, 'environmentLabel')) ?? DEFAULTS.environmentLabel;
  const platformsAnnotation = optionalString(sink, m.platformsAnnotation, child(path, 'platformsAnnotation')) ?? DEFAULTS.platformsAnnotation;
  const argocd = readArgocd(sink, m.argocd, child(path, 'argocd'));
  return {
    environmentLabel,
    platformsAnnotation,
    static: readStaticList(sink, m.static, child(path, 'static'), platformsAnnotation),
    ...(argocd !== undefined && { argocd }),
  };
}
