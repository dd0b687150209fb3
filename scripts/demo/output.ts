// Demo output: bold headings on a terminal, plain text everywhere else (CI logs, pipes, NO_COLOR),
// so a log never holds raw escape codes.
const styled = process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

export function say(text: string): void {
  process.stdout.write(styled ? `\n\x1b[1m== ${text}\x1b[0m\n` : `\n== ${text}\n`);
}

export function line(text: string): void {
  process.stdout.write(`  ${text}\n`);
}

/** A block of file-like text, each line behind a gutter. */
export function block(text: string): void {
  process.stdout.write(`${text.replace(/\n$/, '').replace(/^/gm, '  | ')}\n`);
}
