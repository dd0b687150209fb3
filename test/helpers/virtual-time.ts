// Virtual time for running hours of polling in seconds: one clock, the poller's timers and the
// registry client's sleeps all read and wait on it. Time moves only when everything in flight is
// parked on a virtual timer (the caller's `settled` says when that is), then jumps to the earliest
// timer. Real I/O (loopback HTTP) still happens; it just takes no virtual time.
import { setImmediate as turn } from 'node:timers/promises';
import type { Clock } from '../../src/shared/clock.ts';
import type { Timers } from '../../src/shared/timers.ts';
import type { Sleep } from '../../src/registry/budget.ts';

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

export interface VirtualTime extends Clock, Timers {
  readonly sleep: Sleep;
  /** Sleeps not yet over (each is one chain of work parked on virtual time). */
  readonly sleepers: number;
  /** Fires timers in order until `end`; before each jump waits (real time, bounded) until `settled()`. */
  runUntil(end: number, settled: () => boolean): Promise<void>;
}

/** How long the world may stay busy before virtual time gives up waiting for it (real ms). */
const SETTLE_DEADLINE_MS = 60_000;

export function virtualTime(start: number): VirtualTime {
  let now = start;
  let seq = 0;
  let sleepers = 0;
  const pending = new Map<number, Pending>();
  const add = (ms: number, fire: () => void): number => {
    const id = ++seq;
    pending.set(id, { at: now + Math.max(0, ms), seq: id, fire });
    return id;
  };
  const earliest = (): Pending | undefined => [...pending.values()].reduce<Pending | undefined>((a, p) => (!a || p.at < a.at || (p.at === a.at && p.seq < a.seq) ? p : a), undefined);
  async function settle(settled: () => boolean): Promise<void> {
    const end = Date.now() + SETTLE_DEADLINE_MS;
    // two quiet looks in a row: a reply that just arrived has had its turn to start the next step
    for (let quiet = 0; quiet < 2; ) {
      await turn();
      quiet = settled() ? quiet + 1 : 0;
      if (Date.now() > end) throw new Error(`virtual time: work still in flight after ${SETTLE_DEADLINE_MS} ms (sleepers ${sleepers})`);
    }
  }
  return {
    now: () => now,
    set: (fn, ms) => ({ id: add(ms, fn) }),
    clear: (handle) => void pending.delete(handle.id as number),
    get sleepers() {
      return sleepers;
    },
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        sleepers += 1;
        const onAbort = (): void => {
          pending.delete(id);
          sleepers -= 1;
          reject(signal?.reason);
        };
        const id = add(ms, () => {
          signal?.removeEventListener('abort', onAbort);
          sleepers -= 1;
          resolve();
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    async runUntil(end, settled) {
      for (;;) {
        await settle(settled);
        const next = earliest();
        if (!next || next.at > end) break;
        pending.delete(next.seq);
        now = Math.max(now, next.at);
        next.fire();
      }
      now = Math.max(now, end);
    },
  };
}
