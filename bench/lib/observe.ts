// Watches a running service from outside, as Argo CD would: getparams for each watch on a short
// period, /api/v1/images for the staleness flags, and checks on every answer the safety rules of
// The invariants: never 2xx with an empty list, never a digest the registry did not give for that
// tag, never a resolution that moves backwards, and (once a last good exists) never an error.
import semver from 'semver';
import { getParams, imageStates, paramSets } from './service.ts';

export interface ObserverOptions {
  readonly url: string;
  readonly token: string;
  readonly watches: readonly string[];
  /** The digest the registry holds for (watch, tag), or undefined when that tag was never pushed. */
  readonly truth: (watch: string, tag: string) => string | undefined;
  /** The tag only a healthy registry can reveal during this phase. */
  readonly faultTag: string;
  /** Tags that may be served as last good; empty = nothing resolved yet (cold start). */
  readonly allowedBefore: readonly string[];
  /** Every answer must be 2xx from the first one (a restored cache). */
  readonly requireFromStart?: boolean;
  /** Clusters each 2xx answer must list (default 2). */
  readonly clusters?: number;
  readonly everyMs?: number;
}

export interface WatchSummary {
  readonly text: string;
  readonly newestDuringFault: boolean;
}

export interface Observer {
  /** Asks repeatedly for `ms` (the fault holds). */
  run(ms: number): Promise<void>;
  /** Asks until every watch serves `tag` or `timeoutMs` passes; the time each first served it. */
  untilNewest(tag: string, timeoutMs: number): Promise<Map<string, number>>;
  summary(watch: string): WatchSummary;
  staleSeen(watch: string): boolean;
  /** A scan of this watch finished while the fault held (its lastCheckedAt moved). */
  scannedDuringFault(watch: string): boolean;
  violations(): readonly string[];
  answers(): number;
}

export function createObserver(o: ObserverOptions): Observer {
  const clusters = o.clusters ?? 2;
  const everyMs = o.everyMs ?? 100;
  const last = new Map<string, string>();
  const counts = new Map<string, Map<string, number>>();
  const stale = new Set<string>();
  const checkedAt = new Map<string, string | null>();
  const checkedDuringHold = new Set<string>();
  const newestSeen = new Set<string>();
  const problems: string[] = [];
  let total = 0;
  let holding = true;

  function violation(text: string): void {
    if (problems.length < 50) problems.push(text);
  }

  function tally(watch: string, key: string): void {
    if (!holding) return;
    const m = counts.get(watch) ?? new Map<string, number>();
    m.set(key, (m.get(key) ?? 0) + 1);
    counts.set(watch, m);
  }

  async function ask(watch: string): Promise<string | undefined> {
    const reply = await getParams(o.url, o.token, { applicationSetName: 'reliability', input: { parameters: { images: [watch] } } });
    total += 1;
    if (reply.status < 200 || reply.status >= 300) {
      let code = '?';
      try {
        code = (JSON.parse(reply.text) as { code?: string }).code ?? '?';
      } catch {
        violation(`${watch}: error ${reply.status} without a JSON error body: ${reply.text.slice(0, 120)}`);
      }
      tally(watch, `${reply.status} ${code}`);
      if (o.requireFromStart || last.has(watch) || o.allowedBefore.length > 0) violation(`${watch}: answered ${reply.status} ${code} although a last good resolution exists`);
      return undefined;
    }
    const sets = paramSets(reply);
    if (sets.length === 0) {
      violation(`${watch}: 2xx with an empty parameter list`);
      return undefined;
    }
    if (sets.length !== clusters) violation(`${watch}: ${sets.length} parameter sets, expected ${clusters}`);
    const image = sets[0]?.images[watch];
    if (!image) {
      violation(`${watch}: 2xx without images.${watch}`);
      return undefined;
    }
    const want = o.truth(watch, image.tag);
    if (want === undefined || want !== image.digest) violation(`${watch}: served ${image.tag}@${image.digest}, the registry has ${want ?? 'no such tag'}`);
    const prev = last.get(watch);
    if (prev !== undefined && semver.lt(image.tag, prev)) violation(`${watch}: moved backwards from ${prev} to ${image.tag}`);
    if (image.tag !== o.faultTag && !o.allowedBefore.includes(image.tag)) violation(`${watch}: served ${image.tag}, neither last good nor newest`);
    if (image.tag === o.faultTag && holding) newestSeen.add(watch);
    last.set(watch, image.tag);
    tally(watch, `200 ${image.tag}`);
    return image.tag;
  }

  async function flags(): Promise<void> {
    for (const s of await imageStates(o.url, o.token)) {
      if (s.stale && s.lastError !== null) stale.add(s.watch);
      if (!checkedAt.has(s.watch)) checkedAt.set(s.watch, s.lastCheckedAt);
      else if (checkedAt.get(s.watch) !== s.lastCheckedAt) checkedDuringHold.add(s.watch);
    }
  }

  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  return {
    async run(ms) {
      holding = true;
      const end = Date.now() + ms;
      while (Date.now() < end) {
        await Promise.all([...o.watches.map((w) => ask(w)), flags()]);
        await sleep(everyMs);
      }
      holding = false;
    },
    async untilNewest(tag, timeoutMs) {
      holding = false;
      const at = new Map<string, number>();
      const end = Date.now() + timeoutMs;
      while (at.size < o.watches.length && Date.now() < end) {
        await Promise.all(
          o.watches.filter((w) => !at.has(w)).map(async (w) => {
            if ((await ask(w)) === tag) at.set(w, Date.now());
          }),
        );
        await sleep(50);
      }
      return at;
    },
    summary(watch) {
      const m = counts.get(watch) ?? new Map<string, number>();
      const text = [...m.entries()].map(([k, n]) => `${k} ×${n}`).join(', ') || 'no answer';
      return { text, newestDuringFault: newestSeen.has(watch) };
    },
    staleSeen: (watch) => stale.has(watch),
    scannedDuringFault: (watch) => checkedDuringHold.has(watch),
    violations: () => problems,
    answers: () => total,
  };
}
