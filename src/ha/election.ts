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

/** What the last round learnt of the Lease. */
interface LeaseState {
  observation?: Observation;
  /** The Lease as this replica last wrote it. */
  lease?: KubeObject;
  /** The holder last read ('' when none). */
  holder: string;
}

/** One tryAcquireOrRenew (client-go): true when this replica holds the Lease afterwards. */
async function tryAcquireOrRenew(options: ElectionOptions, state: LeaseState): Promise<boolean> {
  const { objects, namespace, name, identity, clock } = options;
  const now = clock.now();
  const spec = nextSpec(undefined, identity, options.leaseDurationMs / 1000, now);
  const current = await objects.get('leases', namespace, name);
  if (!current) {
    state.lease = await objects.create('leases', namespace, { metadata: { name }, spec });
    state.observation = observe(undefined, spec, clock.now());
    state.holder = identity;
    return true;
  }
  const currentSpec = (current.spec ?? {}) as LeaseSpec;
  state.observation = observe(state.observation, currentSpec, now);
  state.holder = currentSpec.holderIdentity ?? '';
  if (!mayTake(currentSpec, state.observation, identity, now)) return false;
  const next = nextSpec(currentSpec, identity, options.leaseDurationMs / 1000, now);
  state.lease = await objects.update('leases', namespace, { metadata: current.metadata, spec: next });
  state.observation = observe(state.observation, next, clock.now());
  state.holder = identity;
  return true;
}

/** Empties the holder so a follower takes over at its next try instead of after expiry. */
async function releaseLease(options: ElectionOptions, lease: KubeObject, log: Logger): Promise<void> {
  try {
    await options.objects.update('leases', options.namespace, { metadata: lease.metadata, spec: releasedSpec(lease.spec as LeaseSpec, options.clock.now()) });
    log.info('lease released');
  } catch (err) {
    log.warn({ err: describeError(err) }, 'lease not released; followers take over after it expires');
  }
}

/** client-go jitters the acquire period by up to 20% so candidates do not try in lock step. */
function nextTryIn(leading: boolean, retryPeriodMs: number): number {
  return leading ? retryPeriodMs : retryPeriodMs * (1 + Math.random() * 0.2);
}

export function createElection(options: ElectionOptions): Election {
  const { identity, clock } = options;
  const log = options.logger.child({ module: 'election', lease: `${options.namespace}/${options.name}`, identity });
  const listeners = new Set<(leading: boolean) => void>();
  const state: LeaseState = { holder: '' };
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

  async function round(): Promise<void> {
    const held = await tryAcquireOrRenew(options, state).catch((err: unknown) => {
      log.debug({ err: describeError(err) }, 'lease not acquired or renewed this round');
      return false;
    });
    if (held) {
      lastRenew = clock.now();
      // A later renewal clears this timer before it fires.
      if (deadline) clearTimeout(deadline);
      deadline = setTimeout(() => setLeading(false), options.renewDeadlineMs);
      setLeading(true);
    }
    // Someone else holds it (we were deposed): step down at once; otherwise the deadline timer decides.
    if (!held && leading && state.holder !== identity) setLeading(false);
  }

  function loop(): void {
    attempt = round().finally(() => {
      if (running) timer = setTimeout(loop, nextTryIn(leading, options.retryPeriodMs));
    });
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
      if (!leading || !state.lease) return;
      setLeading(false);
      await releaseLease(options, state.lease, log);
    },
    isLeader: () => leading && clock.now() - lastRenew < options.renewDeadlineMs,
    leader: () => state.holder,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
