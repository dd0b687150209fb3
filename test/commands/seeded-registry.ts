// For the command tests: a real registry on loopback seeded with the standard images, a folder for
// config files, and a writer for configs that watch that registry. Started once per test file.
import { before, after } from 'node:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { seedStandard, type SeedEntry } from '../helpers/images.ts';

export interface SeededRegistry {
  readonly reg: TestRegistry;
  readonly seed: readonly SeedEntry[];
  readonly dir: string;
  /** Writes `name` in the folder: the registry (insecure) and the given `watches:` entries. */
  writeConfig(name: string, watches: string): Promise<string>;
}

export function useSeededRegistry(prefix: string): SeededRegistry {
  const state: { reg?: TestRegistry; seed?: SeedEntry[]; dir?: string } = {};
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the seeded registry is started in before()');
    return value;
  };
  before(async () => {
    state.reg = await startRegistry();
    state.seed = await seedStandard(state.reg);
    state.dir = await mkdtemp(join(tmpdir(), prefix));
  });
  after(async () => {
    await state.reg?.stop();
    if (state.dir) await rm(state.dir, { recursive: true, force: true });
  });
  return {
    get reg() {
      return ready(state.reg);
    },
    get seed() {
      return ready(state.seed);
    },
    get dir() {
      return ready(state.dir);
    },
    async writeConfig(name, watches) {
      const file = join(ready(state.dir), name);
      await writeFile(file, `registries:\n  - { host: "${ready(state.reg).host}", insecure: true }\nwatches:\n${watches}`);
      return file;
    },
  };
}
