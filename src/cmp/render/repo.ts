// The repository root and the rule "nothing outside it". argocd-cmp-server unpacks the repository
// into a fresh directory and runs the command in the application's directory, `spec.source.path`
// below the root, which it passes as ARGOCD_APP_SOURCE_PATH (Argo CD's config-management-plugins.md). A path a
// renderer will read is judged by its real path (every symlink resolved), never by its text: a
// symlinked directory inside the repository may point anywhere.
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';
import { cmpError } from '../errors.ts';

/**
 * The repository root: the working directory minus `spec.source.path`, counted after normalising
 * the path (`apps/web/x/..` is two levels, not four: counting its text would put the root above
 * the repository). A path that leaves the repository is refused.
 */
export function repositoryRoot(cwd: string, sourcePath: string | undefined): string {
  const normal = posix.normalize(sourcePath || '.').replace(/^\/+|\/+$/g, '');
  if (normal === '' || normal === '.') return cwd;
  if (normal.split('/').includes('..')) throw outside(`ARGOCD_APP_SOURCE_PATH "${(sourcePath ?? '').slice(0, 200)}"`);
  return resolve(cwd, ...Array<string>(normal.split('/').length).fill('..'));
}

/** The real path of the repository root. */
export function realRepositoryRoot(cwd: string, sourcePath: string | undefined): string {
  return realpathSync(repositoryRoot(cwd, sourcePath));
}

/** True when `path` (already real) is `root` or below it. */
export function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !rel.startsWith(sep));
}

function outside(what: string): Error {
  return cmpError('CMP_OUTSIDE_REPOSITORY', `${what} leaves the repository (through ".." or a symlink); the plugin reads files from the repository only`);
}

/**
 * The real path of `path` (relative to `base`) when it exists, undefined when it does not; throws
 * CMP_OUTSIDE_REPOSITORY when it exists but leaves the repository root, through `..` or a symlink.
 */
export function realInside(path: string, base: string, root: string, what: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(resolve(base, path));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      if (!inside(resolve(base, path), root)) throw outside(what);
      return undefined;
    }
    throw cmpError('CMP_RENDER_FAILED', `${what}: cannot be read (${code ?? 'error'})`, { cause });
  }
  if (!inside(real, root)) throw outside(what);
  return real;
}

const MAX_TREE_ENTRIES = 20_000;

/**
 * Every symlink under `dir` (helm reads a chart's whole directory and follows its symlinks) must
 * resolve inside the repository; symlinked directories are followed once. Throws
 * CMP_OUTSIDE_REPOSITORY naming the link, CMP_INPUT_TOO_LARGE past 20 000 entries.
 */
export function checkSymlinksInside(dir: string, root: string, what: string, check: () => void): void {
  const seen = new Set<string>([realpathSync(dir)]);
  let entries = 0;
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      check();
      if (++entries > MAX_TREE_ENTRIES) throw cmpError('CMP_INPUT_TOO_LARGE', `${what} holds more than ${MAX_TREE_ENTRIES} files`);
      const child = join(path, name);
      const st = lstatSync(child);
      let real = child;
      if (st.isSymbolicLink()) {
        const shown = `${what}: ${relative(dir, child)}`;
        real = realInside(child, path, root, shown) ?? child; // a dangling link reads nothing
        if (real === child) continue;
      }
      if (!(st.isSymbolicLink() ? statSync(real).isDirectory() : st.isDirectory()) || seen.has(real)) continue;
      seen.add(real);
      walk(real);
    }
  };
  walk(dir);
}
