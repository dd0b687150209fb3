// The re-scans push events trigger. A registry may announce a push before it serves the tag: CNCF
// Distribution (and registries built on it: GitLab's, ACR) sends the manifest-push notification from
// inside the manifest write, before the tag's link is written, so a fast re-scan can miss the tag or
// list it and get 404 for its manifest. A re-scan that did not get a tag the event named (the
// poller's `pending`) is therefore run again after a short, growing delay, a bounded number of
// times; the push-to-resolved latency is recorded when the last run ends.
import type { ServiceMetrics } from '../metrics/metrics.ts';
import type { PollerHandle, RescanResult } from '../poller/types.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import type { WebhookSource } from './types.ts';

/**
 * Delays before the runs after the first, while named tags are pending: at most 6 more runs, within
 * ~20 s. The first three catch the usual gap of milliseconds; the longer ones catch a registry on a
 * busy node, whose link write can trail its notification by seconds, so the push still arrives now
 * instead of at the next poll interval. A run costs one tag list (and the pushed tag's manifest).
 */
export const PENDING_RETRY_MS: readonly number[] = [250, 600, 1200, 2500, 5000, 10_000];

/** What a push event names for one image: its tags, and the manifest digest named for some of them. */
export interface Pushed {
  readonly tags: ReadonlySet<string> | readonly string[];
  readonly digests?: ReadonlyMap<string, string>;
}

export interface Rescanner {
  rescan(source: WebhookSource, image: string, pushed: Pushed, arrivedAt: number): void;
  /** Waits for running re-scans; pending retries are dropped. */
  close(): Promise<void>;
}

export function createRescanner(deps: { poller: Pick<PollerHandle, 'rescan'>; clock: Clock; log: Logger; metrics?: ServiceMetrics | undefined }): Rescanner {
  const inFlight = new Set<Promise<unknown>>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  function finished(source: WebhookSource, image: string, arrivedAt: number, result: RescanResult | undefined): void {
    const seconds = (deps.clock.now() - arrivedAt) / 1000;
    deps.metrics?.pushToResolved.observe({ source }, seconds);
    deps.log.info({ source, image, seconds, changed: result?.changed.length ?? 0, error: result?.error, pending: result?.pending }, 'push event re-scan finished');
  }

  function run(source: WebhookSource, image: string, pushed: Pushed, arrivedAt: number, attempt: number): void {
    const p = deps.poller
      .rescan(image, `webhook:${source}`, { tags: [...pushed.tags], ...(pushed.digests && pushed.digests.size > 0 && { digests: pushed.digests }) })
      .then((result) => {
        const delay = PENDING_RETRY_MS[attempt];
        if (!result?.pending || delay === undefined || closed) return finished(source, image, arrivedAt, result);
        deps.log.info({ source, image, pending: result.pending, delayMs: delay }, 'the registry does not serve the pushed tag yet; scanning again');
        const timer = setTimeout(() => {
          timers.delete(timer);
          run(source, image, { tags: result.pending!, ...(pushed.digests && { digests: pushed.digests }) }, arrivedAt, attempt + 1);
        }, delay);
        timer.unref();
        timers.add(timer);
      })
      .catch((err: unknown) => deps.log.error({ source, image, err: describeError(err) }, 'push event re-scan failed'))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }

  return {
    rescan: (source, image, pushed, arrivedAt) => run(source, image, pushed, arrivedAt, 0),
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}
