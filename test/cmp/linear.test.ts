// The rewrite does work linear in the size of the stream, whatever the number of documents. The
// measure is a count, not a clock: every search for a line break made during the rewrite (by our
// code or the YAML parser) adds the characters it scanned. A line number computed from the start of
// the text for every document (the defect this pins) scans the text once per document, so the count
// per input character grows with the stream; here it must stay a small constant. Timings of the
// same streams are in bench/cmp-stream.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteManifests } from '../../src/cmp/rewrite.ts';
import { buildImagePaths } from '../../src/cmp/paths.ts';
import { buildOverrideTable } from '../../src/cmp/overrides.ts';
import { smallDocumentStream } from '../helpers/cmp-stream.ts';

function lineScanWork(run: () => void): number {
  const indexOf = String.prototype.indexOf;
  let work = 0;
  String.prototype.indexOf = function (this: string, search: string, from?: number): number {
    const at = indexOf.call(this, search, from);
    if (search === '\n') work += (at === -1 ? this.length : at) - Math.max(0, from ?? 0);
    return at;
  };
  try {
    run();
  } finally {
    String.prototype.indexOf = indexOf;
  }
  return work;
}

test('line numbers cost the same per character for a small and an 8 times larger stream of small documents', () => {
  const paths = buildImagePaths([], 'test');
  const overrides = buildOverrideTable([{ source: 'test', entries: { 'ghcr.io/acme/web': 'ghcr.io/acme/web:2.0.0' } }]);
  const perChar: number[] = [];
  for (const bytes of [64 * 1024, 512 * 1024]) {
    const { text, documents } = smallDocumentStream(bytes);
    let rewritten = 0;
    const work = lineScanWork(() => {
      const result = rewriteManifests(text, { overrides, paths, fileName: 'stream.yaml' });
      rewritten = result.changes.length;
      assert.equal(result.changes.at(-1)!.line, text.split('\n').length - 1, 'the last change is reported on its own line');
    });
    assert.equal(rewritten, documents, 'every document was parsed and rewritten');
    perChar.push(work / text.length);
  }
  assert.ok(perChar[1]! < 4, `line-break searches scanned ${perChar[1]!.toFixed(1)} characters per input character (linear work stays below 4)`);
  assert.ok(perChar[1]! < perChar[0]! * 1.2, `work per character grew from ${perChar[0]!.toFixed(1)} to ${perChar[1]!.toFixed(1)} with 8 times the documents`);
});
