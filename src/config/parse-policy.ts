// `policy:` (one of semver / newestBuild / newestPush / lexical / numerical / digest), `platforms:` and `pin:`.
// Semver ranges are validated and compiled here, once (node-semver, the `semver` package).
import semver from 'semver';
import type { Platform } from '../image/platform.ts';
import type { PinMode, PolicySpec, SortOrder } from './types.ts';
import { child, describe, isMapping, readBoolean, readList, readMapping, readString, report, type IssueSink } from './reader.ts';

export const POLICY_KINDS = ['semver', 'newestBuild', 'newestPush', 'lexical', 'numerical', 'digest'] as const;
const PIN_MODES: readonly PinMode[] = ['tag', 'digest', 'tag+digest'];
const TAG = /^[\w][\w.-]{0,127}$/;
const PLATFORM = /^([a-z0-9]+)\/([a-z0-9_]+)(?:\/([a-z0-9]+))?$/;
const POLICY_EXAMPLE = 'write one of: semver: { range: ">=1.4.0 <2" }, newestBuild: {}, newestPush: {}, lexical: { order: asc }, numerical: { order: asc }, digest: { tag: stable }';

/** True when a version in the range carries a pre-release suffix (`>=1.4.0-0`, `^2.0.0-rc.1`). */
export function rangeMentionsPrerelease(range: string): boolean {
  return /\d-[0-9A-Za-z]/.test(range);
}

function readSemver(sink: IssueSink, value: unknown, path: string): PolicySpec | undefined {
  const m = readMapping(sink, value, path, ['range', 'prerelease']);
  if (m === undefined) return undefined;
  const range = m.range === undefined ? '*' : readString(sink, m.range, child(path, 'range'));
  const prerelease = m.prerelease === undefined ? undefined : readBoolean(sink, m.prerelease, child(path, 'prerelease'), false);
  if (range === undefined) return undefined;
  if (semver.validRange(range) === null) {
    report(sink, child(path, 'range'), `"${range}" is not a semver range (write e.g. ">=1.4.0 <2", "^1.4" or "~1.4.2")`);
    return undefined;
  }
  const includePrerelease = prerelease ?? rangeMentionsPrerelease(range);
  return { kind: 'semver', range, includePrerelease, compiled: new semver.Range(range, { includePrerelease }) };
}

function readOrder(sink: IssueSink, value: unknown, path: string): SortOrder | undefined {
  const m = value === null ? {} : readMapping(sink, value, path, ['order']);
  if (m === undefined) return undefined;
  if (m.order === undefined) return 'asc';
  if (m.order === 'asc' || m.order === 'desc') return m.order;
  report(sink, child(path, 'order'), `expected asc (greatest wins) or desc (smallest wins), got ${describe(m.order)}`);
  return undefined;
}

export function readPolicy(sink: IssueSink, value: unknown, path: string): PolicySpec | undefined {
  if (!isMapping(value)) {
    report(sink, path, `expected a mapping, got ${describe(value)} (${POLICY_EXAMPLE})`);
    return undefined;
  }
  const m = readMapping(sink, value, path, POLICY_KINDS);
  if (m === undefined) return undefined;
  const kinds = Object.keys(m).filter((k) => (POLICY_KINDS as readonly string[]).includes(k));
  if (kinds.length !== 1) {
    if (Object.keys(m).length === kinds.length) report(sink, path, kinds.length === 0 ? `no policy given (${POLICY_EXAMPLE})` : `give exactly one policy, got ${kinds.join(' and ')}`);
    return undefined;
  }
  const kind = kinds[0]!;
  const body = m[kind];
  const bodyPath = child(path, kind);
  switch (kind) {
    case 'semver':
      return readSemver(sink, body ?? {}, bodyPath);
    case 'newestBuild':
    case 'newestPush':
      return body === null || readMapping(sink, body, bodyPath, []) !== undefined ? { kind } : undefined;
    case 'lexical':
    case 'numerical': {
      const order = readOrder(sink, body, bodyPath);
      return order === undefined ? undefined : { kind, order };
    }
    default: {
      const d = readMapping(sink, body, bodyPath, ['tag']);
      const tag = d === undefined ? undefined : readString(sink, d.tag, child(bodyPath, 'tag'));
      if (tag !== undefined && !TAG.test(tag)) report(sink, child(bodyPath, 'tag'), `"${tag}" is not a valid tag`);
      return tag !== undefined && TAG.test(tag) ? { kind: 'digest', tag } : undefined;
    }
  }
}

export function readPlatforms(sink: IssueSink, value: unknown, path: string): Platform[] {
  const seen = new Set<string>();
  return readList(sink, value, path, (element, elementPath) => {
    const text = readString(sink, element, elementPath);
    if (text === undefined) return undefined;
    const match = PLATFORM.exec(text);
    if (!match) {
      report(sink, elementPath, `"${text}" is not os/arch[/variant] (write e.g. "linux/amd64" or "linux/arm64/v8")`);
      return undefined;
    }
    if (seen.has(text)) {
      report(sink, elementPath, `"${text}" is listed twice`);
      return undefined;
    }
    seen.add(text);
    return { os: match[1]!, architecture: match[2]!, ...(match[3] !== undefined && { variant: match[3] }) };
  });
}

export function readPin(sink: IssueSink, value: unknown, path: string): PinMode | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (PIN_MODES as readonly string[]).includes(value)) return value as PinMode;
  report(sink, path, `expected one of ${PIN_MODES.join(', ')}, got ${describe(value)}`);
  return undefined;
}

export { TAG as TAG_PATTERN };
