// `argocd-image-plugins cmp <init|generate|parameters>`: the commands plugin.yaml gives
// argocd-cmp-server, which runs them without a shell in a fresh copy of the repository, in the
// application's directory (Argo CD's config-management-plugins.md). Exit codes: 0 success, 1 failure (the reason
// on stderr, stdout empty), 2 usage.
import { writeSync } from 'node:fs';
import { systemClock } from '../shared/clock.ts';
import type { CmpIo } from './context.ts';
import { failureText } from './log.ts';

const USAGE = `usage: argocd-image-plugins cmp <command>

commands (run by argocd-cmp-server, see plugin.yaml and docs/cmp.md):
  init          prepare the source for rendering (helm dependencies when needed)
  generate      render the source and rewrite image references; manifests on stdout
  parameters    print the parameter announcement for the Argo CD UI (JSON)
`;

/**
 * Write all of `text` to a file descriptor. The process writes its output once and exits, so plain
 * blocking writes do the job without loading Node's stream machinery (process.stdout), which was a
 * measurable share of a small render's start-up. A non-blocking pipe (EAGAIN) is waited on briefly.
 */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}

function processIo(): CmpIo {
  return {
    env: process.env,
    cwd: process.cwd(),
    clock: systemClock,
    writeStdout: async (text) => writeAll(1, text),
    writeStderr: (text) => writeAll(2, text),
  };
}

/** Run one subcommand against the given process edges; resolves to the exit code. */
export async function runCmp(argv: readonly string[], io: CmpIo): Promise<number> {
  const [sub] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    (sub === undefined ? io.writeStderr : (t: string) => void io.writeStdout(t))(USAGE);
    return sub === undefined ? 2 : 0;
  }
  try {
    switch (sub) {
      case 'generate': {
        const { generate } = await import('./generate.ts');
        return await generate(io);
      }
      case 'init': {
        const { init } = await import('./init.ts');
        return await init(io);
      }
      case 'parameters': {
        const { parameters } = await import('./init.ts');
        return await parameters(io);
      }
      default:
        io.writeStderr(`argocd-image-plugins cmp: unknown command "${sub}"\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    io.writeStderr(failureText(`cmp ${sub}`, err));
    return 1;
  }
}

export async function run(argv: readonly string[]): Promise<number> {
  return runCmp(argv, processIo());
}
