// The ApplicationSet controller's goTemplate rendering, for the subset the shipped examples use, so
// the demo can show the Application Argo CD would generate. Argo CD walks the template and executes
// each string as a Go text/template with the parameter set as data (applicationset/utils: the
// Render… functions; goTemplateOptions ["missingkey=error"] turns a missing key into an error). The
// actions supported here are field chains (`{{ .images.web.tag }}`) and `index` with string keys
// (`{{ index .metadata.labels "environment" }}`); anything else is refused, never guessed. Pure.

type Data = Record<string, unknown>;

const FIELD_CHAIN = /^\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/;
const INDEX = /^index\s+(\.[A-Za-z_][A-Za-z0-9_.]*)((?:\s+"[^"\\]*")+)$/;

function lookup(data: unknown, path: readonly string[], action: string): unknown {
  let node = data;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !(key in node)) throw new Error(`template: ${action}: map has no entry for key "${key}"`);
    node = (node as Data)[key];
  }
  return node;
}

function printed(value: unknown, action: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`template: ${action}: the demo prints strings, numbers and booleans only`);
}

function evaluate(action: string, data: Data): string {
  const chain = FIELD_CHAIN.exec(action);
  if (chain) return printed(lookup(data, chain[1]!.split('.'), action), action);
  const index = INDEX.exec(action);
  if (index) {
    const keys = [...index[2]!.matchAll(/"([^"\\]*)"/g)].map((m) => m[1]!);
    return printed(lookup(lookup(data, index[1]!.slice(1).split('.'), action), keys, action), action);
  }
  throw new Error(`template: {{ ${action} }} is outside what the demo renders (field chains and index with string keys)`);
}

/** One string of the template, executed with `data` and missingkey=error. */
export function renderString(text: string, data: Data): string {
  return text.replace(/\{\{(.*?)\}\}/g, (_m, inner: string) => {
    if (inner.startsWith('-') || inner.endsWith('-')) throw new Error(`template: {{${inner}}}: trim markers are outside what the demo renders`);
    return evaluate(inner.trim(), data);
  });
}

/** Every string in the template (values, not keys), rendered; the shape stays. */
export function renderTemplate<T>(template: T, data: Data): T {
  if (typeof template === 'string') return renderString(template, data) as T;
  if (Array.isArray(template)) return template.map((v: unknown) => renderTemplate(v, data)) as T;
  if (typeof template === 'object' && template !== null) {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderTemplate(v, data)])) as T;
  }
  return template;
}
