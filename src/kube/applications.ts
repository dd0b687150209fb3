// Argo CD Applications, read with one list and one watch stream per namespace (API concepts,
// "Efficient detection of changes"): the watch resumes from the last resourceVersion it saw
// (BOOKMARK events move it), a 410 Expired lists again, a stream silent for longer than the idle
// bound (no event, no bookmark) is dropped and lists again, and until that list succeeds (or while
// the stream is broken) the data reads as unknown, so no gate opens on stale data. Nothing is polled.
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { toRecord, type ApplicationRecord } from './application-record.ts';
import type { KubeObject, ObjectClient, WatchEventType } from './objects.ts';
import { DEFAULT_WATCH_IDLE_MS, timeoutSecondsFor, withIdleBound } from './watch-idle.ts';

export type { ApplicationRecord };

export interface ApplicationsView {
  /** True once every namespace was listed and no watch is broken. */
  readonly known: boolean;
  readonly reason?: string;
  readonly records: readonly ApplicationRecord[];
}

export interface ApplicationsWatch {
  view(): ApplicationsView;
  /** Called after every change of the view; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  stop(): void;
}

export interface ApplicationsWatchOptions {
  readonly objects: () => ObjectClient;
  readonly namespaces: readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** Wait before listing again after a failure (default 1 s). */
  readonly retryMs?: number;
  /** A stream that sends nothing (no event, no bookmark) for this long is dropped (default 90 s). */
  readonly idleMs?: number;
}

interface NamespaceState {
  records: Map<string, ApplicationRecord>;
  problem: string | undefined;
}

function viewOf(spaces: Iterable<NamespaceState>): ApplicationsView {
  const all = [...spaces];
  const problems = all.flatMap((s) => (s.problem ? [s.problem] : []));
  const records = all.flatMap((s) => [...s.records.values()]);
  return { known: problems.length === 0, ...(problems.length > 0 && { reason: problems.join('; ') }), records };
}

export function watchApplications(options: ApplicationsWatchOptions): ApplicationsWatch {
  const log = options.logger.child({ module: 'applications' });
  const controller = new AbortController();
  const spaces = new Map<string, NamespaceState>(options.namespaces.map((ns) => [ns, { records: new Map(), problem: 'not listed yet' }]));
  const listeners = new Set<() => void>();
  let cached: ApplicationsView | undefined;
  const changed = (): void => {
    cached = undefined;
    for (const l of listeners) l();
  };
  const nowIso = (): string => new Date(options.clock.now()).toISOString();

  function apply(ns: NamespaceState, namespace: string, type: WatchEventType, object: KubeObject): void {
    if (type === 'DELETED') ns.records.delete(object.metadata.name);
    else ns.records.set(object.metadata.name, toRecord(object, namespace, ns.records.get(object.metadata.name), nowIso()));
    changed();
  }

  const idleMs = options.idleMs ?? DEFAULT_WATCH_IDLE_MS;
  const timeoutSeconds = timeoutSecondsFor(idleMs);

  /** One list, then the watch from its resourceVersion until that expires (410 Gone) or hangs. */
  async function listAndWatch(ns: NamespaceState, namespace: string, signal: AbortSignal): Promise<'expired' | 'hung'> {
    const listed = await options.objects().list('applications', namespace);
    ns.records = new Map(listed.items.map((o) => [o.metadata.name, toRecord(o, namespace, ns.records.get(o.metadata.name), nowIso())]));
    ns.problem = undefined;
    changed();
    let from: string | 'expired' | 'hung' = listed.resourceVersion;
    while (!signal.aborted && from !== 'expired' && from !== 'hung') {
      const since: string = from;
      from = await withIdleBound(idleMs, signal, (own, alive) => options.objects().watchFrom('applications', namespace, since, (type, object) => apply(ns, namespace, type, object), own, { timeoutSeconds, onActivity: alive }));
    }
    return from === 'hung' ? 'hung' : 'expired';
  }

  async function follow(namespace: string): Promise<void> {
    const ns = spaces.get(namespace)!;
    const signal = controller.signal;
    while (!signal.aborted) {
      try {
        const ended = await listAndWatch(ns, namespace, signal);
        if (signal.aborted) return;
        // What we hold may be out of date until the list is back (changes since that version are lost
        // to the watch, or the silent stream hid them), so it reads as unknown meanwhile.
        const why = ended === 'hung' ? `sent nothing (no event, no bookmark) for ${idleMs / 1000} s` : 'expired (410 Gone)';
        ns.problem = `the Application watch in ${namespace} ${why}; listing again`;
        changed();
        log[ended === 'hung' ? 'warn' : 'info']({ namespace }, `Application watch ${why}; listing again`);
      } catch (err) {
        if (signal.aborted) return;
        ns.problem = `the Application watch in ${namespace} is broken: ${describeError(err)}`;
        changed();
        log.warn({ namespace, err: describeError(err) }, 'Application watch broke; nothing moves until it is back');
        await new Promise((r) => setTimeout(r, options.retryMs ?? 1000).unref());
      }
    }
  }

  for (const namespace of spaces.keys()) void follow(namespace);

  return {
    view: () => (cached ??= viewOf(spaces.values())),
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    stop: () => controller.abort(),
  };
}
