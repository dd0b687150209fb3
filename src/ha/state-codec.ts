// The shared state as ConfigMap data. A ConfigMap holds at most 1 MiB (core/v1 validation,
// MaxSecretSize applies to ConfigMaps too), so the state's JSON is cut into shards of at most
// SHARD_BYTES; the head ConfigMap carries the revision, the shard count and the SHA-256 of the
// whole text, and holds the text itself when it fits in one shard. A reader that finds shards of
// another revision, or a digest that does not match, keeps its last good state. Pure.
import { createHash } from 'node:crypto';

/** Room left under 1 MiB for keys, metadata and annotations. */
export const SHARD_BYTES = 900 * 1024;

/**
 * Shard ConfigMaps a leader writes at most unless HA_STATE_MAX_SHARDS says otherwise. The Role in
 * manifests/rbac.yaml names exactly `<name>-0` … `<name>-15` (test/ha/rbac.test.ts checks it): about
 * 14 MiB, room for some 16 000 watch-environment pairs at the 0.9 KiB each bench/ha-scale.ts measures,
 * 1.6 times the 10 000 the scale benchmark runs.
 */
export const MAX_SHARDS_DEFAULT = 16;

export interface HeadData {
  readonly revision: number;
  readonly digest: string;
  /** Number of shard ConfigMaps; 0 when `inline` holds the whole text. */
  readonly shards: number;
  readonly inline?: string;
}

export function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Cuts `text` into pieces of at most `limit` UTF-8 bytes, never inside a surrogate pair. */
export function cut(text: string, limit = SHARD_BYTES): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + limit);
    while (Buffer.byteLength(text.slice(start, end)) > limit) end = start + Math.floor((end - start) * 0.9);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

export function encodeState(text: string, revision: number, limit = SHARD_BYTES): { head: HeadData; shards: string[] } {
  const digest = digestOf(text);
  if (Buffer.byteLength(text) <= limit) return { head: { revision, digest, shards: 0, inline: text }, shards: [] };
  const shards = cut(text, limit);
  return { head: { revision, digest, shards: shards.length }, shards };
}

export function headToData(head: HeadData): Record<string, string> {
  return { revision: String(head.revision), digest: head.digest, shards: String(head.shards), ...(head.inline !== undefined && { 'state.json': head.inline }) };
}

/** The head read back from ConfigMap data; undefined when it is not a head. */
export function headFromData(data: unknown): HeadData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  const revision = Number(d.revision);
  const shards = Number(d.shards);
  if (!Number.isSafeInteger(revision) || revision < 1 || !Number.isSafeInteger(shards) || shards < 0 || typeof d.digest !== 'string') return undefined;
  if (shards === 0 && typeof d['state.json'] !== 'string') return undefined;
  return { revision, digest: d.digest, shards, ...(shards === 0 && { inline: d['state.json'] as string }) };
}

/** The whole text from the head and its shards' data, or undefined when they do not belong together. */
export function assemble(head: HeadData, shardData: readonly unknown[]): string | undefined {
  let text = head.inline;
  if (text === undefined) {
    const pieces: string[] = [];
    for (const d of shardData) {
      const s = d as { revision?: unknown; chunk?: unknown } | undefined;
      if (s?.revision !== String(head.revision) || typeof s.chunk !== 'string') return undefined;
      pieces.push(s.chunk);
    }
    text = pieces.join('');
  }
  return digestOf(text) === head.digest ? text : undefined;
}
