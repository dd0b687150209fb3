// Records promotion Events on the ApplicationSets that use a watch. emit() never waits and never
// throws: events go to a bounded queue written one at a time; the first occurrence creates an
// Event, a repeat within SERIES_WINDOW_MS patches that Event's series (count, lastObservedTime), as
// Kubernetes' own event recorder does (client-go tools/events: isomorphic events become a series),
// so a flapping gate makes one object, not thousands. A failed write is logged and dropped: Events
// are a view, never a reason to hold anything back.
import type { Config } from '../../config/types.ts';
import { usesWatch } from '../../generator/usage.ts';
import type { Clock } from '../../shared/clock.ts';
import { describeError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/log.ts';
import type { PromotionEvent, PromotionEventSink } from '../../operations/types.ts';
import type { KubeClient } from '../types.ts';
import { buildEvent, microTime, seriesKey } from './event.ts';

/** Kubernetes' recorder starts a new Event after 6 minutes without a repeat. */
export const SERIES_WINDOW_MS = 6 * 60_000;
const MAX_QUEUE = 1000;
const MAX_SERIES = 10_000;

export interface EventRecorderDeps {
  readonly kube: Pick<KubeClient, 'listApplicationSets' | 'createEvent' | 'patchEvent'>;
  readonly config: () => Config | undefined;
  readonly namespaces?: readonly string[];
  readonly configMapName: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The reporting instance (the pod name). */
  readonly instance: string;
}

export interface EventRecorder extends PromotionEventSink {
  /** Resolves once every queued event was written (or dropped). */
  idle(): Promise<void>;
}

interface Series {
  readonly name: string;
  readonly namespace: string;
  count: number;
  last: number;
}

/** The ApplicationSets that use the event's watch: the objects its Events are about. */
async function eventTargets(deps: EventRecorderDeps, event: PromotionEvent): Promise<{ namespace: string; name: string; uid?: string }[]> {
  const config = deps.config();
  const watch = config?.watches.find((w) => w.name === event.watch);
  if (!config || !watch) return [];
  const out: { namespace: string; name: string; uid?: string }[] = [];
  for (const namespace of deps.namespaces ?? [config.clusters.argocd?.namespace ?? 'argocd']) {
    const appSets = await deps.kube.listApplicationSets(namespace);
    for (const a of appSets) if (usesWatch(a, watch, deps.configMapName)) out.push({ namespace, name: a.metadata.name, ...((a.metadata as { uid?: string }).uid && { uid: (a.metadata as { uid?: string }).uid }) });
  }
  return out;
}

export function createEventRecorder(deps: EventRecorderDeps): EventRecorder {
  const log = deps.logger.child({ module: 'events' });
  const queue: PromotionEvent[] = [];
  const series = new Map<string, Series>();
  let running: Promise<void> = Promise.resolve();
  let draining = false;

  async function write(event: PromotionEvent): Promise<void> {
    const now = deps.clock.now();
    for (const regarding of await eventTargets(deps, event)) {
      const key = seriesKey(event, regarding);
      const known = series.get(key);
      if (known && now - known.last < SERIES_WINDOW_MS) {
        known.count += 1;
        known.last = now;
        await deps.kube.patchEvent(known.namespace, known.name, { series: { count: known.count, lastObservedTime: microTime(now) } });
        continue;
      }
      const body = buildEvent(event, regarding, deps.instance, now);
      await deps.kube.createEvent(regarding.namespace, body);
      series.delete(key);
      series.set(key, { name: (body.metadata as { name: string }).name, namespace: regarding.namespace, count: 1, last: now });
      for (const k of series.keys()) {
        if (series.size <= MAX_SERIES) break;
        series.delete(k);
      }
    }
  }

  async function drain(): Promise<void> {
    draining = true;
    for (let event = queue.shift(); event; event = queue.shift()) {
      try {
        await write(event);
      } catch (err) {
        log.warn({ err: describeError(err), reason: event.reason, watch: event.watch, environment: event.environment }, 'cannot record a Kubernetes Event; dropped');
      }
    }
    draining = false;
  }

  return {
    emit(event) {
      if (queue.length >= MAX_QUEUE) {
        queue.shift();
        log.warn({ dropped: 1 }, 'Kubernetes Event queue full; the oldest event was dropped');
      }
      queue.push(event);
      if (!draining) running = drain();
    },
    idle: async () => {
      while (draining || queue.length > 0) await running;
    },
  };
}
