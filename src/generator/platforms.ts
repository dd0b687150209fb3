// Per-cluster platform choice: a cluster lists the platforms its nodes run (annotation
// `clusters.platformsAnnotation`, comma-separated `os/arch[/variant]`). If the current resolution
// lacks one, the newest earlier resolution that has them all is served instead; otherwise the
// request fails with a clear error (never a reference the nodes cannot run). Pure.
import type { CacheEntry, Resolution } from '../cache/types.ts';
import { parsePlatform, platformMatches } from '../image/platform.ts';

export function parsePlatformList(text: string | undefined): string[] {
  if (!text) return [];
  return text.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * The same matching the poller uses (containerd's normalisation): `linux/arm64` and
 * `linux/arm64/v8` are one platform, `linux/arm` means `linux/arm/v7`, and v6 does not satisfy v7.
 */
function provides(available: readonly string[], wanted: string): boolean {
  const w = parsePlatform(wanted);
  if (!w) return available.includes(wanted);
  return available.some((text) => {
    const have = parsePlatform(text);
    return have !== undefined && platformMatches(w, have);
  });
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
