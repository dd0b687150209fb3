// `cmp generate`: render the source, rewrite image references in place, print the manifests.
// stdout carries manifests only and is written once, at the very end, after every check passed;
// on any doubt the command fails with stdout empty (a safety rule).
import { loadOptions, type CmpIo } from './context.ts';
import { startDeadline } from './deadline.ts';
import { cmpError } from './errors.ts';
import { fetchResolutions, overridesFromService, type ServiceImage } from './fallback.ts';
import { createCmpLog } from './log.ts';
import type { CmpOptions } from './options.ts';
import { buildOverrideTable, type OverrideTable } from './overrides.ts';
import { runPipeline, type PipelineResult } from './pipeline.ts';
import { detectRenderer, render, type ConcreteRenderer } from './render/index.ts';
import type { RenderedSource } from './render/types.ts';

export interface Rendered {
  readonly options: CmpOptions;
  readonly renderer: ConcreteRenderer;
  readonly overrides: OverrideTable;
  readonly result: PipelineResult;
  readonly fallbackUsed: boolean;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}

/** Render and rewrite; shared by `generate` and `parameters`. */
export async function renderAndRewrite(io: CmpIo): Promise<Rendered> {
  const options = await loadOptions(io.env);
  const deadline = startDeadline(io.clock, options.timeoutMs);
  // Ask the service while the renderer runs: the lookup then costs no extra wall time.
  const lookup = options.fallback ? settle(fetchResolutions(options.fallback, io.fetch, deadline.remainingMs('asking the image service'))) : undefined;
  const renderer = detectRenderer(io.cwd, options.renderer);
  let sources: readonly RenderedSource[];
  try {
    sources = await render(renderer, { cwd: io.cwd, options, env: io.env, deadline });
  } finally {
    await lookup; // never leave the request running behind a failed render
  }
  const files = renderer === 'directory';
  let overrides = options.overrides;
  const check = (step: string) => deadline.check(step);
  let result = runPipeline({ sources, overrides, paths: options.paths, files, check });
  if (lookup && options.fallback) {
    const answer = await lookup;
    if (!answer.ok) throw answer.error;
    const used = new Set(result.images.map((i) => i.repository));
    const entries = overridesFromService(answer.value as ServiceImage[], options.fallback.environment, used);
    overrides = buildOverrideTable([{ source: `image service ${options.fallback.url}`, entries }]);
    result = runPipeline({ sources, overrides, paths: options.paths, files, check });
  }
  return { options, renderer, overrides, result, fallbackUsed: lookup !== undefined };
}

function summarise(changes: PipelineResult['changes']): { image: string; from: string; to: string; count: number }[] {
  const byKey = new Map<string, { image: string; from: string; to: string; count: number }>();
  for (const c of changes) {
    const key = `${c.from}\u0000${c.to}`;
    const entry = byKey.get(key);
    if (entry) entry.count++;
    else byKey.set(key, { image: c.repository, from: c.from, to: c.to, count: 1 });
  }
  return [...byKey.values()];
}

export async function generate(io: CmpIo): Promise<number> {
  const started = io.clock.now();
  const { options, renderer, overrides, result, fallbackUsed } = await renderAndRewrite(io);
  if (result.documents === 0 && !options.allowEmpty) {
    const skipped = result.skipped.length > 0 ? ` (skipped as non-manifests: ${result.skipped.map((s) => s.source).join(', ')})` : '';
    throw cmpError('CMP_EMPTY_RENDER', `the ${renderer} source rendered no manifests${skipped}; an empty answer would let Argo CD prune everything this Application manages. If that is intended, set the plugin env ALLOW_EMPTY=true`);
  }
  const used = new Set(result.images.map((i) => i.repository));
  const unused = [...overrides.values()].filter((o) => !used.has(o.repository));
  if (options.strict && unused.length > 0) {
    throw cmpError('CMP_OVERRIDE_UNUSED', `strict mode: ${unused.map((o) => `${o.source} key "${o.key}"`).join(', ')} ${unused.length === 1 ? 'names an image' : 'name images'} this Application does not use (images used: ${[...used].sort().join(', ') || 'none'})`);
  }
  await io.writeStdout(result.text);
  createCmpLog((line) => io.writeStderr(line), io.clock).info('manifests rendered', {
    app: io.env.ARGOCD_APP_NAME,
    renderer,
    documents: result.documents,
    rewritten: result.changes.length,
    changes: summarise(result.changes),
    unusedOverrides: unused.map((o) => o.key),
    skippedFiles: result.skipped.map((s) => s.source),
    fallback: fallbackUsed,
    ms: io.clock.now() - started,
  });
  return 0;
}
