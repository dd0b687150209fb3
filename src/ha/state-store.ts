// The shared resolved state in ConfigMaps (state-codec.ts lays it out). The leader publishes each
// new state as the next revision: shards first, then the head, the head's update fenced by the
// resourceVersion this replica last read or wrote, so a leader that lost its Lease and missed a
// newer write gets 409 KUBE_CONFLICT and can never overwrite it. Every replica follows the head
// with a watch and hands on each newer, consistent revision; an older or torn one is ignored, so
// what a replica serves never goes backwards. When the state shrinks, the leader deletes the shards
// beyond the new count after the head no longer names them, each delete fenced twice: only while
// leading, and only the shard version it wrote or read (a delete precondition).
import { isAppError, describeError, type AppError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import type { KubeObject, ObjectClient, ObjectMeta } from '../kube/objects.ts';
import { assemble, encodeState, headFromData, headToData, MAX_SHARDS_DEFAULT, type HeadData } from './state-codec.ts';
import { haError } from './errors.ts';
import { createShards } from './state-shards.ts';

export interface SharedState {
  readonly revision: number;
  readonly text: string;
}

export interface StateStoreOptions {
  readonly objects: ObjectClient;
  readonly namespace: string;
  /** The head ConfigMap's name; shards are `<name>-<i>`. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly logger: Logger;
  /** Checked before every write: only the leader writes. */
  readonly isLeader: () => boolean;
  readonly shardBytes?: number;
  /** Shard ConfigMaps the Role lets this replica write (HA_STATE_MAX_SHARDS; default MAX_SHARDS_DEFAULT). */
  readonly maxShards?: number;
}

export interface StateStore {
  /**
   * Writes `text` as the next revision; undefined when fenced out (not leader, or someone wrote first).
   * Throws REPLICAS_STATE_TOO_LARGE, before writing anything, when it needs more shards than allowed.
   */
  publish(text: string): Promise<number | undefined>;
  /** The current consistent state in the API (undefined when there is none yet). */
  read(): Promise<SharedState | undefined>;
  /** Hands on every newer consistent revision until `signal` aborts. */
  follow(onState: (state: SharedState) => void, signal: AbortSignal): Promise<void>;
  /** The highest revision read, followed or published (0 before any). */
  revision(): number;
}

/** Logs a failed write; true when it was fenced out (someone else wrote the head first). */
function fencedOut(log: Logger, err: unknown, revision: number): boolean {
  const conflict = isAppError(err) && err.code === 'KUBE_CONFLICT';
  if (conflict) log.warn({ revision }, 'state write fenced out: another writer changed it first');
  else log.warn({ err: describeError(err), revision }, 'state write failed');
  return conflict;
}

/** Where this replica stands: the head version it fences on and the highest revision it knows. */
interface Cursor {
  head?: ObjectMeta;
  seen: number;
  /** The head this replica is writing: its own watch may show it before the write returns, and it is not a newer foreign state. */
  writing?: HeadData;
}

type Shards = ReturnType<typeof createShards>;

/**
 * A state that needs more shards than the Role names would be half written: the shards the Role
 * allows overwritten with the new revision, the next one refused (403), the head still naming the
 * old revision, so every reader that starts afterwards finds a torn state. Refused before any write.
 */
function tooLarge(options: StateStoreOptions, name: string, needed: number, bytes: number, revision: number): AppError {
  const max = options.maxShards ?? MAX_SHARDS_DEFAULT;
  const mib = (bytes / 1024 / 1024).toFixed(1);
  return haError('REPLICAS_STATE_TOO_LARGE', `the shared state (${mib} MiB) needs ${needed} shard ConfigMaps but HA_STATE_MAX_SHARDS allows ${max}; revision ${revision} was not written and the last published revision stays served. Set HA_STATE_MAX_SHARDS to at least ${needed} and add ${name}-${max} … ${name}-${needed - 1} to both configmaps rules of the Role (manifests/rbac.yaml), or watch fewer images or environments`);
}

/** The state a head names, when its shards match it (a write in progress does not). */
async function loadState(cursor: Cursor, shards: Shards, log: Logger, object: KubeObject, parsed: HeadData): Promise<SharedState | undefined> {
  const text = assemble(parsed, await shards.read(parsed.shards));
  if (text === undefined) {
    log.warn({ revision: parsed.revision }, 'state shards do not match their head (a write in progress); keeping the last good state');
    return undefined;
  }
  cursor.head = object.metadata;
  cursor.seen = Math.max(cursor.seen, parsed.revision);
  shards.noteCount(parsed.shards);
  return { revision: parsed.revision, text };
}

/** Watches the head and hands on each newer consistent revision, in order, until `signal` aborts. */
async function followHead(options: StateStoreOptions, cursor: Cursor, load: (object: KubeObject, parsed: HeadData) => Promise<SharedState | undefined>, log: Logger, onState: (state: SharedState) => void, signal: AbortSignal): Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  await options.objects.watch('configmaps', options.namespace, options.name, (type, object) => {
    const parsed = type === 'DELETED' ? undefined : headFromData(object.data);
    if (!parsed) return;
    chain = chain.then(async () => {
      if (parsed.revision <= cursor.seen || (cursor.writing?.revision === parsed.revision && cursor.writing.digest === parsed.digest)) return;
      const state = await load(object, parsed).catch((err: unknown) => void log.warn({ err: describeError(err) }, 'state shards unreadable'));
      if (state) onState(state);
    });
  }, { signal, retryMs: 500, onError: (err) => log.warn({ err: describeError(err) }, 'state watch broke; reconnecting') });
  await chain;
}

