// The corpus of real Kubernetes manifests kept in the repository (test/corpus/: one folder per
// upstream repository, each with its LICENSE and a SOURCE.md naming repository, commit and paths).
import { fileURLToPath } from 'node:url';

export function corpusDir(): string {
  return fileURLToPath(new URL('../corpus', import.meta.url));
}
