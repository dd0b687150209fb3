// A policy in one line of words, as the images API and the status page show it. Pure.
import type { PolicySpec } from '../config/types.ts';

export function describePolicy(p: PolicySpec): string {
  switch (p.kind) {
    case 'semver':
      return `semver ${p.range}${p.includePrerelease ? ' (prereleases included)' : ''}`;
    case 'newestBuild':
      return 'newest build (image created time)';
    case 'newestPush':
      return 'newest push (registry push time)';
    case 'lexical':
    case 'numerical':
      return `${p.kind} ${p.order}`;
    case 'digest':
      return `digest of tag ${p.tag}`;
  }
}
