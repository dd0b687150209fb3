// Platforms as images and clusters name them (`os/arch[/variant]`), normalised the way containerd
// does, so `linux/arm64` and `linux/arm64/v8` are one platform. Pure: the registry client, the
// poller and the generator all match platforms with these.

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

// containerd's platforms.Normalize: arm64 means v8, arm means v7, amd64 v1 is plain amd64.
const ARCH_ALIASES: Readonly<Record<string, string>> = { x86_64: 'amd64', x86: '386', i386: '386', aarch64: 'arm64', armhf: 'arm', armel: 'arm' };

/** The canonical form of a platform, so `linux/arm64` equals `linux/arm64/v8` and `linux/arm` equals `linux/arm/v7`. */
export function normalizePlatform(p: Platform): Platform {
  const os = p.os.toLowerCase();
  const architecture = ARCH_ALIASES[p.architecture.toLowerCase()] ?? p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase();
  if (architecture === 'arm64' && (variant === 'v8' || variant === '8')) variant = undefined;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  if (architecture === 'arm' && (variant === undefined || variant === '' || variant === '7')) variant = 'v7';
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** True when an image built for `have` is what `wanted` asks for (after normalisation). */
export function platformMatches(wanted: Platform, have: Platform): boolean {
  const w = normalizePlatform(wanted);
  const h = normalizePlatform(have);
  return w.os === h.os && w.architecture === h.architecture && w.variant === h.variant;
}

/** `linux/arm64/v8` → { os, architecture, variant }; undefined when it is not os/arch[/variant]. */
export function parsePlatform(text: string): Platform | undefined {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((s) => !/^[A-Za-z0-9_.-]+$/.test(s))) return undefined;
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return { os, architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}
