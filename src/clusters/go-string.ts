// Bytes → string the way Go sees them. Argo CD keeps a cluster Secret's `name` as raw bytes; Go
// decodes them rune by rune (utf8.DecodeRuneInString), and every byte that does not start a valid
// sequence is one utf8.RuneError (U+FFFD). encoding/json writes each such byte as one "\ufffd" and
// SanitizeName turns each into one "-". The WHATWG decoder behind Buffer#toString folds a truncated
// sequence into a single U+FFFD instead, so invalid input is decoded here byte by byte. Pure.

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Allowed range of the second byte for each lead byte (RFC 3629 §4; Go's acceptRanges). */
function secondByteRange(lead: number): [number, number, number] | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return [2, 0x80, 0xbf];
  if (lead === 0xe0) return [3, 0xa0, 0xbf];
  if (lead === 0xed) return [3, 0x80, 0x9f];
  if (lead >= 0xe1 && lead <= 0xef) return [3, 0x80, 0xbf];
  if (lead === 0xf0) return [4, 0x90, 0xbf];
  if (lead === 0xf4) return [4, 0x80, 0x8f];
  if (lead >= 0xf1 && lead <= 0xf3) return [4, 0x80, 0xbf];
  return undefined;
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there is a RuneError. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  const rule = secondByteRange(lead);
  if (!rule) return 0;
  const [length, low, high] = rule;
  if (i + length > bytes.length) return 0;
  const second = bytes[i + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  return length;
}

export function goString(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    let out = '';
    for (let i = 0; i < bytes.length; ) {
      const length = sequenceLength(bytes, i);
      out += length === 0 ? '\uFFFD' : strict.decode(bytes.subarray(i, i + length));
      i += length || 1;
    }
    return out;
  }
}
