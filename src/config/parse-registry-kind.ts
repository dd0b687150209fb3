// `registries[].kind`: what the registry runs, when its host does not say (a self-hosted Harbor or
// Quay). Only the push-time policy (newestPush) and the rate-limit reading depend on it.
import { REGISTRY_KINDS, type RegistryKind } from './registry-kind.ts';
import { describe, report, type IssueSink } from './reader.ts';

export function readKind(sink: IssueSink, value: unknown, path: string): { kind: RegistryKind } | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (REGISTRY_KINDS as readonly string[]).includes(value)) return { kind: value as RegistryKind };
  report(sink, path, `expected one of ${REGISTRY_KINDS.join(', ')}, got ${describe(value)}`);
  return undefined;
}
