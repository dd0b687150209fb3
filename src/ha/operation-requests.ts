// Operations taken on a replica that is not the leader. Only the leader writes the shared state, so
// a follower validates the action, records it on the requests ConfigMap under its own key
// (`ops.<identity>`; a merge patch touches only that key, like rescan requests in requests.ts), and
// the leader, which watches that ConfigMap, validates it again and publishes it with the next
// state. The follower answers once that state reaches it (the record keeps its id end to end).
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import type { ObjectClient } from '../kube/objects.ts';
import { parseRecord } from '../operations/record.ts';
import type { OperationRecord } from '../operations/types.ts';
import { REQUEST_TTL_MS } from './requests.ts';

const KEY_PREFIX = 'ops.';
/** Forwarded actions a follower keeps listed at once (each for REQUEST_TTL_MS). */
const MAX_PENDING = 50;

interface Forwarded {
  readonly record: OperationRecord;
  /** ms since the epoch, by the forwarding replica's clock. */
  readonly sentAt: number;
}

export interface OperationChannel {
  send(record: OperationRecord): Promise<void>;
  receive(onRecord: (record: OperationRecord) => void, signal: AbortSignal): Promise<void>;
}

function parseForwarded(text: unknown): Forwarded[] {
  if (typeof text !== 'string' || text.length > 512 * 1024) return [];
  try {
    const list = JSON.parse(text) as unknown;
    if (!Array.isArray(list)) return [];
    return list.flatMap((f: { record?: unknown; sentAt?: unknown }) => {
      const record = parseRecord(f?.record);
      return record && typeof f.sentAt === 'number' ? [{ record, sentAt: f.sentAt }] : [];
    });
  } catch {
    return [];
  }
}

export function createOperationChannel(options: { objects: ObjectClient; namespace: string; name: string; identity: string; labels: Readonly<Record<string, string>>; clock: Clock; logger: Logger }): OperationChannel {
  const { objects, namespace, name, clock } = options;
  const key = `${KEY_PREFIX}${options.identity}`;
  const log = options.logger.child({ module: 'operation-requests' });
  let mine: Forwarded[] = [];
  const handled = new Set<string>();

  async function send(record: OperationRecord): Promise<void> {
    const now = clock.now();
    mine = [...mine.filter((f) => now - f.sentAt < REQUEST_TTL_MS), { record, sentAt: now }].slice(-MAX_PENDING);
    const data = { [key]: JSON.stringify(mine) };
    try {
      await objects.patch('configmaps', namespace, name, { data });
    } catch (err) {
      if ((err as { code?: string }).code !== 'KUBE_NOT_FOUND') throw err;
      await objects.create('configmaps', namespace, { metadata: { name, labels: options.labels }, data }).catch(() => objects.patch('configmaps', namespace, name, { data }));
    }
  }

  async function receive(onRecord: (record: OperationRecord) => void, signal: AbortSignal): Promise<void> {
    await objects.watch('configmaps', namespace, name, (type, object) => {
      if (type === 'DELETED') return;
      const now = clock.now();
      for (const [k, list] of Object.entries((object.data ?? {}) as Record<string, unknown>)) {
        if (!k.startsWith(KEY_PREFIX)) continue;
        for (const f of parseForwarded(list)) {
          if (handled.has(f.record.id) || now - f.sentAt > REQUEST_TTL_MS * 2) continue;
          handled.add(f.record.id);
          onRecord(f.record);
        }
      }
      for (const id of handled) {
        if (handled.size <= 10_000) break;
        handled.delete(id);
      }
    }, { signal, retryMs: 500, onError: (err) => log.warn({ err: describeError(err) }, 'operation request watch broke; reconnecting') });
  }

  return { send, receive };
}
