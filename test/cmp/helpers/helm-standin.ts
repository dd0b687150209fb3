// A stand-in for helm on the sidecar PATH. Helm cannot be installed on these machines (no internet
// beyond npm and Debian), so this executable records the arguments and working directory it was
// given and prints what `helm template` prints (a `# Source:` comment per document), reading the
// release name after `--` and the namespace from `--namespace=`, as helm's flag parser would.
import type { TestContext } from 'node:test';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sidecarBin } from './sidecar.ts';

const STAND_IN = `#!/usr/bin/env node
// helm stand-in: records argv and cwd, answers like helm would.
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(process.env.HELM_STANDIN_RECORD, JSON.stringify({ args, cwd: process.cwd() }) + '\\n');
if (process.env.HELM_STANDIN_FAIL) { process.stderr.write('Error: template: web/templates/deployment.yaml:7: bad value\\n'); process.exit(1); }
const sleep = Number(process.env.HELM_STANDIN_SLEEP || 0);
setTimeout(() => {
  if (args[0] === 'dependency') { fs.mkdirSync('charts', { recursive: true }); fs.writeFileSync('charts/redis-19.0.0.tgz', ''); return; }
  const dash = args.indexOf('--');
  const release = dash === -1 ? args[1] : args[dash + 1];
  const ns = (args.find((a) => a.startsWith('--namespace=')) || '').slice('--namespace='.length);
  if (process.env.HELM_STANDIN_INVALID_UTF8) process.stdout.write(Buffer.from([0x23, 0x20, 0xff, 0x0a]));
  process.stdout.write('---\\n# Source: web/templates/deployment.yaml\\napiVersion: apps/v1\\nkind: Deployment\\nmetadata:\\n  name: ' + release + '-web\\n  namespace: ' + ns + '\\nspec:\\n  template:\\n    spec:\\n      containers:\\n        - name: web\\n          image: "ghcr.io/acme/web:1.0.0"\\n');
}, sleep);
`;

export const CHART = 'apiVersion: v2\nname: web\nversion: 0.1.0\n';

export function standIn(t: TestContext): { bin: string; record: string; calls: () => { args: string[]; cwd: string }[] } {
  const bin = sidecarBin(t);
  writeFileSync(join(bin, 'helm'), STAND_IN);
  chmodSync(join(bin, 'helm'), 0o755);
  const dir = mkdtempSync(join(tmpdir(), 'helm-record-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const record = join(dir, 'calls.jsonl');
  const calls = () => (existsSync(record) ? readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { args: string[]; cwd: string }) : []);
  return { bin, record, calls };
}
