// Which due scans go first when a registry cannot take them all now (its rate limit or request
// budget has fewer requests to spare than scans are due): repositories that clusters asked for
// recently (getparams selected one of their watches, usage.ts) before those nobody asked for, and
// among equals the one waiting longest since its last scan (never scanned: first), then the
// earliest due. Pure: the caller says which slots are in use.

export interface DueScan {
  /** When the scan was due (ms since epoch). */
  readonly due: number;
  /** When the repository's last scan finished (absent: never scanned). */
  readonly lastScanAt?: number;
}

export type InUse<T> = (scan: T) => boolean;

/** A new array: in use first, then the stalest, then the earliest due (stable for full ties). */
export function orderDue<T extends DueScan>(due: readonly T[], inUse: InUse<T>): T[] {
  const keyed = due.map((scan) => ({ scan, used: inUse(scan), last: scan.lastScanAt ?? Number.NEGATIVE_INFINITY }));
  keyed.sort((a, b) => Number(b.used) - Number(a.used) || a.last - b.last || a.scan.due - b.scan.due);
  return keyed.map((k) => k.scan);
}
