// Which configured images a push event names. A webhook can only *trigger* a re-scan of an image
// the config already watches; it never adds a repository or host ("No request
// goes anywhere the config does not name"). The sender's host may be the registry's API address
// rather than the host in image references, so a registry whose `url` has that host counts too.
import type { Config } from '../config/types.ts';
import type { PushEvent } from './types.ts';

function hostsFor(config: Config, eventHost: string): Set<string> {
  const hosts = new Set([eventHost.toLowerCase()]);
  for (const r of config.registries) {
    try {
      if (new URL(r.url).host.toLowerCase() === eventHost.toLowerCase()) hosts.add(r.host.toLowerCase());
    } catch {
      // an unparsable url cannot match
    }
  }
  if (hosts.has('index.docker.io') || hosts.has('registry-1.docker.io')) hosts.add('docker.io');
  return hosts;
}

/** Configured `registry/repository` names the events touch, sorted and unique. */
export function matchWatchedImages(config: Config, events: readonly PushEvent[]): string[] {
  const found = new Set<string>();
  for (const e of events) {
    const hosts = hostsFor(config, e.host);
    for (const w of config.watches) {
      if (w.repository === e.repository && hosts.has(w.registry.toLowerCase())) found.add(w.image);
    }
  }
  return [...found].sort();
}
