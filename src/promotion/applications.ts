// Applications matched to clusters by spec.destination, as Argo CD resolves a destination: by
// `server` (the cluster's API URL), else by `name` (the cluster's name). An Application whose
// destination names no known cluster is left out: it belongs to no environment. Pure.
import type { ApplicationObservation } from './types.ts';

export interface ApplicationInput {
  readonly namespace: string;
  readonly name: string;
  readonly destination: { readonly server?: string; readonly name?: string };
  readonly sync: string;
  readonly health: string;
  readonly images: readonly string[];
  /** Since when sync, health and images have been what they are (ISO 8601). */
  readonly since: string;
}

export function observeApplications(records: readonly ApplicationInput[], clusters: readonly { readonly name: string; readonly server: string }[]): ApplicationObservation[] {
  const byServer = new Map<string, string>();
  const byName = new Set<string>();
  for (const c of clusters) {
    byServer.set(c.server.replace(/\/+$/, ''), c.name);
    byName.add(c.name);
  }
  const out: ApplicationObservation[] = [];
  for (const r of records) {
    const cluster = r.destination.server !== undefined ? byServer.get(r.destination.server.replace(/\/+$/, '')) : r.destination.name !== undefined && byName.has(r.destination.name) ? r.destination.name : undefined;
    if (cluster === undefined) continue;
    out.push({ namespace: r.namespace, name: r.name, cluster, sync: r.sync, health: r.health, images: r.images, since: r.since });
  }
  return out;
}
