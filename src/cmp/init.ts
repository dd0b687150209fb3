// `cmp init` and `cmp parameters`. init does only what a render needs beforehand (helm dependencies
// that are declared but not vendored) and nothing otherwise; parameters renders the source to list
// the images the app uses, with the service's current resolutions when the fallback is configured.
import { announce } from './announce.ts';
import { loadOptions, type CmpIo } from './context.ts';
import { startDeadline } from './deadline.ts';
import { renderAndRewrite } from './generate.ts';
import { createCmpLog } from './log.ts';
import { detectRenderer, prepare } from './render/index.ts';

export async function init(io: CmpIo): Promise<number> {
  const options = await loadOptions(io.env);
  const renderer = detectRenderer(io.cwd, options.renderer);
  const done = await prepare(renderer, { cwd: io.cwd, options, env: io.env, deadline: startDeadline(io.clock, options.timeoutMs) });
  if (done) createCmpLog((line) => io.writeStderr(line), io.clock).info('source prepared', { renderer, step: done });
  return 0;
}

export async function parameters(io: CmpIo): Promise<number> {
  const { options, renderer, overrides, result } = await renderAndRewrite(io);
  const helm = renderer === 'helm' ? options.helm : undefined;
  await io.writeStdout(`${JSON.stringify(announce(result.images, overrides, helm))}\n`);
  return 0;
}
