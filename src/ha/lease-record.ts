// The leader-election record on a coordination.k8s.io/v1 Lease and the decision client-go's
// leaderelection package makes on it (tools/leaderelection/leaderelection.go, tryAcquireOrRenew):
// a candidate may take the Lease when it holds it already, when nobody holds it, or when the
// record has not changed for leaseDurationSeconds *as timed by the candidate's own clock* since it
// first saw that record. Timing by local observation, not by the renewTime written by another
// machine, is what makes the election indifferent to clock skew between replicas. Pure.

export interface LeaseSpec {
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  readonly acquireTime?: string;
  readonly renewTime?: string;
  readonly leaseTransitions?: number;
}

export interface Observation {
  /** The record as last read (its JSON, to notice any change). */
  readonly record: string;
  /** Local time (ms) when `record` was first seen. */
  readonly at: number;
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The observation after reading `spec` at local time `now`. */
export function observe(previous: Observation | undefined, spec: LeaseSpec, now: number): Observation {
  const record = JSON.stringify([spec.holderIdentity ?? '', spec.leaseDurationSeconds ?? 0, spec.acquireTime ?? '', spec.renewTime ?? '', spec.leaseTransitions ?? 0]);
  return previous?.record === record ? previous : { record, at: now };
}

/** True when `identity` may write the Lease now. */
export function mayTake(spec: LeaseSpec, observation: Observation, identity: string, now: number): boolean {
  const holder = spec.holderIdentity ?? '';
  if (holder === '' || holder === identity) return true;
  return observation.at + (spec.leaseDurationSeconds ?? 0) * 1000 <= now;
}

/** The spec `identity` writes to acquire or renew. */
export function nextSpec(spec: LeaseSpec | undefined, identity: string, leaseDurationSeconds: number, now: number): LeaseSpec {
  const renewing = spec?.holderIdentity === identity;
  return {
    holderIdentity: identity,
    leaseDurationSeconds,
    acquireTime: renewing && spec?.acquireTime ? spec.acquireTime : microTime(now),
    renewTime: microTime(now),
    leaseTransitions: spec === undefined ? 0 : renewing ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
  };
}

/** The spec a leader writes when it steps down: nobody holds it, followers may take it at once (client-go's release). */
export function releasedSpec(spec: LeaseSpec, now: number): LeaseSpec {
  return { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: spec.leaseTransitions ?? 0 };
}
