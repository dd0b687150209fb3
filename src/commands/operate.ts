// `argocd-image-plugins hold|release|approve|promote|status`: operations on the running service,
// over its operations API with an operator token (docs/promotion.md, "Operations (CLI and API)").
// Exit codes: 0 done, 1 refused or unreachable (the message has the code), 2 usage.
import { isAppError, describeError } from '../shared/errors.ts';
import type { OperationRecord } from '../operations/types.ts';
import { parseInvocation, USAGE, UsageError, type OperationsCommand } from './operations/args.ts';
import { call } from './operations/client.ts';
import { formatRecord, formatStatus } from './operations/format.ts';

export function command(name: OperationsCommand): { run(argv: readonly string[]): Promise<number> } {
  return { run: (argv) => run(name, argv, process.env) };
}

async function run(name: OperationsCommand, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`usage: argocd-image-plugins ${USAGE[name]}\n`);
    return 0;
  }
  let invocation;
  try {
    invocation = parseInvocation(name, argv, env, Date.now());
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${name}: ${err.message}\nusage: argocd-image-plugins ${USAGE[name]}\n`);
    return 2;
  }
  try {
    const answer = await call(invocation, env);
    if (answer.status >= 400) {
      process.stderr.write(`${name}: ${String(answer.body.code ?? answer.status)}: ${String(answer.body.message ?? 'refused')}\n`);
      if (invocation.json) process.stdout.write(`${JSON.stringify(answer.body, null, 2)}\n`);
      return 1;
    }
    if (invocation.json) process.stdout.write(`${JSON.stringify(answer.body, null, 2)}\n`);
    else process.stdout.write(name === 'status' ? formatStatus(answer.body) : formatRecord(answer.body.record as OperationRecord));
    return 0;
  } catch (err) {
    process.stderr.write(`${name}: ${isAppError(err) ? `${err.code}: ` : ''}${describeError(err)}\n`);
    return 1;
  }
}
