// Held requests on the loopback Kubernetes API peer (kube-api.ts): the next list or watch requests
// of a resource wait, unanswered, until the test lets them through or answers them with a Status.
// A test uses it to place a change or a compaction exactly while a client is disconnected, and to
// look at the client between a watch that ended and the list that follows. `answer` sends the
// metav1.Status an API server sends for a failed request (API concepts, "Efficient detection of
// changes": a watch from a resourceVersion older than the retained history is 410 Gone).
import type { ServerResponse } from 'node:http';
import { sendStatus } from './kube-api-objects.ts';

export interface HeldRequests {
  /** The next `count` requests with this verb (list, watch) on `resource` wait. */
  arm(verb: string, resource: string, count?: number): void;
  /** Requests waiting now, by "verb resource". */
  waiting(verb: string, resource: string): number;
  /** Lets the waiting requests with this verb through to the peer. */
  release(verb: string, resource: string): void;
  /** Answers the waiting requests with this verb with an HTTP Status instead (e.g. 410 Expired). */
  answer(verb: string, resource: string, code: number, reason: string, message: string): void;
  /** Used by the peer: resolves to true when the request was let through, false when answered. */
  hold(verb: string, resource: string, res: ServerResponse): Promise<boolean> | undefined;
}

interface Waiting {
  readonly res: ServerResponse;
  readonly done: (through: boolean) => void;
}

export function createHeldRequests(): HeldRequests {
  const armed = new Map<string, number>();
  const waiting = new Map<string, Waiting[]>();
  const take = (key: string): Waiting[] => {
    const out = waiting.get(key) ?? [];
    waiting.delete(key);
    return out;
  };
  return {
    arm: (verb, resource, count = 1) => void armed.set(`${verb} ${resource}`, count),
    waiting: (verb, resource) => waiting.get(`${verb} ${resource}`)?.length ?? 0,
    release: (verb, resource) => void take(`${verb} ${resource}`).forEach((w) => w.done(true)),
    answer(verb, resource, code, reason, message) {
      for (const w of take(`${verb} ${resource}`)) {
        sendStatus(w.res, code, reason, message);
        w.done(false);
      }
    },
    hold(verb, resource, res) {
      const key = `${verb} ${resource}`;
      const left = armed.get(key) ?? 0;
      if (left === 0) return undefined;
      armed.set(key, left - 1);
      return new Promise<boolean>((done) => waiting.set(key, [...(waiting.get(key) ?? []), { res, done }]));
    },
  };
}
