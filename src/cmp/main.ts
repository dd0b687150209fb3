// Placeholder while this command is being built; replaced in the same submission.
export async function run(_argv: readonly string[]): Promise<number> {
  process.stderr.write('this command is not built yet\n');
  return 1;
}
