// Every write the loopback Kubernetes API peer answered (create, update, patch, delete on ConfigMaps,
// Leases and single Secrets), with the Bearer token that made it, the status code and the peer's
// monotonic time when the answer was sent. Drills read it to check fencing: which replica's writes
// the API accepted, and when.

export interface WriteRecord {
  /** performance.now() in the peer's process when the answer was sent. */
  readonly at: number;
  readonly token: string;
  readonly verb: 'create' | 'update' | 'patch' | 'delete';
  readonly resource: string;
  /** The object's name from the path ('' for a create, which names it in the body). */
  readonly name: string;
  readonly code: number;
}

const WRITES = new Set(['create', 'update', 'patch', 'delete']);

export function isWrite(verb: string): verb is WriteRecord['verb'] {
  return WRITES.has(verb);
}

/** The accepted (2xx) writes in `log`. */
export function accepted(log: readonly WriteRecord[]): WriteRecord[] {
  return log.filter((w) => w.code >= 200 && w.code < 300);
}
