// What an Application or ApplicationSet object tells the extension: the cluster it deploys to, the
// image references its spec carries (IMAGE_OVERRIDES, copied from the generator's imageOverrides),
// and the watches an ApplicationSet's plugin generator asks for. Objects come from Argo CD and are
// read defensively: any shape may be missing.

export interface Target {
  readonly kind: 'Application' | 'ApplicationSet';
  readonly cluster: { readonly name: string; readonly server: string };
  /** repository → reference, from the spec's IMAGE_OVERRIDES; empty when the spec has none. */
  readonly overrides: Readonly<Record<string, string>>;
  /** Watch names an ApplicationSet requests; undefined = every watch it may use. */
  readonly watches?: readonly string[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function overridesOf(spec: Obj): Record<string, string> {
  const sources = [obj(spec.source), ...list(spec.sources).map(obj)];
  for (const source of sources) {
    const env = list(obj(source.plugin).env).map(obj).find((e) => e.name === 'IMAGE_OVERRIDES');
    const value = text(env?.value);
    if (!value || value.length > 65536) continue;
    try {
      const parsed = obj(JSON.parse(value));
      return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      return {};
    }
  }
  return {};
}

/** Watch names in plugin generators, also inside matrix and merge generators. */
function requestedWatches(generators: unknown[], depth = 0): string[] | undefined {
  let found: string[] | undefined;
  for (const g of generators.map(obj)) {
    const images = obj(obj(obj(g.plugin).input).parameters).images;
    if (Array.isArray(images)) found = [...(found ?? []), ...images.filter((i): i is string => typeof i === 'string')];
    if (depth < 3) for (const nested of [obj(g.matrix).generators, obj(g.merge).generators]) {
      const inner = requestedWatches(list(nested), depth + 1);
      if (inner) found = [...(found ?? []), ...inner];
    }
  }
  return found;
}

export function describeTarget(resource: unknown): Target {
  const r = obj(resource);
  const spec = obj(r.spec);
  if (r.kind === 'ApplicationSet') {
    const watches = requestedWatches(list(spec.generators));
    return { kind: 'ApplicationSet', cluster: { name: '', server: '' }, overrides: {}, ...(watches && { watches }) };
  }
  const destination = obj(spec.destination);
  return { kind: 'Application', cluster: { name: text(destination.name), server: text(destination.server) }, overrides: overridesOf(spec) };
}
