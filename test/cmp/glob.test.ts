// DIRECTORY_INCLUDE / DIRECTORY_EXCLUDE: the matcher agrees with picomatch (the syntax the docs
// promised before) on ordinary globs, and no glob can make it backtrack: a star-heavy glob against
// a long name is decided in tokens × length steps, and extglobs are refused with a clear error.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { compileGlob } from '../../src/cmp/glob.ts';
import { isAppError } from '../../src/shared/errors.ts';
import { buildCli, repository, runPhase, sidecarBin } from './helpers/sidecar.ts';

before(() => buildCli());

const PATHS = ['a.yaml', 'b.yml', 'x.json', '.hidden.yaml', 'base/a.yaml', 'base/deep/c.yaml', 'overlays/prod/d.yaml', 'a-b.yaml', 'a[1].yaml', 'abc', 'ab/cd.yaml'];
const GLOBS = ['*.yaml', '*.y?ml', '**/*.yaml', 'base/**', 'base/**/*.yaml', '**', '*', '{base,overlays}/**/*.yaml', '[ab]*.yaml', '[^a]*', '[a-c]*', '?.yaml', 'a\\[1\\].yaml', 'base/*', '**/c.yaml', 'a*b*', '*/*.yaml', 'overlays/**/d.yaml', '**/deep/**'];

test('the matcher agrees with picomatch on ordinary globs', () => {
  for (const glob of GLOBS) {
    const ours = compileGlob(glob, 'test');
    const theirs = picomatch(glob, { dot: true });
    for (const path of PATHS) assert.equal(ours(path), theirs(path), `${glob} on ${path}`);
  }
  // `[!a]` negates, as in POSIX globs (picomatch also reads it as the literal text "[!a]").
  assert.equal(compileGlob('[!a]*', 'test')('a.yaml'), false);
  assert.equal(compileGlob('[!a]*', 'test')('b.yml'), true);
});

test('extglobs, negation and over-long globs are refused with the variable named', () => {
  for (const glob of ['+(a|aa)+(a|aa)b', '@(x).yaml', '!(*.json)', '*(a)', '?(a)', '!*.json', 'x'.repeat(257), '{a,{b,c}}', '[abc', '{a,b']) {
    assert.throws(() => compileGlob(glob, 'ARGOCD_ENV_DIRECTORY_INCLUDE'), (err) => isAppError(err) && err.code === 'CMP_OPTIONS_INVALID' && err.message.startsWith('ARGOCD_ENV_DIRECTORY_INCLUDE='), glob);
  }
});

test('a star-heavy glob against a long name is decided without backtracking', { timeout: 60_000 }, async (t) => {
  const name = `${'a'.repeat(60)}.yaml`;
  const glob = `${'*a'.repeat(20)}*b.yaml`;
  assert.equal(compileGlob(glob, 'test')(name), false);
  assert.equal(compileGlob(`${'*a'.repeat(20)}*.yaml`, 'test')(name), true);
  const deploy = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n';
  const { app } = repository(t, { [name]: deploy, 'keep.yaml': deploy.replace('name: x', 'name: keep') });
  // Excluding with the glob that does not match the long name: a backtracking matcher never returns.
  const r = await runPhase('generate', app, sidecarBin(t), { ARGOCD_ENV_IMAGE_OVERRIDES: '{}', ARGOCD_ENV_DIRECTORY_EXCLUDE: glob });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /name: keep\n/);
  assert.match(r.stdout, /name: x\n/);
});
