// The one-pass scanner against the full parser. On every corpus file the rewrite with the scanner
// must equal the rewrite with the full parser on every document (text, changes, images, object
// flags), and the scanner must actually take most documents. Hand-written documents at the edges of
// its subset (which it must hand to the full parser, or read exactly as the parser does) come after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isBlankDocument, makeProbe, splitDocuments } from '../../src/cmp/documents.ts';
import { buildOverrideTable } from '../../src/cmp/overrides.ts';
import { buildImagePaths } from '../../src/cmp/paths.ts';
import { rewriteManifests, type RewriteOptions } from '../../src/cmp/rewrite.ts';
import { scanDocument } from '../../src/cmp/scan.ts';
import { isAppError } from '../../src/shared/errors.ts';
import { corpusDir } from '../helpers/corpus.ts';

const paths = buildImagePaths(['steps[].image', 'spec.images[]'], 'scan test');
const probe = makeProbe(paths);

function manifestFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return manifestFiles(path);
    return /\.(ya?ml|json|injected)$/.test(name) ? [path] : [];
  });
}

type Outcome = { ok: true; text: string; changes: unknown; images: unknown; objects: unknown } | { ok: false; code: string; message: string };

function outcome(text: string, options: RewriteOptions): Outcome {
  try {
    const r = rewriteManifests(text, options);
    return { ok: true, text: r.text, changes: r.changes, images: r.images, objects: r.documents.map((d) => [d.blank, d.object]) };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { ok: false, code: err.code, message: err.message };
  }
}

/** Rewrite every image the full parser finds to a new tag; both readers must agree on everything. */
function assertSameAsParser(text: string, name: string): void {
  const found = outcome(text, { overrides: new Map(), paths, fileName: name, fullParse: true });
  const entries: Record<string, string> = {};
  if (found.ok) for (const i of found.images as { repository: string }[]) entries[i.repository] = `${i.repository}:scan-test`;
  const overrides = buildOverrideTable([{ source: 'scan test', entries }]);
  const full = outcome(text, { overrides, paths, fileName: name, fullParse: true });
  const fast = outcome(text, { overrides, paths, fileName: name });
  assert.deepEqual(fast, full, name);
}

test('every corpus file: the scanner and the full parser give the same rewrite; the scanner takes most documents', () => {
  let candidates = 0;
  let scanned = 0;
  for (const file of manifestFiles(corpusDir())) {
    const text = readFileSync(file, 'utf8');
    assertSameAsParser(text, relative(corpusDir(), file));
    for (const chunk of splitDocuments(text)) {
      const doc = text.slice(chunk.start, chunk.end);
      if (isBlankDocument(doc) || !probe(doc)) continue;
      candidates++;
      if (scanDocument(doc, paths)?.object) scanned++;
    }
  }
  process.stderr.write(`scanner: ${scanned} of ${candidates} documents that may hold an image read in one pass\n`);
  assert.ok(scanned > candidates * 0.6, `the scanner took only ${scanned} of ${candidates} documents`);
});

const POD = (containers: string, extra = ''): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n${extra}spec:\n  containers:\n${containers}`;

const EDGES: [string, string, boolean][] = [
  // [name, document, read by the scanner]
  ['plain image with comment', POD('  - name: a\n    image: nginx:1.0 # pinned\n'), true],
  ['compact sequence, quoted images', POD('  - name: a\n    image: "ghcr.io/a/b:1"\n  - image: \'ghcr.io/a/c:2\'\n    name: c\n'), true],
  ['sequence at the key\'s indent', 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: nginx\n  initContainers:\n  - image: busybox\n', true],
  ['block scalar elsewhere, empty lines, comments', POD('  - name: a\n    args:\n    - |\n      echo one\n\n      echo two\n    # a comment\n    image: nginx\n', 'data:\n  script: >-\n    long\n     text\n'), true],
  ['steps and a plain list of images', 'apiVersion: v1\nkind: Task\nspec:\n  images:\n  - nginx\n  - "redis:7"\n  steps:\n  -\n    image: alpine\n', true],
  ['empty collections and null values', POD('  - name: a\n    resources: {}\n    env: []\n    image: nginx\n    command:\n', 'status:\n'), true],
  ['single-quoted with a doubled quote elsewhere', POD("  - name: 'it''s'\n    image: nginx\n"), true],
  ['multi-line plain scalar elsewhere', POD('  - name: a\n    args:\n    - one two\n      three\n    - x\n    image: nginx\n'), true],
  ['empty mapping on the next line', POD('  - name: a\n    resources:\n      {}\n    image: nginx\n'), true],
  ['mapping inside a multi-line plain scalar', POD('  - name: a\n    args:\n    - one\n      two: x\n    image: nginx\n'), false],
  ['comment, then a deeper line after a plain scalar', POD('  - name: a\n    args:\n    - one\n    # c\n      two\n    image: nginx\n'), false],
  ['duplicate key', POD('  - name: a\n    image: nginx\n    image: redis\n'), false],
  ['multi-line plain scalar', POD('  - name: a\n    image: nginx\n      :latest\n'), false],
  ['multi-line quoted scalar', POD('  - name: a\n    image: "nginx\n      :latest"\n'), false],
  ['bad indentation', POD('  - name: a\n     image: nginx\n'), false],
  ['tab', POD('  - name: a\n    image:\tnginx\n'), false],
  ['escape in an image', POD('  - name: a\n    image: "ngin\\x78"\n'), false],
  ['anchor and alias', POD('  - name: a\n    image: &i nginx\n  - name: b\n    image: *i\n'), false],
  ['flow sequence', POD('  - {name: a, image: nginx}\n'), false],
  ['block scalar image', POD('  - name: a\n    image: |\n      nginx\n'), false],
  ['number and null images', POD('  - name: a\n    image: 1.0\n  - name: b\n    image: null\n  - name: c\n    image:\n'), false],
  ['text after a quoted scalar', POD('  - name: a\n    image: "nginx" x\n'), false],
  ['nested mapping in a plain scalar', POD('  - name: a\n    image: nginx: 1\n'), false],
  ['merge key', POD('  - <<: {image: nginx}\n    name: a\n'), false],
  ['not an object', 'kind: Pod\nspec:\n  containers:\n  - image: nginx\n', false],
  ['CRLF', POD('  - name: a\r\n    image: nginx\r\n'), false],
  ['block scalar less indented than its first line', POD('  - name: a\n    args:\n    - |\n        four\n      two\n    image: nginx\n'), false],
  ['number key', POD('  - name: a\n    1: x\n    image: nginx\n'), false],
  ['sequence item that is a sequence', POD('  - - image: nginx\n'), false],
  ['document marker with content', `--- !tag\n${POD('  - image: nginx\n')}`, false],
];

test('documents at the edges of the subset: read exactly like the parser, or handed to it', () => {
  for (const [name, doc, read] of EDGES) {
    assertSameAsParser(doc, name);
    assertSameAsParser(`---\n${doc}---\n# trailing\n`, `${name} (in a stream)`);
    assert.equal(scanDocument(doc, paths)?.object === true, read, `${name}: ${read ? 'read by the scanner' : 'handed to the full parser'}`);
  }
});
