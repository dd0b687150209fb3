// The architecture, as rules `npm run lint` enforces over the import graph of src/ (dependency-cruiser:
// https://github.com/sverweij/dependency-cruiser/blob/main/doc/rules-reference.md). docs/architecture.md
// explains the folders; this file is the part a machine checks. When a rule blocks a change, move the
// code to where the rule allows it rather than widening the rule.

/**
 * The pure core: image references and platforms, tag policies, config parsers, registry payload
 * guards, the poller's decisions, the generator's parameter building, the CMP's rewriting, cluster
 * Secret reading and webhook payload parsing. Given the same input they give the same output; they
 * never reach a file, a socket, a child process or a server framework, not even through another
 * module. I/O is passed in (an injected client or logger), so these stay testable without peers.
 */
const PURE_CORE = [
  '^src/image/',
  '^src/policy/',
  '^src/config/(parse[^/]*|suggest|freeze|defaults|types|errors|reader)[.]ts$',
  '^src/registry/(manifest|media-types|pagination|auth|retry|digest)[.]ts$',
  '^src/poller/(decide|explain|plan|schedule|scan)[.]ts$',
  '^src/generator/(params|input|platforms|access|usage)[.]ts$',
  '^src/cmp/(aliases|announce|documents|options|overrides|parameters|paths|rewrite|scalar|walk)[.]ts$',
  '^src/clusters/(secrets|selector|normalize)[.]ts$',
  '^src/webhooks/(distribution|dockerhub|ghcr|harbor|ecr|acr|quay|gar|event|setup|match)[.]ts$',
  '^src/cache/(staleness|outcome)[.]ts$',
  '^src/shared/(secret-source|errors|clock)[.]ts$',
  '^src/promotion/',
];

/**
 * Modules that do I/O: the file system, sockets, TLS, HTTP clients and servers, child processes.
 * Loggers and metrics registries (pino, prom-client) are not listed: the core receives a logger.
 */
const IO_MODULES = [
  '^(node:)?(fs|fs/promises|net|http|https|http2|tls|dns|child_process|dgram|worker_threads|cluster|v8|timers/promises)$',
  '^node_modules/(undici|execa|fastify)/',
];

module.exports = {
  forbidden: [
    {
      name: 'pure-core-does-no-io',
      comment: 'The pure core never reaches an I/O module, directly or through another module: inject the I/O instead.',
      severity: 'error',
      from: { path: PURE_CORE },
      to: { path: IO_MODULES, reachable: true },
    },
    {
      name: 'cmp-uses-only-image-and-shared',
      comment: 'The CMP sidecar ships alone: it may use image/ and shared/, nothing of the generator service.',
      severity: 'error',
      from: { path: '^src/cmp/' },
      to: { path: '^src/', pathNot: '^src/(cmp|image|shared)/' },
    },
    {
      name: 'generator-does-not-call-registries',
      comment: 'The generator answers from the resolution cache; only the poller talks to registries.',
      severity: 'error',
      from: { path: '^src/generator/' },
      to: { path: '^src/registry/' },
    },
    {
      name: 'registry-knows-no-cache',
      comment: 'The registry client reads registries; what is kept of its answers is the caller\'s business.',
      severity: 'error',
      from: { path: '^src/registry/' },
      to: { path: '^src/cache/' },
    },
    {
      name: 'image-uses-only-shared',
      comment: 'image/ is the innermost domain: references and platforms everyone else names.',
      severity: 'error',
      from: { path: '^src/image/' },
      to: { path: '^src/', pathNot: '^src/(image|shared)/' },
    },
    {
      name: 'shared-is-the-bottom',
      comment: 'shared/ (errors, clock, logger, secrets) depends on no domain folder.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'no-cycle-between-folders',
      comment: 'Folders form a directed graph: when two folders need each other, the shared part belongs in a third (or in the lower one).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-cycle-between-files',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-stands-alone',
      comment: 'Shipped code never imports tests, benchmarks or build scripts.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
  ],
  options: {
    // Type-only imports count: a type that crosses a forbidden line is a dependency all the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    // The one sanctioned upward reach: shared/error-codes.ts gathers every domain's code union so that
    // AppError accepts only documented codes. It imports types only (erased from the build), so it
    // creates no runtime dependency; left in the graph it would show as shared/ ↔ every folder.
    exclude: { path: '^src/shared/error-codes[.]ts$' },
  },
};
