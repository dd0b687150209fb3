// Fast checks of the Dockerfile (no engine needed): multi-stage, pinned bases, uid 999, verified
// downloads, production dependencies only, plugin.yaml where argocd-cmp-server reads it, no secrets,
// a context limited by .dockerignore. The image itself is built and run by scripts/container-build.ts.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { isPinnedImage, lintDockerfile, parseDockerfile } from './dockerfile-lint.ts';

const REPO = resolve(import.meta.dirname, '../..');
const TEXT = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
const IGNORE = readFileSync(join(REPO, '.dockerignore'), 'utf8');
const df = parseDockerfile(TEXT);
const stage = (name: string): NonNullable<ReturnType<typeof df.stages.find>> => df.stages.find((s) => s.name === name) ?? assert.fail(`no stage ${name}`);

describe('Dockerfile', () => {
  it('keeps every rule', () => {
    assert.deepEqual(lintDockerfile(df, { dockerignore: IGNORE }), []);
  });

  it('selects the render-tools stage by build argument, both choices existing', () => {
    const tools = stage('tools');
    assert.equal(tools.from, `tools-${df.globalArgs.RENDER_TOOLS}`);
    assert.equal(df.globalArgs.RENDER_TOOLS, 'download', 'real builds download kustomize and helm by default');
    assert.match(TEXT, /^FROM tools-\$\{RENDER_TOOLS\} AS tools$/m);
    stage('tools-download');
    stage('tools-none');
  });

  it('pins kustomize and helm by version and by a SHA-256 for each architecture', () => {
    const args = Object.fromEntries(stage('tools-download').instructions.filter((i) => i.keyword === 'ARG').map((i) => i.args.split('=') as [string, string]));
    assert.match(args.KUSTOMIZE_VERSION ?? '', /^\d+\.\d+\.\d+$/);
    assert.match(args.HELM_VERSION ?? '', /^\d+\.\d+\.\d+$/);
    for (const tool of ['KUSTOMIZE', 'HELM']) {
      for (const arch of ['AMD64', 'ARM64']) assert.match(args[`${tool}_SHA256_${arch}`] ?? '', /^[a-f0-9]{64}$/, `${tool}_SHA256_${arch}`);
    }
    const run = stage('tools-download').instructions.find((i) => i.keyword === 'RUN')?.args ?? '';
    assert.match(run, /sha256sum -c -/);
    assert.ok(run.indexOf('sha256sum -c') < run.indexOf('tar -xzf'), 'verify before unpacking');
  });

  it('bakes plugin.yaml whose commands run the binary the image puts on PATH', () => {
    const plugin = parse(readFileSync(join(REPO, 'plugin.yaml'), 'utf8')) as { spec: Record<string, { command?: string[] } | undefined> & { parameters?: { dynamic?: { command?: string[] } } } };
    const commands = [plugin.spec.init?.command, plugin.spec.generate?.command, plugin.spec.parameters?.dynamic?.command].filter((c): c is string[] => c !== undefined);
    assert.ok(commands.length > 0);
    const final = df.stages.at(-1)!;
    const link = final.instructions.find((i) => i.keyword === 'RUN' && /ln -s \/app\/dist\/cli\.mjs \/usr\/local\/bin\/argocd-image-plugins/.test(i.args));
    assert.ok(link, '/usr/local/bin/argocd-image-plugins links to the bundled CLI');
    for (const c of commands) assert.ok(c[0] === 'argocd-image-plugins' || c[0] === '/usr/local/bin/argocd-image-plugins', `plugin.yaml command ${c.join(' ')}`);
    assert.deepEqual(final.instructions.find((i) => i.keyword === 'ENTRYPOINT')?.args, '["/usr/local/bin/argocd-image-plugins"]');
  });

  it('uses the optional extra-ca build secret for every step that reaches the npm registry or the internet', () => {
    for (const s of df.stages) {
      for (const i of s.instructions.filter((x) => x.keyword === 'RUN' && /\bnpm ci\b|fetch\(/.test(x.args))) {
        assert.match(i.args, /--mount=type=secret,id=extra-ca,required=false/, `line ${i.line}`);
      }
    }
  });
});

describe('Dockerfile rules catch what they are for', () => {
  const good = `ARG NODE_IMAGE=docker.io/library/node:24.21.0-bookworm-slim
FROM \${NODE_IMAGE} AS deps
RUN npm ci --omit=dev
FROM \${NODE_IMAGE} AS runtime
COPY --from=deps /app/node_modules/ ./node_modules/
COPY plugin.yaml /home/argocd/cmp-server/config/plugin.yaml
USER 999
`;
  const lint = (text: string, dockerignore = '*\n!plugin.yaml\n'): string[] => lintDockerfile(parseDockerfile(text), { dockerignore });

  it('accepts a minimal good file', () => {
    assert.deepEqual(lint(good), []);
  });

  const cases: Array<[string, string, RegExp, string?]> = [
    ['an unpinned base', good.replace('24.21.0-bookworm-slim', '24-bookworm-slim'), /not pinned/],
    ['a root runtime', good.replace('USER 999\n', ''), /USER is unset/],
    ['a single stage', 'FROM docker.io/library/node:24.21.0-bookworm-slim\nUSER 999\n', /not multi-stage/],
    ['ADD from a URL', good.replace('USER 999', 'ADD https://example.com/tool /usr/local/bin/tool\nUSER 999'), /ADD/],
    ['an unverified download', good.replace('USER 999', 'RUN curl -fsSLo /usr/local/bin/tool https://example.com/tool\nUSER 999'), /without a sha256sum -c/],
    ['dev dependencies in the runtime', good.replace('npm ci --omit=dev', 'npm ci'), /--omit=dev/],
    ['plugin.yaml elsewhere', good.replace('/home/argocd/cmp-server/config/plugin.yaml', '/plugin.yaml'), /plugin\.yaml is not copied/],
    ['a secret in ENV', good.replace('USER 999', 'ENV NPM_TOKEN=abc\nUSER 999'), /looks like a secret/],
    ['a copied .npmrc', good.replace('USER 999', 'COPY .npmrc /root/.npmrc\nUSER 999'), /credentials file/],
    ['a context that is not an allow-list', good, /allow-list/, 'node_modules\n'],
    ['a COPY the allow-list does not cover', good.replace('USER 999', 'COPY src/ /app/src/\nUSER 999'), /COPY src\/ is not in/],
    ['a Node 22 runtime', good.replace(/24\.21\.0/g, '22.12.0'), /not a pinned Node 24 image/],
  ];
  for (const [what, text, expected, dockerignore] of cases) {
    it(`reports ${what}`, () => {
      const problems = lint(text, dockerignore);
      assert.ok(problems.some((p) => expected.test(p)), `expected ${String(expected)} in ${JSON.stringify(problems)}`);
    });
  }

  it('recognises pinned references', () => {
    assert.equal(isPinnedImage('docker.io/library/node:24.21.0-bookworm-slim'), true);
    assert.equal(isPinnedImage(`node:24@sha256:${'a'.repeat(64)}`), true);
    assert.equal(isPinnedImage('node:24-bookworm-slim'), false);
    assert.equal(isPinnedImage('node:latest'), false);
    assert.equal(isPinnedImage('localhost:5000/node'), false);
  });
});
