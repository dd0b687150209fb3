// nameNormalized against Argo CD's SanitizeName (applicationset/utils/template_functions.go). Every
// expected value below is what that Go function returned for the same input (Go 1.19, per-rune
// unicode.ToLower, regexp `[^-a-z0-9.]`, 253-byte cut, Trim "-.").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeClusterName } from '../../src/clusters/normalize.ts';
import { goString } from '../../src/clusters/go-string.ts';
import { clusterFromSecret } from '../../src/clusters/secrets.ts';

const TABLE: ReadonlyArray<readonly [string, string]> = [
  ['in-cluster', 'in-cluster'],
  ['Prod_EU.1', 'prod-eu.1'],
  ['--in-cluster..', 'in-cluster'],
  ['a😀b', 'a-b'], // one rune, one "-" (not one per UTF-16 unit)
  ['İstanbul', 'istanbul'], // Go's simple mapping U+0130 → "i"; JS toLowerCase gives "i̇"
  ['KELVIN-\u212A', 'kelvin-k'], // Kelvin sign lowercases to ASCII "k"
  ['Ωmega', 'mega'],
  ['straße', 'stra-e'],
  ['ΣΑΣ', ''], // final sigma: "ς" in JS, "σ" in Go; both become "-"
  ['ǅemal', 'emal'],
  ['prod eu/west:1', 'prod-eu-west-1'],
  ['café.prod', 'caf-.prod'],
  ['日本-cluster', 'cluster'],
  ['.hidden.', 'hidden'],
  ['___', ''],
  ['', ''],
  ['😀', ''],
  ['a\u0307b', 'a-b'], // combining mark is its own rune
  ['Ⅻ-roman', 'roman'],
  ['ＦＵＬＬ', ''], // fullwidth letters stay outside [a-z]
  ['prod@eu#1', 'prod-eu-1'],
  ['UPPER.lower-123', 'upper.lower-123'],
  ['tab\tnew\nline', 'tab-new-line'],
  ['ﬁle', 'le'],
  ['ǈǋ', ''],
  ['ᾈ', ''],
  ['x'.repeat(252) + 'İy', 'x'.repeat(252) + 'i'], // cut after 253 bytes
  ['-'.repeat(5) + 'A'.repeat(260), 'a'.repeat(248)], // cut first, trim after
  ['a'.repeat(252) + '.b', 'a'.repeat(252)], // the cut leaves a trailing "." that is trimmed
];

test('nameNormalized equals Argo CD SanitizeName, ASCII and Unicode', () => {
  assert.ok(TABLE.length >= 20);
  for (const [name, expected] of TABLE) assert.equal(normalizeClusterName(name), expected, JSON.stringify(name));
});

test('only U+0130 and U+212A lowercase into ASCII outside ASCII, in Go and in JavaScript alike', () => {
  // Go's unicode.ToLower over 0x80..0x10FFFF lands in ASCII for exactly these two code points.
  const toAscii: string[] = [];
  for (let cp = 0x80; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (/[-a-z0-9.]/.test(String.fromCodePoint(cp).toLowerCase())) toAscii.push(cp.toString(16));
  }
  assert.deepEqual(toAscii, ['130', '212a']);
});

test('Secret bytes that are not UTF-8 decode byte by byte, as Go reads them', () => {
  const TABLE_BYTES: ReadonlyArray<readonly [string, string, string]> = [
    ['61e28262', 'a\uFFFD\uFFFDb', 'a--b'], // truncated 3-byte sequence: two RuneErrors
    ['61ff62', 'a\uFFFDb', 'a-b'],
    ['61eda08062', 'a\uFFFD\uFFFD\uFFFDb', 'a---b'], // encoded surrogate
    ['61c0af62', 'a\uFFFD\uFFFDb', 'a--b'], // overlong
    ['f09f9880e2', '😀\uFFFD', ''],
    ['61f4908080', 'a\uFFFD\uFFFD\uFFFD\uFFFD', 'a'], // above U+10FFFF
    ['c3a9', 'é', ''],
  ];
  for (const [hex, decoded, normalized] of TABLE_BYTES) {
    assert.equal(goString(Buffer.from(hex, 'hex')), decoded, hex);
    assert.equal(normalizeClusterName(goString(Buffer.from(hex, 'hex'))), normalized, hex);
  }
  const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
  const read = clusterFromSecret({ metadata: { name: 'c' }, data: { name: b64('50726f64e282'), server: b64('68747470733a2f2f78') } });
  assert.ok(read.ok);
  assert.equal(read.cluster.name, 'Prod\uFFFD\uFFFD');
});
