// The promotion state as persisted with the resolved state (snapshot file, shared state): checked on
// the way in, so a damaged or foreign file yields no state rather than a wrong one. Pure.
import type { EnvironmentState, PromotionState } from './types.ts';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isResolution(v: unknown): boolean {
  return isObject(v) && typeof v.tag === 'string' && typeof v.digest === 'string' && typeof v.ref === 'string' && Array.isArray(v.platforms) && typeof v.resolvedAt === 'string';
}

function isEnvironmentState(v: unknown): v is EnvironmentState {
  if (!isObject(v) || !isResolution(v.served)) return false;
  if (v.target !== undefined && !isResolution(v.target)) return false;
  return typeof v.servedAt === 'string' && typeof v.wave === 'number' && Number.isInteger(v.wave) && v.wave >= 0 && typeof v.waveAt === 'string' && typeof v.changedAt === 'string';
}

function isEnvironments(v: unknown): v is Readonly<Record<string, EnvironmentState>> {
  return isObject(v) && Object.values(v).every(isEnvironmentState);
}

function isPromotionState(v: unknown): v is PromotionState {
  return isObject(v) && isObject(v.watches) && Object.values(v.watches).every(isEnvironments);
}

/** The state in `value`, or undefined when it is not one (every environment state must be whole). */
export function parsePromotionState(value: unknown): PromotionState | undefined {
  return isPromotionState(value) ? value : undefined;
}
