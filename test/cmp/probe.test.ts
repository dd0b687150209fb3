// The one-pass test for keys the probe could miss (mayHideKeys) against the regular expression it
// replaced: on random strings over the characters that matter and on every corpus document, the
// one-pass test says "parse" whenever the expression did (it may say so more often, never less).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mayHideKeys, splitDocuments } from '../../src/cmp/documents.ts';
import { corpusDir } from '../helpers/corpus.ts';

function byExpression(doc: string): boolean {
  if (/(?:^|[\s{,[])\?(?=[ \t\r\n]|$)/m.test(doc)) return true;
  const re = /"((?:[^"\\\n]|\\.)*)"[ \t]*:/g;
  for (let m = re.exec(doc); m !== null; m = re.exec(doc)) if (m[1]!.includes('\\')) return true;
  return false;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ya?ml|json)$/.test(name) ? [path] : [];
  });
}

test('random strings: never "no" where the expression says "yes"', () => {
  let seed = 17;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const alphabet = ['"', '\\', 'a', ':', ' ', '\n', '\t', '\r', '?', 'x'];
  let agree = 0;
  for (let i = 0; i < 50_000; i++) {
    const doc = Array.from({ length: 1 + Math.floor(next() * 24) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    const expected = byExpression(doc);
    const actual = mayHideKeys(doc);
    if (expected) assert.equal(actual, true, JSON.stringify(doc));
    if (expected === actual) agree++;
  }
  assert.ok(agree > 49_000, `agrees on ${agree} of 50000`);
  assert.equal(mayHideKeys('{"cont\\x61iners": [x]}'), true);
  assert.equal(mayHideKeys('{"containers": ["a\\"b"]}'), false);
});

test('every corpus document: the same answer as the expression', () => {
  for (const file of files(corpusDir())) {
    const text = readFileSync(file, 'utf8');
    for (const c of splitDocuments(text)) {
      const doc = text.slice(c.start, c.end);
      assert.equal(mayHideKeys(doc), byExpression(doc), file);
    }
  }
});
