// Changes the password a Basic-auth test registry accepts. Distribution re-reads its htpasswd file
// when the file changes, so a rotated or revoked password applies to the running registry.
import { execFile } from 'node:child_process';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function setRegistryPassword(dir: string, username: string, password: string): Promise<void> {
  const { stdout } = await run('htpasswd', ['-Bbn', '-C', '5', username, password]);
  const file = join(dir, 'htpasswd');
  await writeFile(`${file}.new`, stdout);
  await rename(`${file}.new`, file);
}
