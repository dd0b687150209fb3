// A copy of the built CLI that another user can run wherever the checkout lives: the checkout may sit
// under an owner-only (0700) directory such as /root or a `mktemp -d` folder, which uid 65534 cannot
// traverse. The copy holds dist/, the production dependencies (the non-dev entries of
// package-lock.json) and the node binary, hard-linked where the file system allows, else copied.
import { copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Hard links `src` to `dst` (a copy across file systems or where links are refused). */
function linkFile(src: string, dst: string): void {
  try {
    linkSync(src, dst);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw err;
    copyFileSync(src, dst);
  }
}

/** Recreates the tree at `src` under `dst`: new directories (mode from the umask), linked files. */
export function linkTree(src: string, dst: string): void {
  const st = lstatSync(src);
  if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(src), dst);
  } else if (st.isDirectory()) {
    mkdirSync(dst, { recursive: true, mode: 0o755 });
    for (const name of readdirSync(src)) linkTree(join(src, name), join(dst, name));
  } else {
    linkFile(src, dst);
  }
}

/** Top-level folders of node_modules that production code may load (package-lock.json's non-dev entries). */
export function productionPackages(repo: string): string[] {
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([path, meta]) => path.startsWith('node_modules/') && !path.slice('node_modules/'.length).includes('/node_modules/') && meta.dev !== true)
    .map(([path]) => path);
}

/** Fills `dir` with dist/, the production node_modules and bin/node; returns the node binary's path. */
export function makeStandalone(repo: string, dir: string): string {
  linkTree(join(repo, 'dist'), join(dir, 'dist'));
  for (const pkg of productionPackages(repo)) {
    mkdirSync(dirname(join(dir, pkg)), { recursive: true, mode: 0o755 });
    linkTree(join(repo, pkg), join(dir, pkg));
  }
  mkdirSync(join(dir, 'bin'), { mode: 0o755 });
  const node = join(dir, 'bin', 'node');
  linkFile(process.execPath, node);
  return node;
}
