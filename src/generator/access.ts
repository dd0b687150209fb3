// Which watches an ApplicationSet may request. A watch's `allowedApplicationSets` holds name
// globs; empty means any. `applicationSetName` carries no namespace (Argo CD's applicationset/services/plugin), so
// two ApplicationSets with the same name in different namespaces cannot be told apart: the
// patterns restrict by name only (docs/generator.md says so). Pure.
import picomatch from 'picomatch';
import type { Watch } from '../config/types.ts';

const matchers = new WeakMap<Watch, (name: string) => boolean>();

function matcherFor(watch: Watch): (name: string) => boolean {
  let m = matchers.get(watch);
  if (!m) {
    const globs = watch.allowedApplicationSets;
    m = globs.length === 0 ? () => true : picomatch(globs as string[], { dot: true });
    matchers.set(watch, m);
  }
  return m;
}

export function mayRequest(watch: Watch, applicationSetName: string): boolean {
  return matcherFor(watch)(applicationSetName);
}
