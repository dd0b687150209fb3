// Durations as Go's time.ParseDuration writes them, restricted to what a soak or a pause needs:
// one or more `<integer><unit>` parts with units h, m, s (`1h`, `30m`, `1h30m`, `90s`, `0s`).
// Pure.
import { describe, report, type IssueSink } from './reader.ts';

const DURATION = /^(?:\d{1,6}[hms])+$/;
const PART = /(\d{1,6})([hms])/g;
const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1_000 };
/** A week: longer soaks and pauses are surely a typo (`30d` does not parse either). */
const MAX_MS = 7 * 24 * 3_600_000;

/** Milliseconds of a duration text; undefined (reported) when it is not one. */
export function readDuration(sink: IssueSink, value: unknown, path: string): number | undefined {
  if (typeof value !== 'string' || !DURATION.test(value)) {
    const got = typeof value === 'string' ? `"${value}"` : describe(value);
    report(sink, path, `${got} is not a duration; write e.g. "30m", "1h" or "1h30m" (units h, m, s)`);
    return undefined;
  }
  let ms = 0;
  for (const [, amount, unit] of value.matchAll(PART)) ms += Number(amount) * UNIT_MS[unit!]!;
  if (ms > MAX_MS) {
    report(sink, path, `"${value}" is longer than a week (168h); write a shorter duration`);
    return undefined;
  }
  return ms;
}
