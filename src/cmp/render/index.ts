// Choosing and running the renderer. `auto` follows Argo CD's own detection order for a source
// directory: a kustomization file means kustomize, a Chart.yaml means helm, anything else is a
// plain directory.
import type { RendererName } from '../options.ts';
import { renderDirectory } from './directory.ts';
import { initHelm, isHelmChart, renderHelm } from './helm.ts';
import { isKustomization, renderKustomize } from './kustomize.ts';
import type { RenderContext, RenderedSource } from './types.ts';

export type ConcreteRenderer = Exclude<RendererName, 'auto'>;

export function detectRenderer(cwd: string, requested: RendererName): ConcreteRenderer {
  if (requested !== 'auto') return requested;
  if (isKustomization(cwd)) return 'kustomize';
  if (isHelmChart(cwd)) return 'helm';
  return 'directory';
}

/** Render the application directory; directory sources are files, the others one output text. */
export async function render(renderer: ConcreteRenderer, ctx: RenderContext): Promise<RenderedSource[]> {
  switch (renderer) {
    case 'directory':
      return renderDirectory(ctx);
    case 'kustomize':
      return [{ name: 'kustomize output', text: await renderKustomize(ctx), json: false }];
    case 'helm':
      return [{ name: 'helm template output', text: await renderHelm(ctx), json: false }];
  }
}

/** What `cmp init` does before a render; returns a description of the work done, or undefined. */
export async function prepare(renderer: ConcreteRenderer, ctx: RenderContext): Promise<string | undefined> {
  if (renderer === 'helm' && (await initHelm(ctx))) return 'helm dependency build';
  return undefined;
}
