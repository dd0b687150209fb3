// semver: the highest version inside a range (node-semver, the `semver` package). Tags may carry a
// `v` prefix. Pre-releases count only when the spec includes them (a range written with a pre-release,
// e.g. ">=1.4.0-0", or `prerelease: true`). Equal versions (v1.2.0 and 1.2.0, or builds differing only
// in +metadata after compareBuild) fall back to the tag, so the order of the listing never matters.
import semver from 'semver';
import type { PolicySpec } from '../config/types.ts';
import { rankBy, ranking, type Keyed } from './order.ts';
import type { Candidate, Ranking } from './types.ts';

type SemverSpec = Extract<PolicySpec, { kind: 'semver' }>;

export function rankSemver(candidates: readonly Candidate[], spec: SemverSpec): Ranking {
  const range = spec.compiled ?? new semver.Range(spec.range, { includePrerelease: spec.includePrerelease });
  const keyOf = (c: Candidate): Keyed<semver.SemVer> => {
    const version = semver.parse(c.value);
    const shown = c.value === c.tag ? '' : ` (value "${c.value}")`;
    if (version === null) return { ok: false, detail: `not a semantic version${shown}`, category: 'not semantic versions' };
    if (range.test(version)) return { ok: true, key: version };
    if (version.prerelease.length > 0 && !spec.includePrerelease && semver.satisfies(version, spec.range, { includePrerelease: true })) {
      return { ok: false, detail: `pre-release${shown}; the range does not ask for pre-releases (add prerelease: true)`, category: 'pre-releases' };
    }
    return { ok: false, detail: `${version.version} is outside the range "${spec.range}"`, category: 'outside the range' };
  };
  const ranked = rankBy(candidates, 'policy.semver', keyOf, (a, b) => semver.compareBuild(a, b));
  return ranking(ranked, `no tag satisfies the semver range "${spec.range}"`, `highest version in the range "${spec.range}"`);
}
