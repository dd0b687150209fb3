// The time between each repository's scan in the first (cold) cycle and its NEXT scan, from the
// published states the benchmark reads one after another. A state holds only each repository's
// latest scan; the cycle after the cold one ends when the last repository is scanned again, an
// interval after the cold cycle's last scans. A repository rescanned right after the cold cycle is
// due again before then and is scanned a second time: the latest scan in that final state is its
// second rescan, not its next one. So the next scan is the first newer scan time seen in any state
// read on the way (states are read every few seconds, scans of one repository are an interval apart).

export interface ScanGaps {
  /** Takes one published state's scan times; true once every repository was scanned again after the cold cycle. */
  see(scans: ReadonlyMap<string, number>): boolean;
  /** The longest time between a repository's cold scan and its next scan (NaN before `see` returned true). */
  longestGapMs(): number;
  /** Repositories whose latest scan in the last state seen is a later one than their next scan. */
  scannedAgain(): number;
}

export function createScanGaps(cold: ReadonlyMap<string, number>): ScanGaps {
  const coldEnd = Math.max(...cold.values());
  const next = new Map<string, number>();
  let latest: ReadonlyMap<string, number> = new Map();
  let complete = false;
  return {
    see(scans) {
      latest = scans;
      for (const [image, at] of cold) {
        const now = scans.get(image);
        if (now !== undefined && now > at && !next.has(image)) next.set(image, now);
      }
      complete = next.size === cold.size && [...scans.values()].every((at) => at > coldEnd);
      return complete;
    },
    longestGapMs: () => (complete ? Math.max(...[...cold].map(([image, at]) => next.get(image)! - at)) : Number.NaN),
    scannedAgain: () => [...next].filter(([image, at]) => (latest.get(image) ?? at) > at).length,
  };
}
