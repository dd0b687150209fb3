// The grammar and bounds of an operation record, shared by the API's validation (validate.ts) and
// the reading of persisted or shared records (a record that does not fit is dropped, never trusted).
// Pure.
import { TAG_PATTERN } from '../config/parse-policy.ts';
import type { OperationKind, OperationRecord } from './types.ts';

export const KINDS: readonly OperationKind[] = ['hold', 'release', 'approve', 'promote'];
/** Longest `reason`, in characters. */
export const MAX_REASON = 512;
/** Furthest `until` from the time the action is taken. */
export const MAX_UNTIL_MS = 90 * 24 * 3600_000;
/** Highest wave number an approval may name (waves are numbered from 1, as in the status). */
export const MAX_WAVE = 64;
/** Records kept in the log (the oldest records no longer in effect are dropped first). */
export const MAX_RECORDS = 1000;

export const WATCH_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,252}$/;
export const ENVIRONMENT_NAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;
/** Operator token names, recorded as who took an action. */
export const OPERATOR_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,62}$/;
export const RECORD_ID = /^[A-Za-z0-9-]{1,64}$/;
/** No control characters (a reason ends up in logs, Events and terminals): C0, DEL and C1. */
function printable(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false;
  }
  return true;
}
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function isTag(value: string): boolean {
  return TAG_PATTERN.test(value);
}

export function isReason(value: string): boolean {
  return value.trim().length > 0 && value.length <= MAX_REASON && printable(value);
}

export function isIsoTime(value: string): boolean {
  return ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

function optionalString(v: unknown, test: (s: string) => boolean): boolean {
  return v === undefined || (typeof v === 'string' && test(v));
}

/** A record read back from a snapshot or the shared state; undefined when it is not one. */
export function parseRecord(value: unknown): OperationRecord | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const ok =
    typeof v.id === 'string' && RECORD_ID.test(v.id) &&
    typeof v.kind === 'string' && (KINDS as readonly string[]).includes(v.kind) &&
    typeof v.watch === 'string' && WATCH_NAME.test(v.watch) &&
    typeof v.environment === 'string' && ENVIRONMENT_NAME.test(v.environment) &&
    optionalString(v.tag, isTag) &&
    (v.wave === undefined || (Number.isInteger(v.wave) && (v.wave as number) >= 0 && (v.wave as number) <= MAX_WAVE)) &&
    typeof v.by === 'string' && OPERATOR_NAME.test(v.by) &&
    typeof v.reason === 'string' && isReason(v.reason) &&
    typeof v.at === 'string' && isIsoTime(v.at) &&
    optionalString(v.until, isIsoTime);
  if (!ok) return undefined;
  return {
    id: v.id as string,
    kind: v.kind as OperationKind,
    watch: v.watch as string,
    environment: v.environment as string,
    ...(v.tag !== undefined && { tag: v.tag as string }),
    ...(v.wave !== undefined && { wave: v.wave as number }),
    by: v.by as string,
    reason: v.reason as string,
    at: v.at as string,
    ...(v.until !== undefined && { until: v.until as string }),
  };
}

/** Records from untrusted JSON: the ones that parse, at most MAX_RECORDS (the newest), ids unique. */
export function parseRecords(value: unknown): OperationRecord[] {
  if (!Array.isArray(value)) return [];
  const seen = new Set<string>();
  const out: OperationRecord[] = [];
  for (const item of value.slice(-MAX_RECORDS)) {
    const record = parseRecord(item);
    if (record && !seen.has(record.id)) {
      seen.add(record.id);
      out.push(record);
    }
  }
  return out;
}
