// The incremental tags-page reader agrees with JSON.parse on every page shape registries send, in any
// chunking, and refuses what JSON.parse refuses (or what is not a tags list).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TagPageScanner, TagPageError } from '../../src/registry/tag-scanner.ts';

function scan(text: string, chunk: number): string[] {
  const tags: string[] = [];
  const s = new TagPageScanner((t) => tags.push(t));
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += chunk) s.write(bytes.subarray(i, i + chunk));
  s.end();
  return tags;
}

const GOOD: Array<[string, string[]]> = [
  ['{"name":"a/b","tags":["1.0.0","latest"]}', ['1.0.0', 'latest']],
  ['{"name":"a/b","tags":null}', []],
  ['{"tags":[]}', []],
  [' { "tags" : [ "x" , "y\\u0041" ] , "name" : "n" , "extra" : {"tags": ["no"], "n": [1, -2.5e3, true, false, null, {"a": "b"}]} } ', ['x', 'yA']],
  ['{"name":"é/ü","tags":["v1","a\\"b","\\\\"]}', ['v1', 'a"b', '\\']],
];

for (const [text, tags] of GOOD) {
  test(`reads ${text.slice(0, 40)}`, () => {
    for (const chunk of [1, 2, 3, 7, 1000]) assert.deepEqual(scan(text, chunk), tags, `chunk ${chunk}`);
  });
}

const BAD = [
  '', 'null', '[]', '"tags"', '{}', '{"name":"x"}', '{"tags":"1.0"}', '{"tags":[1]}', '{"tags":[["a"]]}', '{"tags":[{"a":1}]}',
  '{"tags":["a"]', '{"tags":["a",]}', '{"tags":["a"] "x":1}', '{"tags":["a"]}x', '<html>', '{"tags":["a"],"tags":["b"]}',
  '{"tags":["a\\"]}', '{"tags":["a"],"n":tru}', '{"tags":["a"],"n":01}', `{"tags":["a"],"n":${'['.repeat(100)}${']'.repeat(100)}}`,
];

for (const text of BAD) {
  test(`refuses ${JSON.stringify(text.slice(0, 40))}`, () => {
    for (const chunk of [1, 5, 1000]) assert.throws(() => scan(text, chunk), TagPageError, `chunk ${chunk}`);
  });
}

test('invalid UTF-8 is refused, a character split across chunks is not', () => {
  assert.throws(() => scanBytes(Buffer.from([0x7b, 0x22, 0x74, 0x61, 0x67, 0x73, 0x22, 0x3a, 0x5b, 0x22, 0xff, 0x22, 0x5d, 0x7d])), TagPageError);
  assert.deepEqual(scan('{"tags":["été"]}', 1), ['été']);
});

function scanBytes(bytes: Buffer): string[] {
  const tags: string[] = [];
  const s = new TagPageScanner((t) => tags.push(t));
  s.write(bytes);
  s.end();
  return tags;
}

test('an over-long tag is cut and marked, never held whole', () => {
  const [tag] = scan(`{"tags":["${'a'.repeat(100_000)}"]}`, 4096);
  assert.equal(tag!.length, 257);
  assert.ok(tag!.endsWith('…'));
});
