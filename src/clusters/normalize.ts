// `nameNormalized` exactly as Argo CD computes it: SanitizeName in
// applicationset/utils/template_functions.go, which is
//   strings.ToLower(name) → regexp `[^-a-z0-9.]` replaced by "-" → cut to 253 bytes → Trim "-."
// Go works per rune (code point) with the *simple* Unicode case mapping (unicode.ToLower), so:
//  - "a😀b" is three runes and becomes "a-b" (a UTF-16 regex without the `u` flag would see two
//    surrogates and give "a--b");
//  - "İ" (U+0130) lowercases to "i" in Go, while JavaScript's toLowerCase applies the full
//    mapping "i̇" (i + U+0307, two code points): Go gives "istanbul" where naive JS gives "i-stanbul";
//  - the Kelvin sign "K" (U+212A) lowercases to ASCII "k" in both.
// These two are the only code points outside ASCII whose simple lowercase mapping lands in
// [-a-z0-9.] (UnicodeData.txt; the table test checks the whole code space). Every other rune outside
// ASCII becomes one "-", so after the replacement the string is ASCII and cutting 253 characters is
// cutting 253 bytes, as Go does.

const MAX_DNS_NAME = 253;
const EDGES = /^[-.]+|[-.]+$/g;
/** Non-ASCII code points whose Go unicode.ToLower is an ASCII letter. */
const TO_ASCII: ReadonlyMap<number, string> = new Map([
  [0x0130, 'i'],
  [0x212a, 'k'],
]);

function sanitizeRune(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x80) {
    const lower = cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 0x20) : ch;
    return /^[-a-z0-9.]$/.test(lower) ? lower : '-';
  }
  return TO_ASCII.get(cp) ?? '-';
}

export function normalizeClusterName(name: string): string {
  let out = '';
  // for…of walks code points, as Go's range over a string walks runes.
  for (const ch of name) out += sanitizeRune(ch);
  return out.slice(0, MAX_DNS_NAME).replace(EDGES, '');
}
