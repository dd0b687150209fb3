// Bundles the CLI into dist/ with esbuild. Three outputs, shaped by where start-up time went in the
// profile of `cmp generate` (docs/performance.md):
// - dist/cli.mjs: the entry, importing nothing until a command runs;
// - dist/serve.mjs, resolve.mjs, check-config.mjs and their shared chunks: the service commands;
// - dist/cmp.mjs: every line `cmp` runs, in one file (the sidecar starts it for every render, and
//   each extra module costs a resolve, a read and a link). Node built-ins come from
//   `process.getBuiltinModule` instead of `import`, because importing a built-in builds an ES module
//   facade that reads every export (`node:fs` then loads its streams);
// - dist/yaml.cjs: the yaml package, required by dist/cmp.mjs only when a document needs the full
//   parser (most documents are read by src/cmp/scan.ts in one pass) or a YAML file is read.
import { build, type Plugin } from 'esbuild';
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildUi } from './build-ui.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; dependencies: Record<string, string> };
const BUILTINS = new Set(builtinModules);
// The yaml functions src/cmp uses at run time; a missing name fails the build ("No matching export").
const YAML_NAMES = ['parse', 'parseAllDocuments', 'isAlias', 'isMap', 'isPair', 'isScalar', 'isSeq'];

/** Each command is its own bundle, loaded from the entry by a plain dynamic import. */
const commandsApart: Plugin = {
  name: 'commands-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/(?:cmp\/main|commands\/[a-z-]+)\.ts$/ }, (args) => ({ path: args.path.includes('cmp/main') ? './cmp.mjs' : `./${args.path.slice('./commands/'.length, -'.ts'.length)}.mjs`, external: true }));
  },
};

/** Names imported from each built-in anywhere in src/ (`import { a, b as c } from 'node:x'`). */
function builtinImports(): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>([['module', new Set(['createRequire'])]]);
  for (const file of readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
    for (const m of readFileSync(join('src', file), 'utf8').matchAll(/^import \{([^}]*)\} from 'node:([a-z_/]+)'/gm)) {
      const set = names.get(m[2]!) ?? new Set<string>();
      for (const part of m[1]!.split(',').map((p) => p.trim()).filter((p) => p && !p.startsWith('type '))) set.add(part.split(/\s+as\s+/)[0]!);
      names.set(m[2]!, set);
    }
  }
  return names;
}

/**
 * `import { readFileSync } from 'node:fs'` becomes one property read of
 * `process.getBuiltinModule('node:fs')`: no facade, no copy of the module's other exports. A name
 * this does not export fails the build ("No matching export").
 */
const builtinsWithoutFacade: Plugin = {
  name: 'builtins-without-facade',
  setup(b) {
    const imports = builtinImports();
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      return BUILTINS.has(name) ? { path: name, namespace: 'builtin' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      loader: 'js',
      contents: `const m = process.getBuiltinModule(${JSON.stringify(`node:${args.path}`)});\nexport const { ${[...(imports.get(args.path) ?? [])].join(', ')} } = m;\nexport default m;`,
    }));
  },
};

/** `yaml` becomes functions that require dist/yaml.cjs on first use. */
const lazyYaml: Plugin = {
  name: 'lazy-yaml',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, () => ({ path: 'yaml', namespace: 'lazy-yaml' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-yaml' }, () => ({
      loader: 'js',
      contents: [
        "import { createRequire } from 'node:module';",
        'let yaml;',
        "const load = () => (yaml ??= createRequire(import.meta.url)('./yaml.cjs'));",
        ...YAML_NAMES.map((n) => `export const ${n} = (...args) => load().${n}(...args);`),
      ].join('\n'),
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  sourcemap: false,
  legalComments: 'none',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
} as const;

// Build into a private folder, then swap it in: several test runs may build at once.
const tmp = `dist.tmp-${process.pid}`;
// The entry imports nothing at all: even `import 'node:module'` costs a facade on every start.
await build({ ...common, entryPoints: { cli: 'src/cli.ts' }, outdir: tmp, outExtension: { '.js': '.mjs' }, format: 'esm', plugins: [commandsApart] });
await build({
  ...common,
  // The config YAML worker is an entry too: the service starts it by file (src/config/yaml-off-thread.ts).
  entryPoints: { serve: 'src/commands/serve.ts', resolve: 'src/commands/resolve.ts', 'check-config': 'src/commands/check-config.ts', operate: 'src/commands/operate.ts', 'config-yaml-worker': 'src/config/yaml-worker.ts' },
  entryNames: '[name]',
  outdir: tmp,
  outExtension: { '.js': '.mjs' },
  splitting: true,
  format: 'esm',
  // Dependencies stay in node_modules, except yaml: bundled into the chunk that uses it.
  external: Object.keys(pkg.dependencies).filter((name) => name !== 'yaml'),
  // yaml's Node build is CommonJS and requires node builtins; give bundled chunks a `require`.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
await build({
  ...common,
  entryPoints: { cmp: 'src/cmp/main.ts' },
  outdir: tmp,
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  plugins: [builtinsWithoutFacade, lazyYaml],
  external: Object.keys(pkg.dependencies).filter((name) => name !== 'yaml'),
});
await build({ ...common, entryPoints: { yaml: 'node_modules/yaml/dist/index.js' }, outdir: tmp, outExtension: { '.js': '.cjs' }, format: 'cjs' });
// The status page and the Argo CD extension (dist/ui).
await buildUi(tmp);
rmSync('dist', { recursive: true, force: true });
renameSync(tmp, 'dist');
