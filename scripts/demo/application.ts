// The Application the ApplicationSet controller generates from one parameter set: the template with
// every string rendered (goTemplate), plus what the controller itself adds. The plugin generator adds
// `generator.input.parameters` to each parameter set (applicationset/generators/plugin.go), and an
// Application without a namespace gets the ApplicationSet's. Pure.
import { renderTemplate } from './gotemplate.ts';

export interface ApplicationSetDoc {
  metadata: { name: string; namespace?: string };
  spec: {
    goTemplate?: boolean;
    generators: Array<{ plugin?: { input?: { parameters?: Record<string, unknown> } } }>;
    template: { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  };
}

export interface ApplicationDoc {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Application';
  metadata: { name: string; namespace?: string } & Record<string, unknown>;
  spec: { source?: { plugin?: { env?: Array<{ name: string; value: string }> } } } & Record<string, unknown>;
}

/** The plugin generator's input.parameters: what the controller sends to getparams. */
export function pluginParameters(appSet: ApplicationSetDoc): Record<string, unknown> {
  const plugin = appSet.spec.generators.find((g) => g.plugin)?.plugin;
  if (!plugin) throw new Error(`ApplicationSet ${appSet.metadata.name} has no plugin generator`);
  return plugin.input?.parameters ?? {};
}

export function applicationFor(appSet: ApplicationSetDoc, parameterSet: Record<string, unknown>): ApplicationDoc {
  if (appSet.spec.goTemplate !== true) throw new Error('the demo renders goTemplate ApplicationSets');
  const data = { ...parameterSet, generator: { input: { parameters: pluginParameters(appSet) } } };
  const rendered = renderTemplate(appSet.spec.template, data);
  const { name, namespace, ...rest } = rendered.metadata as ApplicationDoc['metadata'];
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: namespace ?? appSet.metadata.namespace ?? 'argocd', ...rest },
    spec: rendered.spec,
  };
}

/** The value of a plugin env entry of the Application's source (what the CMP gets as ARGOCD_ENV_<name>). */
export function pluginEnv(app: ApplicationDoc, name: string): string {
  const value = app.spec.source?.plugin?.env?.find((e) => e.name === name)?.value;
  if (value === undefined) throw new Error(`Application ${app.metadata.name} has no plugin env ${name}`);
  return value;
}
