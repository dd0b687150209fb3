// bench/ha-scale.ts's freshness figure: the time between a repository's cold scan and its next scan.
// Under the default budgets the cold cycle ends two windows after the first repositories were
// scanned; those are rescanned right after it and, an interval later, again, before the repositories
// scanned last in the cold cycle are all rescanned. The final state then holds their second rescan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScanGaps } from '../../bench/lib/scan-gaps.ts';

const s = (seconds: number): number => seconds * 1000;
const state = (scans: Record<string, number>): Map<string, number> => new Map(Object.entries(scans).map(([image, at]) => [image, s(at)]));

test('the gap runs to the next scan after the cold one, not to a second rescan in the final state', () => {
  // early: scanned in the first budget window; late: the last cold scan (626.5 s)
  const gaps = createScanGaps(state({ early: 12, late: 626.5 }));
  assert.equal(gaps.see(state({ early: 12, late: 626.5 })), false);
  assert.equal(Number.isNaN(gaps.longestGapMs()), true, 'no figure before every repository was scanned again');
  assert.equal(gaps.see(state({ early: 630, late: 626.5 })), false, 'late is not scanned again yet');
  assert.equal(gaps.see(state({ early: 945, late: 626.5 })), false);
  assert.equal(gaps.see(state({ early: 945, late: 961.1 })), true);
  // early: 630 − 12 (its next scan), not 945 − 12 (its second rescan, what the final state holds)
  assert.equal(gaps.longestGapMs(), s(630 - 12));
  assert.equal(gaps.scannedAgain(), 1);
});

test('a repository seen only at its second rescan counts that one (no state in between was read)', () => {
  const gaps = createScanGaps(state({ a: 0, b: 10 }));
  assert.equal(gaps.see(state({ a: 70, b: 40 })), true);
  assert.equal(gaps.longestGapMs(), s(70));
  assert.equal(gaps.scannedAgain(), 0);
});
