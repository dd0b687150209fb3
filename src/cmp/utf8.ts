// Manifests are UTF-8 (YAML 1.2 §5.2; Kubernetes and kustomize read nothing else). Invalid bytes are
// refused, as go-yaml refuses them ("invalid leading UTF-8 octet"), never replaced with U+FFFD:
// a replaced byte would change a value nobody wrote. Pure.
import { isUtf8 } from 'node:buffer';

export interface Utf8Problem {
  /** Offset of the first byte that does not start or continue a well-formed sequence. */
  readonly offset: number;
  /** 1-based line of that byte. */
  readonly line: number;
  readonly byte: number;
}

/** The first well-formedness error (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF). */
export function findInvalidUtf8(bytes: Uint8Array): Utf8Problem | undefined {
  // Node's native validator (the same rules) answers the common case in a fraction of this loop's time.
  if (isUtf8(bytes)) return undefined;
  let line = 1;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      if (b === 0x0a) line++;
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b === 0xe0) [need, min] = [2, 0xa0];
    else if (b === 0xed) [need, min, max] = [2, 0x80, 0x9f];
    else if (b >= 0xe1 && b <= 0xef) [need, min] = [2, 0x80];
    else if (b === 0xf0) [need, min] = [3, 0x90];
    else if (b === 0xf4) [need, min, max] = [3, 0x80, 0x8f];
    else if (b >= 0xf1 && b <= 0xf3) [need, min] = [3, 0x80];
    else return { offset: i, line, byte: b };
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      const [lo, hi] = k === 1 ? [min, max] : [0x80, 0xbf];
      if (c === undefined || c < lo || c > hi) return { offset: i, line, byte: b };
    }
    i += need + 1;
  }
  return undefined;
}

/** The message for a refused text, naming where and what. */
export function utf8Message(name: string, problem: Utf8Problem): string {
  return `${name}: line ${problem.line}: not valid UTF-8 (byte 0x${problem.byte.toString(16).padStart(2, '0')} at offset ${problem.offset}); manifests must be UTF-8, as kustomize and Argo CD require`;
}
