// Failed viewer-token logins are limited per client address: after LOGIN_LIMIT.failures wrong tokens
// within a window, that address is answered 429 (with Retry-After) until the window ends, before its
// token is even compared. Memory is bounded: at most LOGIN_LIMIT.addresses windows are kept, least
// recently used first out. IPv6 clients are counted per /64 (one host usually holds a whole /64).
// The viewer token is long and random; this keeps guessing slow and the log quiet.
import { isIPv6 } from 'node:net';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../shared/clock.ts';

export const LOGIN_LIMIT = { failures: 10, windowMs: 60_000, addresses: 10_000 };

interface Window {
  start: number;
  failures: number;
}

/** The key an address is counted under: IPv4 as is (also when IPv4-mapped), IPv6 by its /64 prefix. */
export function addressKey(address: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4) return v4[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export interface LoginLimiter {
  /** Milliseconds until this address may try again; 0 when it may now. */
  blockedFor(address: string): number;
  failed(address: string): void;
  readonly size: () => number;
}

export function createLoginLimiter(clock: Clock, limits = LOGIN_LIMIT): LoginLimiter {
  const windows = new LRUCache<string, Window>({ max: limits.addresses });
  const current = (key: string): Window | undefined => {
    const w = windows.get(key);
    if (w && clock.now() - w.start >= limits.windowMs) {
      windows.delete(key);
      return undefined;
    }
    return w;
  };
  return {
    blockedFor(address) {
      const w = current(addressKey(address));
      return w && w.failures >= limits.failures ? w.start + limits.windowMs - clock.now() : 0;
    },
    failed(address) {
      const key = addressKey(address);
      const w = current(key);
      if (w) w.failures += 1;
      else windows.set(key, { start: clock.now(), failures: 1 });
    },
    size: () => windows.size,
  };
}
