// Where the shared corpus of real Kubernetes manifests lives: `shared/corpus` beside the
// repository (as CI lays it out), else the workplace's copy.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function corpusDir(): string {
  const candidates = [process.env.CORPUS_DIR, fileURLToPath(new URL('../../../shared/corpus', import.meta.url)), '/work/shared/corpus'];
  const found = candidates.find((c): c is string => c !== undefined && existsSync(c));
  if (!found) throw new Error(`no corpus found (looked in ${candidates.filter(Boolean).join(', ')}); set CORPUS_DIR`);
  return found;
}
