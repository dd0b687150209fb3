// The Role of manifests/rbac.yaml (built with the real kustomize) as rules the loopback API peer enforces.
import { build, find, MANIFESTS } from '../manifests/kustomize.ts';
import type { Rule } from '../helpers/kube-api.ts';

export interface RoleRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
}

export async function roleOfManifests(): Promise<RoleRule[]> {
  return (find(await build(MANIFESTS), 'Role', 'argocd-image-plugins') as unknown as { rules: RoleRule[] }).rules;
}

/** The Role's rules in the peer's terms, in the namespace `argocd`. */
export async function roleRules(): Promise<Rule[]> {
  return (await roleOfManifests()).map((r) => ({ verbs: r.verbs, resources: r.resources, namespaces: ['argocd'], ...(r.resourceNames && { names: r.resourceNames }) }));
}
