// Which ApplicationSets use which watches, read from their specs. An ApplicationSet uses this
// service when one of its generators — at the top level or nested in matrix/merge — is a `plugin`
// generator whose configMapRef names our ConfigMap. It uses a watch when that generator's
// `input.parameters.images` lists it, or has no `images` (= every watch it may request), or when
// `images` is not a plain list (templated in a matrix: we cannot know, so we assume yes). Pure.
import type { Watch } from '../config/types.ts';
import { mayRequest } from './access.ts';

/** The slice of an argoproj.io/v1alpha1 ApplicationSet this module reads. */
export interface ApplicationSetObject {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly annotations?: Record<string, string> };
  readonly spec?: { readonly generators?: readonly unknown[] };
}

function pluginGenerators(generators: readonly unknown[] | undefined, configMapName: string, out: Record<string, unknown>[]): void {
  for (const g of generators ?? []) {
    if (typeof g !== 'object' || g === null) continue;
    const gen = g as { plugin?: { configMapRef?: { name?: unknown }; input?: { parameters?: unknown } }; matrix?: { generators?: unknown[] }; merge?: { generators?: unknown[] } };
    if (gen.plugin?.configMapRef?.name === configMapName) out.push(gen.plugin as Record<string, unknown>);
    pluginGenerators(gen.matrix?.generators, configMapName, out);
    pluginGenerators(gen.merge?.generators, configMapName, out);
  }
}

export function usesWatch(appSet: ApplicationSetObject, watch: Watch, configMapName: string): boolean {
  if (!mayRequest(watch, appSet.metadata.name)) return false;
  const plugins: Record<string, unknown>[] = [];
  pluginGenerators(appSet.spec?.generators, configMapName, plugins);
  return plugins.some((p) => {
    const images = (p.input as { parameters?: { images?: unknown } } | undefined)?.parameters?.images;
    if (images === undefined) return true;
    if (!Array.isArray(images)) return true;
    return images.includes(watch.name) || images.some((i) => typeof i === 'string' && i.includes('{{'));
  });
}

export function usesService(appSet: ApplicationSetObject, configMapName: string): boolean {
  const plugins: Record<string, unknown>[] = [];
  pluginGenerators(appSet.spec?.generators, configMapName, plugins);
  return plugins.length > 0;
}
