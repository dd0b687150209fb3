// parseConfig: the untyped result of YAML parsing in, a frozen Config (or every problem found) out.
// Pure: no file system, no environment, no clock. See docs/config.md for the reference.
import type { Config, ConfigIssue } from './types.ts';
import { deepFreeze } from './freeze.ts';
import { readClusters } from './parse-clusters.ts';
import { readEnvironmentPolicies } from './parse-promotion.ts';
import { readRegistries, withImplicitRegistries } from './parse-registries.ts';
import { checkSharedWindows } from './parse-rate-limit.ts';
import { checkPushTimePolicies } from './check-push-time.ts';
import { readCache, readCmp, readPolling, readServer } from './parse-server.ts';
import { readWatches } from './parse-watches.ts';
import { newSink, readMapping, report, type MappingObserver } from './reader.ts';

export type ParseConfigResult = { ok: true; config: Config } | { ok: false; issues: ConfigIssue[] };

const TOP_LEVEL_KEYS = ['server', 'polling', 'cache', 'registries', 'watches', 'clusters', 'cmp', 'environments'];

/**
 * Validate and normalise a whole config; collects every issue instead of stopping at the first.
 * `observe` hears every mapping read with its accepted keys (schema/config.schema.json is checked so).
 */
export function parseConfig(input: unknown, observe?: MappingObserver): ParseConfigResult {
  const sink = newSink(observe);
  if (input === undefined || input === null) {
    report(sink, '', 'the config is empty; it needs at least a watches list (see docs/config.md)');
    return { ok: false, issues: sink.issues };
  }
  const m = readMapping(sink, input, '', TOP_LEVEL_KEYS);
  if (m === undefined) return { ok: false, issues: sink.issues };
  const server = readServer(sink, m.server);
  const polling = readPolling(sink, m.polling);
  const cache = readCache(sink, m.cache);
  const listed = readRegistries(sink, m.registries);
  const watches = readWatches(sink, m.watches);
  const clusters = readClusters(sink, m.clusters);
  const cmp = readCmp(sink, m.cmp);
  const environments = readEnvironmentPolicies(sink, m.environments);
  const registries = withImplicitRegistries(listed, watches.map((w) => w.registry));
  checkPushTimePolicies(sink, watches, registries);
  checkSharedWindows(sink, listed);
  if (sink.issues.length > 0) return { ok: false, issues: sink.issues };
  return { ok: true, config: deepFreeze({ server, polling, cache, registries, watches, clusters, cmp, environments }) };
}

/** `path: message`, the one-line form every CLI prints. */
export function formatIssue(issue: ConfigIssue): string {
  return `${issue.path}: ${issue.message}`;
}
