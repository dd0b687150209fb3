// Every manifest file of test/corpus (real manifests from Argo CD, Argo Rollouts, Istio,
// Knative, Tekton, flux2, kubernetes/examples, kustomize examples): rewrite every image, then check
// (a) the image values equal what the real `kubectl kustomize` produces with an `images:` transformer
// for the same mapping, and (b) every byte outside the rewritten scalars is unchanged.
// kustomize 5.5 skips ephemeralContainers and matches names only as written, so its mapping lists
// every written form of a name, and ephemeral containers are compared against the rewrite's own rule.
// kustomize re-serialises its output, so values are compared, not text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import { rewriteManifests } from '../../src/cmp/rewrite.ts';
import { buildImagePaths } from '../../src/cmp/paths.ts';
import { buildOverrideTable } from '../../src/cmp/overrides.ts';
import { parseImageRef } from '../../src/image/reference.ts';
import { corpusDir } from '../helpers/corpus.ts';
import { kustomizeCommand } from '../../src/cmp/render/kustomize.ts';

const CORPUS = corpusDir();
const NEW_TAG = 'rewritten-by-test';
const paths = buildImagePaths([], 'corpus');

function manifestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...manifestFiles(path));
    else if (/\.(ya?ml|json|injected)$/.test(name) && !/^kustomization\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

/** The name as written, without tag and digest: what kustomize's `images[].name` matches. */
function writtenName(ref: string): string {
  const noDigest = ref.split('@')[0]!;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}

/** Image values under containers / initContainers sequences, read independently of the rewriter
 * (plain JavaScript values: aliases and merge keys expanded by the yaml package). */
function containerImages(text: string): string[] {
  const out: string[] = [];
  const visit = (value: unknown, key: unknown): void => {
    if (value instanceof Map) {
      for (const [k, v] of value) visit(v, k);
    } else if (Array.isArray(value)) {
      for (const item of value) {
        if ((key === 'containers' || key === 'initContainers') && item instanceof Map) {
          const image: unknown = item.get('image');
          if (typeof image === 'string' && parseImageRef(image).ok) out.push(image);
        }
        visit(item, undefined);
      }
    }
  };
  for (const doc of parseAllDocuments(text, { merge: true })) visit(doc.toJS({ maxAliasCount: -1, mapAsMap: true }), undefined);
  return out.sort();
}

/** Each differing line must be the input line with old values replaced by new ones; nothing else. */
function assertOnlyScalarsChanged(input: string, output: string, changes: readonly { from: string; to: string; line: number }[], file: string): void {
  const a = input.split('\n');
  const b = output.split('\n');
  assert.equal(b.length, a.length, `${file}: line count changed`);
  const byLine = new Map<number, { from: string; to: string }[]>();
  for (const c of changes) byLine.set(c.line, [...(byLine.get(c.line) ?? []), c]);
  for (let i = 0; i < a.length; i++) {
    const edits = byLine.get(i + 1);
    if (!edits) {
      assert.equal(b[i], a[i], `${file}:${i + 1} changed without a recorded change`);
      continue;
    }
    let expected = a[i]!;
    for (const e of edits) expected = expected.replace(e.from, e.to);
    assert.equal(b[i], expected, `${file}:${i + 1}`);
  }
}

async function kustomizeImages(file: string, names: Map<string, string>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cmp-corpus-'));
  try {
    copyFileSync(file, join(dir, 'resource.yaml'));
    const images = [...names].map(([name, newName]) => `- name: ${JSON.stringify(name)}\n  newName: ${JSON.stringify(newName)}\n  newTag: ${NEW_TAG}`);
    writeFileSync(join(dir, 'kustomization.yaml'), `resources: [resource.yaml]\nimages:\n${images.join('\n')}\n`);
    const { file: bin, args } = kustomizeCommand(process.env);
    const r = await execa(bin, args, { cwd: dir, reject: false });
    if (r.exitCode !== 0) throw new Error(`kustomize rejects ${file}: ${r.stderr.split('\n')[0]}`);
    return containerImages(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const files = manifestFiles(CORPUS);

test('the corpus is there and large enough to mean something', () => {
  assert.ok(files.length > 150, `only ${files.length} files`);
});

// Over a hundred kustomize runs: on a busy machine this takes minutes, so its own deadline.
test('every corpus file: images equal kustomize\'s, every other byte unchanged', { concurrency: false, timeout: 15 * 60_000 }, async () => {
  let compared = 0;
  let rewritten = 0;
  const notForKustomize: string[] = [];
  const queue = [...files];
  const worker = async (): Promise<void> => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const name = relative(CORPUS, file);
      const text = await readFile(file, 'utf8');
      const first = rewriteManifests(text, { overrides: new Map(), paths, fileName: name });
      const entries: Record<string, string> = {};
      const names = new Map<string, string>();
      for (const use of first.images) {
        entries[use.repository] = `${use.repository}:${NEW_TAG}`;
        names.set(writtenName(use.value), use.repository);
      }
      const result = rewriteManifests(text, { overrides: buildOverrideTable([{ source: 'corpus', entries }]), paths, fileName: name });
      assertOnlyScalarsChanged(text, result.text, result.changes, name);
      assert.equal(result.changes.length, first.images.filter((i) => !i.value.endsWith(`:${NEW_TAG}`)).length, `${name}: every image rewritten`);
      rewritten += result.changes.length;
      const ours = containerImages(result.text);
      assert.ok(ours.every((v) => v.endsWith(`:${NEW_TAG}`)), `${name}: an image escaped the rewrite: ${ours.filter((v) => !v.endsWith(NEW_TAG)).join(', ')}`);
      if (names.size === 0) continue;
      let theirs: string[];
      try {
        theirs = await kustomizeImages(file, names);
      } catch (err) {
        notForKustomize.push(`${name} (${(err as Error).message})`);
        continue;
      }
      assert.deepEqual(ours, theirs, `${name}: image values differ from kustomize`);
      compared++;
    }
  };
  await Promise.all([worker(), worker()]);
  process.stderr.write(`corpus: ${files.length} files, ${rewritten} images rewritten, ${compared} compared with kustomize; not loadable by kustomize: ${notForKustomize.length}\n${notForKustomize.map((n) => `  ${n}`).join('\n')}\n`);
  assert.ok(compared > 60, `only ${compared} files compared with kustomize`);
});
