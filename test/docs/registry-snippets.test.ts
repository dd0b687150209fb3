// docs/registry.md has one section per registry, each with the same parts, and every config
// snippet in it (a ```yaml block whose first line is `# config-snippet`) is a config the real
// parser accepts: a snippet that drifts from what config.yaml takes fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfigText } from '../../src/config/load.ts';

const DOC = readFileSync(new URL('../../docs/registry.md', import.meta.url), 'utf8');
const PARTS = ['**Auth.**', '**Webhook.**', '**Push time.**', '**Rate limits.**', '**Config.**'];
const REGISTRIES = ['Docker Hub', 'GitHub Container Registry', 'Quay', 'Harbor', 'Amazon ECR', 'Amazon ECR Public', 'Google Artifact Registry', 'Azure Container Registry', 'GitLab', 'CNCF Distribution'];

function configSnippets(markdown: string): string[] {
  return [...markdown.matchAll(/```yaml\n(# config-snippet\n[\s\S]*?)```/g)].map((m) => m[1]!);
}

function perRegistrySections(): Map<string, string> {
  const start = DOC.indexOf('\n## Per registry\n');
  assert.ok(start >= 0, 'docs/registry.md has a "## Per registry" part');
  const rest = DOC.slice(start + 1);
  const end = rest.indexOf('\n## ', 1);
  const part = end < 0 ? rest : rest.slice(0, end);
  const sections = new Map<string, string>();
  for (const chunk of part.split('\n### ').slice(1)) sections.set(chunk.slice(0, chunk.indexOf('\n')), chunk);
  return sections;
}

test('docs/registry.md: a section per registry, each with auth, webhook, push time, rate limits and one config snippet', () => {
  const sections = perRegistrySections();
  for (const name of REGISTRIES) {
    const titles = [...sections.keys()];
    // "Amazon ECR" is its own section, not the start of "Amazon ECR Public (public.ecr.aws)"
    const title = titles.find((t) => t === name) ?? titles.find((t) => t.startsWith(`${name} `) && !REGISTRIES.some((other) => other !== name && other.startsWith(name) && t.startsWith(other)));
    assert.ok(title, `no "### ${name}" section`);
    const body = sections.get(title)!;
    const positions = PARTS.map((p) => body.indexOf(p));
    assert.ok(positions.every((p) => p >= 0), `${title}: missing ${PARTS.filter((_, i) => positions[i]! < 0).join(', ')}`);
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b), `${title}: parts out of order`);
    assert.equal(configSnippets(body).length, 1, `${title}: exactly one config snippet`);
  }
  assert.equal(sections.size, REGISTRIES.length, `sections: ${[...sections.keys()].join(' | ')}`);
});

test('docs/registry.md: every config snippet loads through the config parser, and its watch uses its registry', () => {
  const snippets = configSnippets(DOC);
  assert.ok(snippets.length >= REGISTRIES.length, `only ${snippets.length} snippets`);
  for (const text of snippets) {
    const result = parseConfigText(text, 'docs/registry.md');
    assert.ok(result.ok, `${text}\n${result.ok ? '' : JSON.stringify(result.issues)}`);
    const hosts = result.config.registries.filter((r) => text.includes(`host: ${r.host}`)).map((r) => r.host);
    assert.ok(hosts.length > 0, `a snippet names no registry:\n${text}`);
    assert.ok(result.config.watches.some((w) => hosts.includes(w.registry)), `no watch uses ${hosts.join(', ')}:\n${text}`);
  }
});

test('the snippet extractor finds only marked yaml blocks', () => {
  const md = '```yaml\n# config-snippet\na: 1\n```\n\n```yaml\nb: 2\n```\n```yaml\n# config-snippet\nc: 3\n```\n';
  assert.deepEqual(configSnippets(md), ['# config-snippet\na: 1\n', '# config-snippet\nc: 3\n']);
});