export function createStateStore(options: StateStoreOptions): StateStore {
  const { objects, namespace, name } = options;
  const log = options.logger.child({ module: 'state', configMap: `${namespace}/${name}` });
  const cursor: Cursor = { seen: 0 };
  const shards = createShards({ objects, namespace, name, labels: options.labels, isLeader: options.isLeader });
  const load = (object: KubeObject, parsed: HeadData): Promise<SharedState | undefined> => loadState(cursor, shards, log, object, parsed);

  async function publish(text: string): Promise<number | undefined> {
    if (!options.isLeader()) return undefined;
    if (!cursor.head) await read();
    const revision = cursor.seen + 1;
    const encoded = encodeState(text, revision, options.shardBytes);
    if (encoded.shards.length > (options.maxShards ?? MAX_SHARDS_DEFAULT)) throw tooLarge(options, name, encoded.shards.length, Buffer.byteLength(text), revision);
    try {
      for (const [i, chunk] of encoded.shards.entries()) await shards.write(i, revision, chunk);
      if (!options.isLeader()) return undefined;
      const data = headToData(encoded.head);
      const head = cursor.head;
      cursor.writing = encoded.head;
      const written = head ? await objects.update('configmaps', namespace, { metadata: head, data }) : await objects.create('configmaps', namespace, { metadata: { name, labels: options.labels }, data });
      cursor.head = written.metadata;
      cursor.seen = revision;
      await shards.removeFrom(encoded.shards.length).catch((err: unknown) => log.warn({ err: describeError(err), revision }, 'surplus state shards not deleted; the next write tries again'));
      return revision;
    } catch (err) {
      shards.forget();
      if (fencedOut(log, err, revision)) delete cursor.head;
      return undefined;
    } finally {
      delete cursor.writing;
    }
  }

  async function read(): Promise<SharedState | undefined> {
    const object = await objects.get('configmaps', namespace, name);
    const parsed = object && headFromData(object.data);
    if (!object || !parsed) return undefined;
    // The writer fences on this head even when its shards are torn (a stale leader's half write).
    cursor.head = object.metadata;
    cursor.seen = Math.max(cursor.seen, parsed.revision);
    return load(object, parsed);
  }

  return {
    publish,
    read,
    follow: (onState, signal) => followHead(options, cursor, load, log, onState, signal),
    revision: () => cursor.seen,
  };
}
