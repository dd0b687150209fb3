// Rescan requests from replicas that are not the leader. A push webhook may reach any replica; a
// follower records it on the requests ConfigMap under its own key (a merge patch touches only that
// key, so followers never conflict with each other or with the leader's state writes), and the
// leader, which watches that ConfigMap, rescans. Each request has an id so a request is acted on
// once; requests older than REQUEST_TTL_MS are dropped by the replica that wrote them. A request
// carries the manifest digests the push event named, so the leader fetches them beside the tags'
// HEADs (poller/scan.ts); anyone who can write the ConfigMap writes them, so they are checked here
// (digest and tag grammar, a bounded count) and stay hints the registry's own answers confirm.
import { randomUUID } from 'node:crypto';
import { isDigest } from '../registry/digest.ts';
import { isOciTag } from '../image/reference.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import type { ObjectClient } from '../kube/objects.ts';

export const REQUEST_TTL_MS = 60_000;

export interface RescanRequest {
  readonly id: string;
  readonly image: string;
  readonly tags: readonly string[];
  /** [tag, manifest digest] the push event named (absent in requests of replicas older than this field). */
  readonly digests?: ReadonlyArray<readonly [string, string]>;
  readonly reason: string;
  /** ms since the epoch, by the requesting replica's clock. */
  readonly at: number;
}

export interface RequestChannel {
  /** Records a request for the leader (a follower calls this). */
  send(image: string, reason: string, tags: readonly string[], digests?: ReadonlyMap<string, string>): Promise<void>;
  /** Calls `onRequest` once for every request not yet handled, until `signal` aborts (the leader calls this). */
  receive(onRequest: (request: RescanRequest) => void, signal: AbortSignal): Promise<void>;
}

/** Most digests one request carries (a push event names a handful of tags). */
export const MAX_REQUEST_DIGESTS = 16;

/** The request's [tag, digest] pairs that are a tag and a digest, at most MAX_REQUEST_DIGESTS; the rest dropped. */
function checkedDigests(value: unknown): Array<readonly [string, string]> {
  if (!Array.isArray(value)) return [];
  const ok = (p: unknown): p is [string, string] => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && isOciTag(p[0]) && typeof p[1] === 'string' && isDigest(p[1]);
  return value.filter(ok).slice(0, MAX_REQUEST_DIGESTS);
}

function parseList(text: unknown): RescanRequest[] {
  if (typeof text !== 'string') return [];
  try {
    const list = JSON.parse(text) as unknown;
    if (!Array.isArray(list)) return [];
    const requests = list.filter((r): r is RescanRequest => typeof r?.id === 'string' && typeof r.image === 'string' && Array.isArray(r.tags));
    return requests.map((r) => {
      const digests = checkedDigests(r.digests);
      const { digests: _, ...rest } = r;
      return digests.length > 0 ? { ...rest, digests } : rest;
    });
  } catch {
    return [];
  }
}

export function createRequestChannel(options: { objects: ObjectClient; namespace: string; name: string; identity: string; labels: Readonly<Record<string, string>>; clock: Clock; logger: Logger }): RequestChannel {
  const { objects, namespace, name, identity, clock } = options;
  const log = options.logger.child({ module: 'rescan-requests' });
  let mine: RescanRequest[] = [];
  const handled = new Set<string>();

  async function send(image: string, reason: string, tags: readonly string[], digests?: ReadonlyMap<string, string>): Promise<void> {
    const now = clock.now();
    const pairs = [...(digests ?? [])].slice(0, MAX_REQUEST_DIGESTS);
    mine = [...mine.filter((r) => now - r.at < REQUEST_TTL_MS), { id: randomUUID(), image, tags: [...tags], ...(pairs.length > 0 && { digests: pairs }), reason, at: now }];
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
