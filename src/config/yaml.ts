// config.yaml's YAML layer: text to plain data, or every syntax problem with `file:line:col`.
// YAML 1.2 core schema (the `yaml` package): `yes`/`no` stay strings, timestamps stay strings,
// duplicate keys are errors, alias expansion is bounded. Pure, so it also runs in a worker thread.
import { LineCounter, parseDocument } from 'yaml';
import type { ConfigIssue } from './types.ts';

export type YamlResult = { ok: true; data: unknown } | { ok: false; issues: ConfigIssue[] };

export function yamlToData(text: string, source: string): YamlResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((err) => {
      const pos = lineCounter.linePos(err.pos[0]);
      return { path: `${source}:${pos.line}:${pos.col}`, message: `YAML syntax: ${err.message.split('\n')[0]}` };
    });
    return { ok: false, issues };
  }
  try {
    return { ok: true, data: doc.toJS({ maxAliasCount: 100 }) };
  } catch (err) {
    return { ok: false, issues: [{ path: source, message: `YAML: ${err instanceof Error ? err.message : String(err)}` }] };
  }
}
