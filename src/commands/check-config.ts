// `argocd-image-plugins check-config [--online] [--webhooks] [FILE]`: validate a config file the way `serve` would
// read it and list every problem, one `path: message` per line. FILE defaults to --config FILE or
// $ARGOCD_IMAGE_PLUGINS_CONFIG. With --online, also resolve every watch against its registry and name
// each one that does not resolve. With --webhooks, print which webhook to register at each registry
// the watches use (src/webhooks/setup.ts). Exit 0 when valid (and, online, every watch resolves), 1 when not
// (or unreadable), 2 on usage errors.
import { configPathFrom, parseConfigText, readConfigText } from '../config/load.ts';
import { formatIssue } from '../config/parse.ts';
import { describeError, isAppError } from '../shared/errors.ts';
import { checkOnline } from './online-check.ts';
import { checkVerifyMaterial } from '../verify/material-check.ts';
import { webhookSetupLines } from '../webhooks/setup.ts';

const USAGE = 'usage: argocd-image-plugins check-config [--online] [--webhooks] [FILE | --config FILE]\n';

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The file named by the arguments, or a usage error message. */
function fileFrom(argv: readonly string[]): { file: string } | { usage: string } {
  const positional = argv.filter((a, i) => !a.startsWith('-') && argv[i - 1] !== '--config');
  const unknown = argv.filter((a) => a.startsWith('-') && a !== '--config' && a !== '--online' && a !== '--webhooks' && !a.startsWith('--config='));
  if (unknown.length > 0) return { usage: `unknown option ${unknown[0]}` };
  if (positional.length > 1) return { usage: `one config file at a time (got ${positional.length})` };
  if (positional.length === 1) {
    if (argv.some((a) => a === '--config' || a.startsWith('--config='))) return { usage: 'give the file either as an argument or with --config, not both' };
    return { file: positional[0]! };
  }
  try {
    return { file: configPathFrom(argv, process.env) };
  } catch (err) {
    return { usage: describeError(err) };
  }
}

export async function run(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const target = fileFrom(argv);
  if ('usage' in target) {
    process.stderr.write(`check-config: ${target.usage}\n${USAGE}`);
    return 2;
  }
  let text: string;
  try {
    text = await readConfigText(target.file);
  } catch (err) {
    process.stderr.write(`check-config: ${isAppError(err) ? err.message : describeError(err)}\n`);
    return 1;
  }
  const result = parseConfigText(text, target.file);
  if (!result.ok) {
    process.stdout.write(result.issues.map((i) => `${formatIssue(i)}\n`).join(''));
    process.stderr.write(`check-config: ${target.file}: ${plural(result.issues.length, 'problem', 'problems')}\n`);
    return 1;
  }
  const { config } = result;
  const material = checkVerifyMaterial(config);
  if (material.problems.length > 0) {
    process.stdout.write([...material.problems, ...material.unchecked.map((l) => `not checked: ${l}`)].map((l) => `${l}\n`).join(''));
    process.stderr.write(`check-config: ${target.file}: ${plural(material.problems.length, 'problem', 'problems')}\n`);
    return 1;
  }
  process.stdout.write(`ok: ${plural(config.watches.length, 'watch', 'watches')}, ${plural(config.registries.length, 'registry', 'registries')}\n`);
  if (material.unchecked.length > 0) process.stdout.write(material.unchecked.map((l) => `not checked: ${l}\n`).join(''));
  if (argv.includes('--webhooks')) {
    process.stdout.write(webhookSetupLines(config.watches.map((w) => w.registry), config.server.webhooks.secret !== undefined).map((l) => `${l}\n`).join(''));
  }
  return argv.includes('--online') ? online(config) : 0;
}

async function online(config: Parameters<typeof checkOnline>[0]): Promise<number> {
  const { lines, failed } = await checkOnline(config);
  process.stdout.write(lines.map((l) => `${l}\n`).join(''));
  if (failed.length === 0) return 0;
  process.stderr.write(`check-config: ${plural(failed.length, 'watch does', 'watches do')} not resolve: ${failed.join(', ')}\n`);
  return 1;
}
