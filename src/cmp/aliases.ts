// Anchors and aliases of one parsed document: what each alias points at, and a bound on how far
// aliases expand. Argo CD (and every consumer after it) expands aliases when it decodes our output,
// so a "billion laughs" document must fail here, not pass through. The bound is on the number of
// nodes the document holds once every alias is expanded, computed without expanding anything.
// Pure.
import { isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document, type Node } from 'yaml';
import { cmpError } from './errors.ts';

export interface AliasIndex {
  /** Target of every alias, resolved to the latest anchor defined before it (YAML 1.2 §3.2.2.2). */
  readonly targets: ReadonlyMap<Alias, Node>;
  /** Nodes written in the document (aliases count as one). */
  readonly directNodes: number;
}

/** Pre-order walk recording anchors as they are defined and resolving aliases as they appear. */
export function indexAliases(doc: Document.Parsed): AliasIndex {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  let directNodes = 0;
  const visit = (node: unknown): void => {
    if (node === null || node === undefined) return;
    directNodes++;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target) targets.set(node, target);
      return;
    }
    if (isScalar(node) || isMap(node) || isSeq(node)) {
      if (node.anchor) anchors.set(node.anchor, node);
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        visit(pair.key);
        visit(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(isPair(item) ? item.value : item);
    }
  };
  visit(doc.contents);
  return { targets, directNodes };
}

/**
 * Throws CMP_ALIAS_LIMIT when the expanded document would exceed `limit` nodes, or when an alias
 * refers to a node that contains it (an infinite document).
 */
export function checkAliasExpansion(doc: Document.Parsed, index: AliasIndex, limit: number, where: string): void {
  if (index.targets.size === 0) return;
  const memo = new Map<unknown, number>();
  const inProgress = new Set<unknown>();
  const fail = (why: string): never => {
    throw cmpError('CMP_ALIAS_LIMIT', `${where}: ${why}; refusing a document that expands without bound (YAML alias bomb)`);
  };
  const size = (node: unknown): number => {
    if (node === null || node === undefined) return 0;
    const target = isAlias(node) ? index.targets.get(node) : node;
    if (target === undefined) return 1;
    const known = memo.get(target);
    if (known !== undefined) return known;
    if (inProgress.has(target)) fail('an alias refers to a node that contains it');
    inProgress.add(target);
    let n = 1;
    if (isMap(target)) {
      for (const pair of target.items) n += size(pair.key) + size(pair.value);
    } else if (isSeq(target)) {
      for (const item of target.items) n += size(isPair(item) ? item.value : item);
    }
    inProgress.delete(target);
    if (n > limit) fail(`aliases expand it to more than ${limit} nodes`);
    memo.set(target, n);
    return n;
  };
  size(doc.contents);
}
