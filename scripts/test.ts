// `npm test`: the whole suite, the same command CI runs. Builds the CLI (the CMP tests spawn it as
// argocd-cmp-server would), makes sure the real registry is installed, then runs node's test runner
// over every test file.
import { spawnSync } from 'node:child_process';
import { ensureTools } from './ensure-tools.ts';

function step(title: string, cmd: string, args: string[]): void {
  process.stderr.write(`\n== ${title}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`${title} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status ?? 1);
  }
}

ensureTools();
step('build', process.execPath, ['scripts/build.ts']);
const files = process.argv.slice(2);
step('tests', process.execPath, [
  '--test',
  '--test-reporter=spec',
  '--test-concurrency=2',
  '--test-timeout=120000',
  ...(files.length > 0 ? files : ['test/**/*.test.ts']),
]);
