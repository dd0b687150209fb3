// Argo CD Applications on the loopback Kubernetes API peer (argoproj.io/v1alpha1, served by the
// object store of kube-api-objects.ts with list, watch, resourceVersion, bookmarks and 410 Expired).
// Tests and the demo create, change and delete them over HTTP as Argo CD's controller would write
// them; every object is first validated against the Application CRD's own schema
// (test/corpus/argo-cd/manifests/application-crd.yaml, unknown fields refused), so field names and
// shapes are Argo CD's, not ours.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { closeUnknownFields, describeErrors } from '../manifests/applicationset-schema.ts';

export const APPLICATION_KIND = { kind: 'Application', apiVersion: 'argoproj.io/v1alpha1' } as const;

const CRD = new URL('../corpus/argo-cd/manifests/application-crd.yaml', import.meta.url);
let validator: ValidateFunction | undefined;

/** The CRD's v1alpha1 openAPIV3Schema, compiled once (strict about unknown fields). */
export function applicationValidator(): ValidateFunction {
  if (validator) return validator;
  const crd = parse(readFileSync(CRD, 'utf8')) as { spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: Record<string, unknown> } }> } };
  const schema = crd.spec.versions.find((v) => v.name === 'v1alpha1')!.schema.openAPIV3Schema;
  validator = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(closeUnknownFields(schema) as Record<string, unknown>);
  return validator;
}

export interface AppState {
  /** spec.destination.server (or `name` when `destinationName` is set instead). */
  readonly server?: string;
  readonly destinationName?: string;
  readonly images: readonly string[];
  readonly sync?: string;
  readonly health?: string;
}

export type ApplicationObject = { metadata: { name: string; namespace: string; resourceVersion?: string }; [k: string]: unknown };

/** An Application as Argo CD stores it, with the status fields the promotion gates read. */
export function application(namespace: string, name: string, state: AppState): ApplicationObject {
  const object = {
    ...APPLICATION_KIND,
    metadata: { name, namespace },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example/acme/deploy.git', path: name, targetRevision: 'HEAD' },
      destination: { ...(state.server !== undefined && { server: state.server }), ...(state.destinationName !== undefined && { name: state.destinationName }), namespace: 'default' },
    },
    status: {
      sync: { status: state.sync ?? 'Synced', revision: '0123456789abcdef0123456789abcdef01234567' },
      health: { status: state.health ?? 'Healthy' },
      summary: { images: [...state.images] },
    },
  };
  const validate = applicationValidator();
  if (!validate(object)) throw new Error(`test Application ${namespace}/${name} does not match Argo CD's Application CRD: ${describeErrors(validate)}`);
  return object;
}

/** Writes Applications to the peer as the Argo CD controller would (create, replace, delete). */
export class ApplicationWriter {
  private readonly url: string;
  private readonly token: string;

  constructor(url: string, token: string) {
    this.url = url;
    this.token = token;
  }

  private async call(method: string, path: string, body?: unknown): Promise<void> {
    const res = await fetch(`${this.url}/apis/argoproj.io/v1alpha1${path}`, { method, headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }

  /** Creates the Application, or replaces it when it exists. */
  async put(namespace: string, name: string, state: AppState): Promise<void> {
    const object = application(namespace, name, state);
    const res = await fetch(`${this.url}/apis/argoproj.io/v1alpha1/namespaces/${namespace}/applications/${name}`, { headers: { authorization: `Bearer ${this.token}` } });
    await res.arrayBuffer();
    if (res.status === 404) return this.call('POST', `/namespaces/${namespace}/applications`, object);
    return this.call('PUT', `/namespaces/${namespace}/applications/${name}`, object);
  }

  async remove(namespace: string, name: string): Promise<void> {
    return this.call('DELETE', `/namespaces/${namespace}/applications/${name}`);
  }
}
