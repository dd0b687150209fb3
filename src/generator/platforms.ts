// Per-cluster platform choice: a cluster lists the platforms its nodes run (annotation
// `clusters.platformsAnnotation`, comma-separated `os/arch[/variant]`). If the current resolution
// lacks one, the newest earlier resolution that has them all is served instead; otherwise the
// request fails with a clear error (never a reference the nodes cannot run). Pure.
import type { CacheEntry, Resolution } from '../cache/types.ts';

export function parsePlatformList(text: string | undefined): string[] {
  if (!text) return [];
  return text.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
}

/** `linux/arm64` is satisfied by `linux/arm64/v8`; `linux/arm/v7` needs that variant exactly. */
function provides(available: readonly string[], wanted: string): boolean {
  return available.some((p) => p === wanted || (wanted.split('/').length === 2 && p.startsWith(`${wanted}/`)));
}

/**
 * A resolution whose platforms are unknown (empty list) is accepted: nothing says it lacks them.
 */
export function covers(resolution: Resolution, required: readonly string[]): boolean {
  if (resolution.platforms.length === 0) return true;
  return required.every((p) => provides(resolution.platforms, p));
}

export type PlatformChoice = { ok: true; resolution: Resolution; fallback: boolean } | { ok: false; missing: string[] };

export function chooseForPlatforms(entry: CacheEntry & { current: Resolution }, required: readonly string[]): PlatformChoice {
  if (required.length === 0 || covers(entry.current, required)) return { ok: true, resolution: entry.current, fallback: false };
  const older = entry.history.find((r) => covers(r, required));
  if (older) return { ok: true, resolution: older, fallback: true };
  return { ok: false, missing: required.filter((p) => !provides(entry.current.platforms, p)) };
}
