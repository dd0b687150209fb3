// numerical: values read as decimal numbers (`42`, `-3`, `1.5`, `20240131235959`) and compared exactly,
// digit by digit, so long timestamps and build numbers never lose precision in a float. `asc` picks the
// largest, `desc` the smallest (Flux's numerical policy). Anything else is rejected with a verdict.
import type { SortOrder } from '../config/types.ts';
import { rankBy, ranking, type Keyed } from './order.ts';
import type { Candidate, Ranking } from './types.ts';

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

interface Decimal {
  readonly negative: boolean;
  readonly integer: string;
  readonly fraction: string;
}

export function parseDecimal(text: string): Decimal | undefined {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const integer = m[2]!.replace(/^0+(?=\d)/, '');
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const zero = integer === '0' && fraction === '';
  return { negative: m[1] === '-' && !zero, integer, fraction };
}

function compareMagnitude(a: Decimal, b: Decimal): number {
  if (a.integer.length !== b.integer.length) return a.integer.length - b.integer.length;
  if (a.integer !== b.integer) return a.integer < b.integer ? -1 : 1;
  const width = Math.max(a.fraction.length, b.fraction.length);
  const fa = a.fraction.padEnd(width, '0');
  const fb = b.fraction.padEnd(width, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

export function compareDecimal(a: Decimal, b: Decimal): number {
  if (a.negative !== b.negative) return a.negative ? -1 : 1;
  const magnitude = compareMagnitude(a, b);
  return a.negative ? -magnitude : magnitude;
}

export function rankNumerical(candidates: readonly Candidate[], order: SortOrder): Ranking {
  const sign = order === 'asc' ? 1 : -1;
  const keyOf = (c: Candidate): Keyed<Decimal> => {
    const n = parseDecimal(c.value);
    return n === undefined ? { ok: false, detail: `"${c.value}" is not a number`, category: 'not numbers' } : { ok: true, key: n };
  };
  const ranked = rankBy(candidates, 'policy.numerical', keyOf, (a, b) => sign * compareDecimal(a, b));
  return ranking(ranked, 'no tag is a number', order === 'asc' ? 'largest number' : 'smallest number');
}
