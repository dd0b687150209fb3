// Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics
// (k8s.io/client-go/tools/leaderelection): every `retryPeriod` a candidate tries to acquire the
// Lease (lease-record.ts decides); the leader renews it on the same period and steps down when no
// renewal succeeded for `renewDeadline`, which is shorter than `leaseDuration`, so it stops
// acting before any other candidate can take over. Every write is an update fenced by the
// resourceVersion just read (a 409 means someone else wrote: not leader this round). On stop the
// leader releases the Lease (holder emptied) so a follower takes over at its next try.
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import type { KubeObject, ObjectClient } from '../kube/objects.ts';
import { mayTake, nextSpec, observe, releasedSpec, type LeaseSpec, type Observation } from './lease-record.ts';

export interface ElectionOptions {
  readonly objects: ObjectClient;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface Election {
  start(): void;
  /** Stops trying; a leader releases the Lease first. */
  stop(): Promise<void>;
  isLeader(): boolean;
  /** The holder last read from the Lease ('' when none). */
  leader(): string;
  /** Called with true when this replica starts leading, false when it stops. */
  onChange(listener: (leading: boolean) => void): () => void;
}

export function createElection(options: ElectionOptions): Election {
  const { objects, namespace, name, identity, clock } = options;
  const log = options.logger.child({ module: 'election', lease: `${namespace}/${name}`, identity });
  const listeners = new Set<(leading: boolean) => void>();
  let observation: Observation | undefined;
  let lease: KubeObject | undefined;
  let holder = '';
  let leading = false;
  let lastRenew = 0;
  let timer: NodeJS.Timeout | undefined;
  /** Steps down when renewDeadline passes without a renewal, even while a request hangs. */
  let deadline: NodeJS.Timeout | undefined;
  let running = false;
  let attempt: Promise<void> = Promise.resolve();

  function setLeading(next: boolean): void {
    if (next === leading) return;
    leading = next;
    log.info({ leading }, leading ? 'started leading' : 'stopped leading');
    for (const l of listeners) l(next);
  }

  /** One tryAcquireOrRenew; true when this replica holds the Lease afterwards. */
  async function tryAcquireOrRenew(): Promise<boolean> {
    const now = clock.now();
    const spec = nextSpec(undefined, identity, options.leaseDurationMs / 1000, now);
    const current = await objects.get('leases', namespace, name);
    if (!current) {
      lease = await objects.create('leases', namespace, { metadata: { name }, spec });
      observation = observe(undefined, spec, clock.now());
      holder = identity;
      return true;
    }
    const currentSpec = (current.spec ?? {}) as LeaseSpec;
    observation = observe(observation, currentSpec, now);
    holder = currentSpec.holderIdentity ?? '';
    if (!mayTake(currentSpec, observation, identity, now)) return false;
    const next = nextSpec(currentSpec, identity, options.leaseDurationMs / 1000, now);
    lease = await objects.update('leases', namespace, { metadata: current.metadata, spec: next });
    observation = observe(observation, next, clock.now());
    holder = identity;
    return true;
  }

  async function round(): Promise<void> {
    let held = false;
    try {
      held = await tryAcquireOrRenew();
    } catch (err) {
      log.debug({ err: describeError(err) }, 'lease not acquired or renewed this round');
    }
    if (held) {
      lastRenew = clock.now();
      // A later renewal clears this timer before it fires.
      if (deadline) clearTimeout(deadline);
      deadline = setTimeout(() => setLeading(false), options.renewDeadlineMs);
    }
    if (held && !leading) setLeading(true);
    // Someone else holds it (we were deposed): step down at once; otherwise the deadline timer decides.
    if (!held && leading && holder !== identity) setLeading(false);
  }

  function loop(): void {
    attempt = round().finally(() => {
      // client-go jitters the acquire period by up to 20% so candidates do not try in lock step.
      const wait = leading ? options.retryPeriodMs : options.retryPeriodMs * (1 + Math.random() * 0.2);
      if (running) timer = setTimeout(loop, wait);
    });
  }

  async function release(): Promise<void> {
    if (!leading || !lease) return;
    setLeading(false);
    try {
      await objects.update('leases', namespace, { metadata: lease.metadata, spec: releasedSpec(lease.spec as LeaseSpec, clock.now()) });
      log.info('lease released');
    } catch (err) {
      log.warn({ err: describeError(err) }, 'lease not released; followers take over after it expires');
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      if (deadline) clearTimeout(deadline);
      await attempt;
      await release();
    },
    isLeader: () => leading && clock.now() - lastRenew < options.renewDeadlineMs,
    leader: () => holder,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
