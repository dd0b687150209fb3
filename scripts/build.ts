// Bundles src/cli.ts into dist/ with esbuild: one entry file plus lazily loaded chunks per command,
// so the CMP's start-up reads only what `cmp generate` needs.
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { buildUi } from './build-ui.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; dependencies: Record<string, string> };
// Build into a private folder, then swap it in: several test runs may build at once.
const tmp = `dist.tmp-${process.pid}`;
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: tmp,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  // Dependencies stay in node_modules, except yaml: bundled into the chunk that uses it, so the CMP
  // (started for every render of every app) reads one file instead of yaml's ~60 modules.
  external: Object.keys(pkg.dependencies).filter((name) => name !== 'yaml'),
  // yaml's Node build is CommonJS and requires node builtins; give bundled chunks a `require`.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  sourcemap: false,
  legalComments: 'none',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
await buildUi(tmp);
rmSync('dist', { recursive: true, force: true });
renameSync(tmp, 'dist');
