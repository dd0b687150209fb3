// Operations taken on a replica that is not the leader. Only the leader writes the shared state, so
// a follower validates the action, records it on the requests ConfigMap under its own key
// (`ops.<identity>`; a merge patch touches only that key, like rescan requests in requests.ts), and
// the leader, which watches that ConfigMap, validates it again and publishes it with the next
// state. The follower answers once that state reaches it (the record keeps its id end to end). When
// the leader refuses an action it records its error under `refused.<identity>`, and the follower
// that waits for that action answers with it.
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import type { ObjectClient } from '../kube/objects.ts';
import { parseRecord } from '../operations/record.ts';
import type { OperationRecord } from '../operations/types.ts';
import { REQUEST_TTL_MS } from './requests.ts';

const KEY_PREFIX = 'ops.';
const REFUSED_PREFIX = 'refused.';
/** Forwarded actions a follower keeps listed at once (each for REQUEST_TTL_MS). */
const MAX_PENDING = 50;

interface Forwarded {
  readonly record: OperationRecord;
  /** ms since the epoch, by the forwarding replica's clock. */
  readonly sentAt: number;
}

/** The leader's answer to a forwarded action it did not apply. */
export interface Refusal {
  readonly id: string;
  readonly code: string;
  readonly message: string;
  readonly at: number;
}

export interface OperationChannel {
  send(record: OperationRecord): Promise<void>;
  receive(onRecord: (record: OperationRecord) => void, signal: AbortSignal): Promise<void>;
  /** The leader records why it did not apply a forwarded action. */
  refuse(id: string, error: { code: string; message: string }): Promise<void>;
  /** Resolves with the leader's refusal of `id` (never resolves when there is none; stop it with `signal`). */
  refusal(id: string, signal: AbortSignal): Promise<Refusal>;
}

function parseRefusals(text: unknown): Refusal[] {
  if (typeof text !== 'string' || text.length > 256 * 1024) return [];
  try {
    const list = JSON.parse(text) as unknown;
    if (!Array.isArray(list)) return [];
    return list.filter((r: Partial<Refusal>) => typeof r?.id === 'string' && typeof r.code === 'string' && /^[A-Z][A-Z_]{1,40}$/.test(r.code) && typeof r.message === 'string' && typeof r.at === 'number') as Refusal[];
  } catch {
    return [];
  }
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

/** Watches the requests ConfigMap until a leader's refusal of `id` shows up. */
function watchRefusal(options: { objects: ObjectClient; namespace: string; name: string }, log: Logger, id: string, signal: AbortSignal): Promise<Refusal> {
  return new Promise<Refusal>((resolve) => {
    const stop = new AbortController();
    signal.addEventListener('abort', () => stop.abort(), { once: true });
    void options.objects.watch('configmaps', options.namespace, options.name, (type, object) => {
      if (type === 'DELETED') return;
      for (const [k, list] of Object.entries((object.data ?? {}) as Record<string, unknown>)) {
        const found = k.startsWith(REFUSED_PREFIX) ? parseRefusals(list).find((r) => r.id === id) : undefined;
        if (found) {
          stop.abort();
          resolve(found);
        }
      }
    }, { signal: stop.signal, retryMs: 500, onError: (err) => log.warn({ err: describeError(err) }, 'watch for the leader\'s answer broke; reconnecting') }).catch(() => undefined);
  });
}

export function createOperationChannel(options: { objects: ObjectClient; namespace: string; name: string; identity: string; labels: Readonly<Record<string, string>>; clock: Clock; logger: Logger }): OperationChannel {
  const { objects, namespace, name, clock } = options;
  const key = `${KEY_PREFIX}${options.identity}`;
  const log = options.logger.child({ module: 'operation-requests' });
  let mine: Forwarded[] = [];
  const handled = new Set<string>();

  let refused: Refusal[] = [];

  async function write(data: Record<string, string>): Promise<void> {
    try {
      await objects.patch('configmaps', namespace, name, { data });
    } catch (err) {
      if ((err as { code?: string }).code !== 'KUBE_NOT_FOUND') throw err;
      await objects.create('configmaps', namespace, { metadata: { name, labels: options.labels }, data }).catch(() => objects.patch('configmaps', namespace, name, { data }));
    }
  }

  async function send(record: OperationRecord): Promise<void> {
    const now = clock.now();
    mine = [...mine.filter((f) => now - f.sentAt < REQUEST_TTL_MS), { record, sentAt: now }].slice(-MAX_PENDING);
    await write({ [key]: JSON.stringify(mine) });
  }

  async function refuse(id: string, error: { code: string; message: string }): Promise<void> {
    const now = clock.now();
    refused = [...refused.filter((r) => now - r.at < REQUEST_TTL_MS), { id, code: error.code, message: error.message.slice(0, 1000), at: now }].slice(-MAX_PENDING);
    await write({ [`${REFUSED_PREFIX}${options.identity}`]: JSON.stringify(refused) });
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

  return { send, receive, refuse, refusal: (id, signal) => watchRefusal(options, log, id, signal) };
}
