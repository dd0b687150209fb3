// Every command the docs show runs as written where the system `node` is older than the Node.js 24
// the code needs: a `node …` command is written `npx node …` (the project's own Node.js 24 from
// node_modules) or runs with node_modules/.bin first on PATH; `npm run`/`npm test` do that themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
/** `node` as a command word: at the start of a command, followed by a file or a flag. */
const NODE_COMMAND = /(^|[`;&|(]\s*|^\s+|\$\s+)node\s+(?=[\w./-]*\.[cm]?[jt]s\b|--?[a-z])/;
const PROJECT_NODE = /(npx\s+node\s)|(node_modules\/\.bin:\$PATH"?\s+node\s)/;

function docs(): string[] {
  return ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
}

test('every node command in the docs uses the project\'s Node.js 24', () => {
  const offenders: string[] = [];
  let seen = 0;
  for (const file of docs()) {
    readFileSync(join(ROOT, file), 'utf8').split('\n').forEach((line, i) => {
      for (const part of line.split(/(?=`)/)) {
        if (PROJECT_NODE.test(part)) seen++;
        else if (NODE_COMMAND.test(part)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assert.ok(seen > 5, 'the scan finds the npx node commands');
  assert.deepEqual(offenders, []);
});

test('the scan flags a bare node command', () => {
  assert.ok(NODE_COMMAND.test('run `node bench/load.ts`'));
  assert.ok(NODE_COMMAND.test('node --test test/a.test.ts'));
  assert.ok(!NODE_COMMAND.test('the Node.js 24 node dev dependency'));
  assert.ok(PROJECT_NODE.test('`npx node bench/load.ts`'));
});
