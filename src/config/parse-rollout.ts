// `environments.<env>.rollout`: waves, each a label selector or a percentage of the environment's
// clusters (metav1.LabelSelector for selectors), a pause between waves and whether waves must be
// healthy. Percentages share out the clusters no selector wave claimed, so they add up to 100.
// Pure.
import type { RolloutSpec, WaveSelector, WaveSpec } from './types.ts';

type SelectorRequirement = WaveSelector['matchExpressions'][number];
type SelectorOperator = SelectorRequirement['operator'];
import { readDuration } from './parse-duration.ts';
import { child, describe, readBoolean, readList, readMapping, readString, readStringMap, report, type IssueSink } from './reader.ts';

const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
/** More waves than this is a list of clusters, not a rollout. */
const MAX_WAVES = 10;

function readRequirement(sink: IssueSink, value: unknown, path: string): SelectorRequirement | undefined {
  const m = readMapping(sink, value, path, ['key', 'operator', 'values']);
  if (m === undefined) return undefined;
  const key = readString(sink, m.key, child(path, 'key'));
  const operator = m.operator as SelectorOperator;
  if (!OPERATORS.includes(operator)) report(sink, child(path, 'operator'), `must be one of ${OPERATORS.join(', ')}, got ${describe(m.operator)}`);
  const values = readList(sink, m.values, child(path, 'values'), (v, p) => readString(sink, v, p));
  const needsValues = operator === 'In' || operator === 'NotIn';
  if (OPERATORS.includes(operator) && needsValues !== values.length > 0) {
    report(sink, child(path, 'values'), needsValues ? `${operator} needs at least one value` : `${operator} takes no values; remove values`);
    return undefined;
  }
  if (key === undefined || !OPERATORS.includes(operator)) return undefined;
  return { key, operator, values };
}

function readWave(sink: IssueSink, value: unknown, path: string): WaveSpec | undefined {
  const m = readMapping(sink, value, path, ['selector', 'percent']);
  if (m === undefined) return undefined;
  if ((m.selector === undefined) === (m.percent === undefined)) {
    report(sink, path, 'a wave is either { selector: { matchLabels: { … } } } or { percent: <1..100> }; write exactly one of them');
    return undefined;
  }
  if (m.percent !== undefined) {
    if (typeof m.percent !== 'number' || !Number.isInteger(m.percent) || m.percent < 1 || m.percent > 100) {
      report(sink, child(path, 'percent'), `must be a whole number between 1 and 100, got ${describe(m.percent)}`);
      return undefined;
    }
    return { kind: 'percent', percent: m.percent };
  }
  const s = readMapping(sink, m.selector, child(path, 'selector'), ['matchLabels', 'matchExpressions']);
  if (s === undefined) return undefined;
  const before = sink.issues.length;
  const matchLabels = readStringMap(sink, s.matchLabels, child(child(path, 'selector'), 'matchLabels'));
  const matchExpressions = readList(sink, s.matchExpressions, child(child(path, 'selector'), 'matchExpressions'), (v, p) => readRequirement(sink, v, p));
  if (sink.issues.length > before) return undefined;
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) {
    report(sink, child(path, 'selector'), 'an empty selector matches every cluster; write matchLabels (e.g. { wave: canary }) or use percent: 100');
    return undefined;
  }
  return { kind: 'selector', selector: { matchLabels, matchExpressions } };
}

function checkPercentages(sink: IssueSink, waves: readonly WaveSpec[], path: string): void {
  const shares = waves.flatMap((w) => (w.kind === 'percent' ? [w.percent] : []));
  const sum = shares.reduce((a, b) => a + b, 0);
  if (shares.length > 0 && sum !== 100) {
    report(sink, path, `the percent waves share out the clusters no selector wave claims, so they add up to 100 (they are ${shares.join(' + ')} = ${sum}); change the last one to ${100 - sum + shares.at(-1)!}`);
  }
}

export function readRollout(sink: IssueSink, value: unknown, path: string): RolloutSpec | undefined {
  const m = readMapping(sink, value, path, ['waves', 'pause', 'requireHealthy']);
  if (m === undefined) return undefined;
  const before = sink.issues.length;
  const wavesPath = child(path, 'waves');
  if (!Array.isArray(m.waves) || m.waves.length === 0 || m.waves.length > MAX_WAVES) {
    report(sink, wavesPath, `expected a list of 1 to ${MAX_WAVES} waves, e.g. [{ selector: { matchLabels: { wave: canary } } }, { percent: 100 }], got ${describe(m.waves)}`);
  }
  const waves = Array.isArray(m.waves) ? readList(sink, m.waves, wavesPath, (v, p) => readWave(sink, v, p)) : [];
  checkPercentages(sink, waves, wavesPath);
  const pauseMs = m.pause === undefined ? 0 : readDuration(sink, m.pause, child(path, 'pause'));
  const requireHealthy = readBoolean(sink, m.requireHealthy, child(path, 'requireHealthy'), true);
  if (sink.issues.length > before || pauseMs === undefined) return undefined;
  return { waves, pauseMs, requireHealthy };
}
