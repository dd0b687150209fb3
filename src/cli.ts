#!/usr/bin/env node
// The one executable: `argocd-image-plugins <command>`. Each command's module is imported only when
// that command runs, so `cmp generate` (run by the sidecar for every render) does not load Fastify
// or undici.

export interface Command {
  /** Runs the command; resolves to the process exit code. */
  run(argv: readonly string[]): Promise<number>;
}

/**
 * The sidecar starts `cmp` for every render: keep V8's compiled code of what loads from here on in
 * the temp directory (TMPDIR, or NODE_COMPILE_CACHE), so later starts skip compiling it. Best
 * effort: an unwritable directory only means no cache. (getBuiltinModule: importing `node:module`
 * would build an ES module facade of it first.)
 */
function loadCmp(): Promise<Command> {
  process.getBuiltinModule('node:module').enableCompileCache();
  return import('./cmp/main.ts');
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: { summary: 'run the ApplicationSet plugin generator service and registry poller', load: () => import('./commands/serve.ts') },
  cmp: { summary: 'config management plugin commands: init, generate, parameters', load: loadCmp },
  resolve: { summary: 'resolve every watch now and explain each candidate tag', load: () => import('./commands/resolve.ts') },
  'check-config': { summary: 'validate a config file and list every problem', load: () => import('./commands/check-config.ts') },
  hold: { summary: 'keep an environment of a watch on a tag (operator token)', load: () => operations('hold') },
  release: { summary: 'end a hold taken with hold', load: () => operations('release') },
  approve: { summary: 'let a move that requires approval go ahead', load: () => operations('approve') },
  promote: { summary: 'move a tag into an environment by hand', load: () => operations('promote') },
  status: { summary: 'what each environment serves, holds, waits for, and the operations log', load: () => operations('status') },
};

function operations(name: 'hold' | 'release' | 'approve' | 'promote' | 'status'): Promise<Command> {
  return import('./commands/operate.ts').then((m) => m.command(name));
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)}${c.summary}`);
  return `usage: argocd-image-plugins <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n  --version     print the version\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`argocd-image-plugins: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`argocd-image-plugins: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
