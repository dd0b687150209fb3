// Walk one parsed document and report every string scalar that sits at an image path. Aliases are
// followed (the walk is bounded because checkAliasExpansion ran first) and YAML merge keys (`<<`)
// contribute the keys the mapping does not define itself, so an image inherited from an anchor is
// found where it is written. Pure.
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import type { AliasIndex } from './aliases.ts';
import { ITEM, matchesAny, type ImagePath, type Step } from './paths.ts';
import { freshScalarText, type Edit } from './scalar.ts';

export interface ImageTarget {
  readonly value: string;
  /** The node written at the image position: the scalar itself, or an alias standing for it. */
  readonly at: Node;
  readonly scalar: Scalar;
  readonly alias: boolean;
  /** For an alias at the image position: replace the alias text itself with the new value. */
  aliasEdit(base: number, value: string): Edit;
}

const NO_KEY = '\u0000';

export function walkImages(doc: Document.Parsed, index: AliasIndex, paths: readonly ImagePath[], visit: (target: ImageTarget) => void): void {
  const finals = new Set<Step>(paths.map((p) => p.steps[p.steps.length - 1]!));
  const trail: Step[] = [];
  const resolve = (node: unknown): unknown => (isAlias(node) ? index.targets.get(node) : node);
  const keyName = (key: unknown): string => {
    const k = resolve(key);
    return isScalar(k) ? String(k.value) : NO_KEY;
  };

  const leaf = (node: unknown, target: Scalar): void => {
    if (!finals.has(trail[trail.length - 1]!) || typeof target.value !== 'string' || !matchesAny(trail, paths)) return;
    const at = node as Node;
    visit({
      value: target.value,
      at,
      scalar: target,
      alias: isAlias(node),
      aliasEdit: (base, value) => ({ start: base + at.range![0], end: base + at.range![1], text: freshScalarText(value) }),
    });
  };

  const step = (node: unknown): void => {
    const n = resolve(node);
    if (isScalar(n)) leaf(node, n);
    else if (isMap(n)) walkMap(n, new Set());
    else if (isSeq(n)) {
      for (const item of n.items) {
        trail.push(ITEM);
        step(item);
        trail.pop();
      }
    }
  };

  const walkMap = (map: YAMLMap, shadowed: Set<string>): void => {
    const merges: unknown[] = [];
    const own = new Set(shadowed);
    for (const pair of map.items) own.add(keyName(pair.key));
    for (const pair of map.items) {
      const key = keyName(pair.key);
      if (shadowed.has(key)) continue;
      if (key === '<<' && !isScalar(resolve(pair.value))) {
        merges.push(pair.value);
        continue;
      }
      trail.push(key);
      step(pair.value);
      trail.pop();
    }
    // Merge keys: earlier sources win over later ones, the mapping's own keys over all of them.
    for (const source of merges) {
      const resolved = resolve(source);
      const sources = isSeq(resolved) ? resolved.items.map(resolve) : [resolved];
      for (const s of sources) {
        if (!isMap(s)) continue;
        walkMap(s, own);
        for (const pair of s.items) own.add(keyName(pair.key));
      }
    }
  };

  step(doc.contents);
}
