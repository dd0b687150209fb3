// Rescan requests from replicas that are not the leader. A push webhook may reach any replica; a
// follower records it on the requests ConfigMap under its own key (a merge patch touches only that
// key, so followers never conflict with each other or with the leader's state writes), and the
// leader, which watches that ConfigMap, rescans. Each request has an id so a request is acted on
// once; requests older than REQUEST_TTL_MS are dropped by the replica that wrote them.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import type { ObjectClient } from '../kube/objects.ts';

export const REQUEST_TTL_MS = 60_000;

export interface RescanRequest {
  readonly id: string;
  readonly image: string;
  readonly tags: readonly string[];
  readonly reason: string;
  /** ms since the epoch, by the requesting replica's clock. */
  readonly at: number;
}

export interface RequestChannel {
  /** Records a request for the leader (a follower calls this). */
  send(image: string, reason: string, tags: readonly string[]): Promise<void>;
  /** Calls `onRequest` once for every request not yet handled, until `signal` aborts (the leader calls this). */
  receive(onRequest: (request: RescanRequest) => void, signal: AbortSignal): Promise<void>;
}

function parseList(text: unknown): RescanRequest[] {
  if (typeof text !== 'string') return [];
  try {
    const list = JSON.parse(text) as unknown;
    return Array.isArray(list) ? list.filter((r): r is RescanRequest => typeof r?.id === 'string' && typeof r.image === 'string' && Array.isArray(r.tags)) : [];
  } catch {
    return [];
  }
}

export function createRequestChannel(options: { objects: ObjectClient; namespace: string; name: string; identity: string; labels: Readonly<Record<string, string>>; clock: Clock; logger: Logger }): RequestChannel {
  const { objects, namespace, name, identity, clock } = options;
  const log = options.logger.child({ module: 'rescan-requests' });
  let mine: RescanRequest[] = [];
  const handled = new Set<string>();

  async function send(image: string, reason: string, tags: readonly string[]): Promise<void> {
    const now = clock.now();
    mine = [...mine.filter((r) => now - r.at < REQUEST_TTL_MS), { id: randomUUID(), image, tags: [...tags], reason, at: now }];
    const data = { [identity]: JSON.stringify(mine) };
    try {
      await objects.patch('configmaps', namespace, name, { data });
    } catch (err) {
      if ((err as { code?: string }).code !== 'KUBE_NOT_FOUND') throw err;
      await objects.create('configmaps', namespace, { metadata: { name, labels: options.labels }, data }).catch(() => objects.patch('configmaps', namespace, name, { data }));
    }
  }

  async function receive(onRequest: (request: RescanRequest) => void, signal: AbortSignal): Promise<void> {
    await objects.watch('configmaps', namespace, name, (type, object) => {
      if (type === 'DELETED') return;
      const now = clock.now();
      for (const list of Object.values((object.data ?? {}) as Record<string, unknown>)) {
        for (const r of parseList(list)) {
          if (handled.has(r.id) || now - r.at > REQUEST_TTL_MS * 2) continue;
          handled.add(r.id);
          onRequest(r);
        }
      }
      // Forget the oldest ids (a Set iterates in insertion order); none of them can still be listed.
      for (const id of handled) {
        if (handled.size <= 10_000) break;
        handled.delete(id);
      }
    }, { signal, retryMs: 500, onError: (err) => log.warn({ err: describeError(err) }, 'rescan request watch broke; reconnecting') });
  }

  return { send, receive };
}
