// The ApplicationSet CRD's own OpenAPI v3 schema, taken from Argo CD's install.yaml, compiled with Ajv.
// The API server prunes fields a structural schema does not declare (unless the node sets
// x-kubernetes-preserve-unknown-fields), so a misspelt field is silently dropped in a cluster;
// here every such node gets `additionalProperties: false` so the test reports it instead.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { argoCdInstallYaml } from './kustomize.ts';

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies a schema, closing every object node that lists its properties and keeps no unknown fields. */
export function closeUnknownFields(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeUnknownFields);
  if (!isSchema(schema)) return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    // `properties` maps field names to schemas: recurse into the values, never treat names as keywords.
    out[k] = k === 'properties' && isSchema(v) ? Object.fromEntries(Object.entries(v).map(([name, s]) => [name, closeUnknownFields(s)])) : closeUnknownFields(v);
  }
  if (isSchema(schema.properties) && schema.additionalProperties === undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/** The openAPIV3Schema of `applicationsets.argoproj.io` version v1alpha1. */
export function applicationSetSchema(): Schema {
  for (const doc of parseAllDocuments(readFileSync(argoCdInstallYaml(), 'utf8'))) {
    const o = doc.toJS() as { kind?: string; metadata?: { name?: string }; spec?: { versions?: Array<{ name: string; schema?: { openAPIV3Schema?: Schema } }> } } | null;
    if (o?.kind !== 'CustomResourceDefinition' || o.metadata?.name !== 'applicationsets.argoproj.io') continue;
    const schema = o.spec?.versions?.find((v) => v.name === 'v1alpha1')?.schema?.openAPIV3Schema;
    if (schema) return schema;
  }
  throw new Error('install.yaml has no applicationsets.argoproj.io CRD with a v1alpha1 schema');
}

/** A validator for ApplicationSet objects (strict about unknown fields, see above). */
export function applicationSetValidator(): ValidateFunction {
  // strict: false because Kubernetes schemas carry x-kubernetes-* keywords Ajv does not know;
  // formats (int64, date-time…) are Kubernetes' own and not what this test is about.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(closeUnknownFields(applicationSetSchema()) as Schema);
}

export function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : ''}`).join('; ');
}
