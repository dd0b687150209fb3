// docs/errors.md and the source name the same error codes (Fastify's errors.md discipline). The list
// of codes comes from the code itself: every `type …ErrorCode = 'A' | 'B'` string-literal union in
// src/ (AppError accepts only their union, src/shared/error-codes.ts), read with the TypeScript
// compiler. An undocumented code, a documented code no union has, a domain union left out of
// ErrorCode, or a code-like literal outside every union fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = new URL('../../', import.meta.url).pathname;
/** Argo CD build variables the CMP reads: quoted like codes, but not codes. */
const NOT_CODES = new Set(['KUBE_VERSION', 'KUBE_API_VERSIONS']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

interface Unions {
  /** alias name → its string-literal members */
  readonly literal: Map<string, string[]>;
  /** alias names ErrorCode is made of */
  readonly aggregate: string[];
}

function readUnions(files: readonly string[]): Unions {
  const literal = new Map<string, string[]>();
  let aggregate: string[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    source.forEachChild((node) => {
      if (!ts.isTypeAliasDeclaration(node) || !node.name.text.endsWith('ErrorCode')) return;
      const members = ts.isUnionTypeNode(node.type) ? [...node.type.types] : [node.type];
      if (node.name.text === 'ErrorCode') {
        aggregate = members.map((m) => (ts.isTypeReferenceNode(m) ? m.typeName.getText(source) : `?${m.getText(source)}`));
        return;
      }
      const codes = members.map((m) => (ts.isLiteralTypeNode(m) && ts.isStringLiteral(m.literal) ? m.literal.text : `?${m.getText(source)}`));
      literal.set(node.name.text, codes);
    });
  }
  return { literal, aggregate };
}

test('every code of every ErrorCode union is documented in docs/errors.md, and nothing else is', () => {
  const files = sourceFiles(join(ROOT, 'src'));
  const { literal, aggregate } = readUnions(files);
  const codes = new Set([...literal.values()].flat());
  assert.ok(literal.size >= 10 && codes.size > 50, `found ${literal.size} unions, ${codes.size} codes: the scan works`);
  assert.deepEqual([...codes].filter((c) => c.startsWith('?')), [], 'union members that are not string literals');
  assert.deepEqual([...aggregate].sort(), [...literal.keys()].sort(), 'ErrorCode (src/shared/error-codes.ts) is the union of every domain union');
  const doc = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!));
  assert.deepEqual([...codes].filter((c) => !documented.has(c)).sort(), [], 'codes in a union but not documented');
  assert.deepEqual([...documented].filter((c) => !codes.has(c)).sort(), [], 'codes documented but in no union');
});

test('every code-like string literal in src/ is a member of a union', () => {
  const files = sourceFiles(join(ROOT, 'src'));
  const codes = new Set([...readUnions(files).literal.values()].flat());
  const prefixes = new Set([...codes].map((c) => c.split('_')[0]!));
  const stray = new Set<string>();
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)'/g)) {
      const text = m[1]!;
      if (prefixes.has(text.split('_')[0]!) && !codes.has(text) && !NOT_CODES.has(text)) stray.add(text);
    }
  }
  assert.ok(prefixes.has('CLUSTERS') && prefixes.has('GEN'), 'prefixes come from the unions');
  assert.deepEqual([...stray].sort(), [], 'code-like literals outside every ErrorCode union');
});
