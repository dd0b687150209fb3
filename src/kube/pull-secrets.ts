// Pull Secrets named by `registries[].auth.pullSecret`, read and then watched by name through the API
// (a watch with `fieldSelector=metadata.name=<name>`, which RBAC `resourceNames` allows), so a rotated
// Secret applies without a restart. Per Secret it keeps the last Docker config read; a rotation to
// content that cannot be used keeps the last good one (logged), a deletion drops it. Watches follow
// the config: a Secret no registry names any more stops being watched.
import type { RegistryConfig } from '../config/types.ts';
import type { DockerConfigResult } from '../registry/docker-config.ts';
import type { PullSecretReader } from '../registry/credentials.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import type { KubeObject, ObjectClient, WatchEventType } from './objects.ts';
import { readPullSecretObject } from './pull-secret-content.ts';

export interface PullSecretWatch {
  readonly read: PullSecretReader;
  /** Watches exactly the Secrets the registries name. */
  update(registries: readonly RegistryConfig[]): void;
  /** Resolves once every watched Secret was read once (or failed to be). */
  settled(): Promise<void>;
  close(): void;
}

interface Entry {
  readonly abort: AbortController;
  current: DockerConfigResult;
  readonly first: Promise<void>;
}

interface Deps {
  readonly objects: () => ObjectClient;
  readonly logger: Logger;
  readonly retryMs?: number;
}

const NOT_READ: DockerConfigResult = { ok: false, reason: 'has not been read yet' };

function apply(log: Logger, entry: Entry, at: { namespace: string; name: string }, type: WatchEventType, object: KubeObject): void {
  if (type === 'DELETED') {
    entry.current = { ok: false, reason: 'was deleted' };
    log.warn(at, 'pull Secret deleted: its registry is now refused credentials');
    return;
  }
  const next = readPullSecretObject(object);
  if (next.ok) {
    entry.current = next;
    log.info({ ...at, resourceVersion: object.metadata.resourceVersion, hosts: [...next.logins.keys()] }, 'pull Secret read');
  } else if (entry.current.ok) {
    log.error({ ...at, reason: next.reason }, 'pull Secret changed to something unusable: keeping the last good credentials');
  } else {
    entry.current = next;
    log.error({ ...at, reason: next.reason }, 'pull Secret unusable');
  }
}

function start(deps: Deps, log: Logger, namespace: string, name: string): Entry {
  const at = { namespace, name };
  const abort = new AbortController();
  let resolveFirst = (): void => {};
  const entry: Entry = { abort, current: NOT_READ, first: new Promise<void>((r) => (resolveFirst = r)) };
  let objects: ObjectClient;
  try {
    objects = deps.objects();
  } catch (err) {
    entry.current = { ok: false, reason: `cannot be read: ${describeError(err)}` };
    log.error({ ...at, err: describeError(err) }, 'no Kubernetes API access for pull Secrets');
    resolveFirst();
    return entry;
  }
  // A GET first: a missing or forbidden Secret is then named as such (a watch would just stay silent).
  void objects.get('secrets', namespace, name).then(
    (found) => {
      if (found) apply(log, entry, at, 'ADDED', found);
      else if (!entry.current.ok) entry.current = { ok: false, reason: `was not found in namespace ${namespace}` };
    },
    (err: unknown) => {
      if (!entry.current.ok) entry.current = { ok: false, reason: `cannot be read: ${describeError(err)}` };
      log.error({ ...at, err: describeError(err) }, 'pull Secret cannot be read');
    },
  ).finally(() => {
    resolveFirst();
    if (abort.signal.aborted) return;
    void objects.watch('secrets', namespace, name, (type, object) => apply(log, entry, at, type, object), {
      signal: abort.signal,
      retryMs: deps.retryMs ?? 5000,
      onError: (err) => log.warn({ ...at, err: describeError(err) }, 'pull Secret watch failed; retrying'),
    });
  });
  return entry;
}

export function createPullSecretWatch(deps: Deps): PullSecretWatch {
  const log = deps.logger.child({ module: 'pull-secrets' });
  const entries = new Map<string, Entry>();

  return {
    read(namespace, name) {
      return entries.get(`${namespace}/${name}`)?.current ?? { ok: false, reason: 'is not watched (no registry names it)' };
    },
    update(registries) {
      const wanted = new Set(registries.flatMap((r) => (r.auth.kind === 'pullSecret' ? [`${r.auth.namespace}/${r.auth.name}`] : [])));
      for (const [key, entry] of entries) {
        if (wanted.has(key)) continue;
        entry.abort.abort();
        entries.delete(key);
      }
      for (const key of wanted) {
        if (entries.has(key)) continue;
        const [namespace, name] = key.split('/') as [string, string];
        entries.set(key, start(deps, log, namespace, name));
      }
    },
    async settled() {
      await Promise.all([...entries.values()].map((e) => e.first));
    },
    close() {
      for (const entry of entries.values()) entry.abort.abort();
      entries.clear();
    },
  };
}
