// Builds SelectionRules the way users write them, through the real config parser, so the policy
// tests exercise exactly what a config file produces.
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/parse.ts';
import type { SelectionRule } from '../../src/config/types.ts';

export function rule(policy: unknown, filter?: unknown): SelectionRule {
  const result = parseConfig({ watches: [{ name: 'w', image: 'registry.example/acme/app', policy, ...(filter !== undefined && { filter }) }] });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
  return result.config.watches[0]!.rule;
}

/** A small seeded PRNG (mulberry32) so shuffles are reproducible. */
export function shuffler(seed: number): <T>(items: readonly T[]) => T[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return <T>(items: readonly T[]): T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
}
