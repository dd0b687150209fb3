// `watches[]`: one image each, the rule that picks its tag, per-environment overrides and holds
// (parse-environments.ts).
import picomatch from 'picomatch';
import { parseImageRef } from '../image/reference.ts';
import type { SelectionRule, Watch } from './types.ts';
import { DEFAULTS } from './defaults.ts';
import { defaultFilter, readFilter } from './parse-filter.ts';
import { readEnvironments, readHolds } from './parse-environments.ts';
import { readPin, readPlatforms, readPolicy } from './parse-policy.ts';
import { readVerify } from './parse-verify.ts';
import { child, isMapping, readList, readMapping, readString, report, type IssueSink } from './reader.ts';

const WATCH_KEYS = ['name', 'image', 'policy', 'filter', 'platforms', 'pin', 'environments', 'holds', 'allowedApplicationSets', 'verify'];
// A watch name is a field in goTemplate's `{{ .images.<name>.tag }}`. Go's text/template lexes a field
// as '.' followed by letters, digits and '_', and '.1web' as the number .1, so a name must start with
// a letter or '_' (text/template/parse/lex.go, lexField and lexNumber).
const WATCH_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function watchNameProblem(name: string): string {
  if (/^[A-Za-z0-9_]+$/.test(name)) {
    return `"${name}" must start with a letter or _: goTemplate reads {{ .images.${name}.tag }} as a number (write e.g. "_${name}")`;
  }
  const fixed = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, '_');
  return `"${name}" must be letters, digits and _ only, starting with a letter or _ (it is a template key: {{ .images.<name>.tag }}; write e.g. "${fixed}")`;
}

function readImage(sink: IssueSink, value: unknown, path: string): { image: string; registry: string; repository: string } | undefined {
  const text = readString(sink, value, path);
  if (text === undefined) return undefined;
  const parsed = parseImageRef(text);
  if (!parsed.ok) {
    report(sink, path, `"${text}" is not an image reference: ${parsed.reason}`);
    return undefined;
  }
  const { ref } = parsed;
  if (ref.tag !== undefined || ref.digest !== undefined) {
    const what = ref.digest !== undefined ? 'a digest' : `the tag "${ref.tag}"`;
    report(sink, path, `"${text}" names ${what}; write the repository only ("${ref.name}") and choose tags with policy (e.g. digest: { tag: ${ref.tag ?? 'stable'} })`);
    return undefined;
  }
  return { image: ref.name, registry: ref.registry, repository: ref.repository };
}

/** The watch's own rule; `undefined` policy means it was invalid or missing (already reported). */
function readRule(sink: IssueSink, m: Record<string, unknown>, path: string): SelectionRule | undefined {
  if (m.policy === undefined) {
    report(sink, child(path, 'policy'), 'missing; write e.g. policy: { semver: { range: ">=1.0.0" } }');
  }
  const policy = m.policy === undefined ? undefined : readPolicy(sink, m.policy, child(path, 'policy'));
  const filter = m.filter === undefined ? defaultFilter() : readFilter(sink, m.filter, child(path, 'filter'));
  const platforms = readPlatforms(sink, m.platforms, child(path, 'platforms'));
  const pin = readPin(sink, m.pin, child(path, 'pin')) ?? DEFAULTS.pin;
  const verify = m.verify === undefined ? undefined : readVerify(sink, m.verify, child(path, 'verify'));
  if (policy === undefined || verify === undefined && m.verify !== undefined) return undefined;
  return { policy, filter, platforms, pin, ...(verify && { verify }) };
}

function readGlobs(sink: IssueSink, value: unknown, path: string): string[] {
  return readList(sink, value, path, (element, elementPath) => {
    const text = readString(sink, element, elementPath);
    if (text === undefined) return undefined;
    try {
      picomatch.makeRe(text);
    } catch {
      report(sink, elementPath, `"${text}" is not a glob pattern`);
      return undefined;
    }
    return text;
  });
}

function readWatch(sink: IssueSink, value: unknown, path: string): Watch | undefined {
  const m = readMapping(sink, value, path, WATCH_KEYS);
  if (m === undefined) return undefined;
  const name = readString(sink, m.name, child(path, 'name'));
  if (name !== undefined && !WATCH_NAME.test(name)) {
    report(sink, child(path, 'name'), watchNameProblem(name));
  }
  const image = readImage(sink, m.image, child(path, 'image'));
  const rule = readRule(sink, m, path);
  const environments = readEnvironments(sink, m.environments, child(path, 'environments'), rule);
  const envNames = isMapping(m.environments) ? Object.keys(m.environments) : [];
  const holds = readHolds(sink, m.holds, child(path, 'holds'), envNames);
  const allowedApplicationSets = readGlobs(sink, m.allowedApplicationSets, child(path, 'allowedApplicationSets'));
  if (name === undefined || !WATCH_NAME.test(name) || image === undefined || rule === undefined) return undefined;
  return { name, ...image, rule, environments, holds, allowedApplicationSets };
}

export function readWatches(sink: IssueSink, value: unknown): Watch[] {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
    report(sink, 'watches', 'add at least one watch, e.g. - { name: web, image: ghcr.io/acme/web, policy: { semver: { range: ">=1.0.0" } } }');
    return [];
  }
  const seen = new Map<string, number>();
  return readList(sink, value, 'watches', (element, path, index) => {
    const watch = readWatch(sink, element, path);
    const name = isMapping(element) && typeof element.name === 'string' ? element.name : undefined;
    if (name === undefined) return watch;
    const first = seen.get(name);
    if (first !== undefined) {
      report(sink, child(path, 'name'), `"${name}" is already the name of watches[${first}]; watch names must be unique`);
      return undefined;
    }
    seen.set(name, index);
    return watch;
  });
}
