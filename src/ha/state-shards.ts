// The shard ConfigMaps `<name>-<i>` of the shared state (state-codec.ts cuts the text): read them,
// write one (update fenced by the version last written or read, else create), and delete those a
// smaller state no longer needs. Deletes happen only while leading and only for the shard version
// this replica knows (a DeleteOptions precondition), so a leader never removes a shard someone
// else wrote since.
import type { ObjectClient, ObjectMeta } from '../kube/objects.ts';

export interface ShardsOptions {
  readonly objects: ObjectClient;
  readonly namespace: string;
  /** The head's name; shards are `<name>-<i>`. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly isLeader: () => boolean;
}

export interface Shards {
  /** The data of shards 0 to count − 1 (undefined where one is missing). */
  read(count: number): Promise<unknown[]>;
  write(i: number, revision: number, chunk: string): Promise<void>;
  /** A head named `count` shards: any from the highest count seen may be left over later. */
  noteCount(count: number): void;
  /** Deletes the shards from `count` up to the highest count seen. */
  removeFrom(count: number): Promise<void>;
  /** Forgets the versions written (after a failed write). */
  forget(): void;
}

export function createShards(options: ShardsOptions): Shards {
  const { objects, namespace } = options;
  const meta = new Map<number, ObjectMeta>();
  let known = 0;
  const nameOf = (i: number): string => `${options.name}-${i}`;
  const metaOf = async (i: number): Promise<ObjectMeta | undefined> => meta.get(i) ?? (await objects.get('configmaps', namespace, nameOf(i)))?.metadata;

  return {
    async read(count) {
      const data = [];
      for (let i = 0; i < count; i++) data.push((await objects.get('configmaps', namespace, nameOf(i)))?.data);
      return data;
    },
    async write(i, revision, chunk) {
      const data = { revision: String(revision), chunk };
      const current = await metaOf(i);
      const written = current ? await objects.update('configmaps', namespace, { metadata: current, data }) : await objects.create('configmaps', namespace, { metadata: { name: nameOf(i), labels: options.labels }, data });
      meta.set(i, written.metadata);
      known = Math.max(known, i + 1);
    },
    noteCount(count) {
      known = Math.max(known, count);
    },
    async removeFrom(count) {
      for (let i = count; i < known; i++) {
        if (!options.isLeader()) return;
        const current = await metaOf(i);
        if (current) await objects.delete('configmaps', namespace, nameOf(i), current.resourceVersion);
        meta.delete(i);
      }
      known = count;
    },
    forget: () => meta.clear(),
  };
}
