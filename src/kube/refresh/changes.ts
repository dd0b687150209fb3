// What should be refreshed: the watches whose current reference moved (a re-scan finding the same
// tag moves nothing), and everything when the cluster inventory changed revision after its first
// load. Collected between rounds, taken whole by the next round.
import type { CacheEntry } from '../../cache/types.ts';
import type { ClusterInventory } from '../../clusters/types.ts';

export interface PendingRefresh {
  readonly watches: ReadonlySet<string>;
  /** Every ApplicationSet that uses the service (the cluster inventory changed). */
  readonly all: boolean;
}

export interface ChangeTracker {
  /** Records moved references; true when something is now pending. */
  onCache(changed: readonly CacheEntry[]): boolean;
  /** Records watches whose served references moved another way (a promotion or a wave); true when something is now pending. */
  onWatches(names: readonly string[]): boolean;
  /** Records an inventory change; true when something is now pending. */
  onInventory(inventory: ClusterInventory): boolean;
  /** The pending work, emptied. */
  take(): PendingRefresh;
}

const keyOf = (e: CacheEntry): string => `${e.watch}\u0000${e.environment}`;

export function createChangeTracker(initial: Iterable<CacheEntry>): ChangeTracker {
  const refs = new Map<string, string | undefined>();
  for (const e of initial) refs.set(keyOf(e), e.current?.ref);
  let watches = new Set<string>();
  let all = false;
  let seenInventory: number | undefined;

  return {
    onCache(changed) {
      for (const e of changed) {
        const ref = e.current?.ref;
        if (refs.get(keyOf(e)) === ref) continue;
        refs.set(keyOf(e), ref);
        if (ref !== undefined) watches.add(e.watch);
      }
      return watches.size > 0;
    },
    onWatches(names) {
      for (const name of names) watches.add(name);
      return watches.size > 0;
    },
    onInventory(inventory) {
      if (!inventory.loaded) return false;
      const moved = seenInventory !== undefined && seenInventory !== inventory.revision;
      seenInventory = inventory.revision;
      if (moved) all = true;
      return moved;
    },
    take() {
      const taken = { watches, all };
      watches = new Set();
      all = false;
      return taken;
    },
  };
}
