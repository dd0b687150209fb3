// `nameNormalized` exactly as Argo CD computes it (SanitizeName in
// applicationset/utils/template_functions.go): lower-cased, every character outside [a-z0-9.-]
// replaced by '-', cut to 253 characters, leading and trailing '-' and '.' trimmed.

const DISALLOWED = /[^a-z0-9.-]/g;
const EDGES = /^[-.]+|[-.]+$/g;

export function normalizeClusterName(name: string): string {
  return name.toLowerCase().replace(DISALLOWED, '-').slice(0, 253).replace(EDGES, '');
}
