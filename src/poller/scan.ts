// One scan of one repository: list its tags once, then resolve every (watch, environment) that
// reads it. Registry I/O goes through the RegistryClient; choices through decide.ts (pure). Facts
// that never change for a digest come from the metadata store, so steady-state cycles send one
// tags-list walk plus HEADs only where a selection moved or a mutable tag is tracked.
import type { Logger } from '../shared/log.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError, isAppError } from '../shared/errors.ts';
import type { ResolutionCache } from '../cache/store.ts';
import type { MetadataStore } from '../cache/metadata.ts';
import type { RecordedError, Resolution } from '../cache/types.ts';
import type { ImageDetails, RegistryClient, TagListing } from '../registry/types.ts';
import { formatPlatform, platformMatches } from '../registry/manifest.ts';
import type { Platform } from '../image/platform.ts';
import { selectTag, tagsNeedingMetadata } from '../policy/select.ts';
import type { Selection, TagVerdict } from '../policy/types.ts';
import type { Hold, SelectionRule } from '../config/types.ts';
import { decideTag, pinnedRef, type Decision } from './decide.ts';
import type { Gate, Verdict } from '../verify/types.ts';
import { AppError } from '../shared/errors.ts';
import type { RepositoryPlan, Target } from './plan.ts';
import { tagsWorthLookingUpEarly } from './prefetch.ts';
import { isDigest } from '../registry/digest.ts';

export interface ScanDeps {
  readonly client: RegistryClient;
  readonly cache: ResolutionCache;
  readonly metadata: MetadataStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** Keep every tag's verdict in the report (the resolve command); the service keeps only summaries. */
  readonly explain?: boolean;
  /** Signature verdicts, kept across scans by digest (one per poller); a scan without one makes its own. */
  readonly gate?: Gate;
  /** A hold taken as an operation for a watch and environment; it wins over the config's `holds`. */
  readonly operationHold?: (watch: string, environment: string) => Hold | undefined;
  /** Tags a push named (a webhook): those a target would move to are looked up while the tags are listed. */
  readonly named?: readonly string[];
  /**
   * The manifest digest the push named for some of those tags: fetched by digest when the early
   * lookup of the tag fails (the tag not served yet). Never taken as the tag's digest (the registry's
   * answer for the tag says that); what it fetches is content the digest is the hash of, kept by digest.
   */
  readonly announced?: ReadonlyMap<string, string>;
}

export interface TargetReport {
  readonly watch: string;
  readonly environment: string;
  /** The registry's request budget for this cycle ran out first: nothing was decided or recorded. */
  readonly deferred?: boolean;
  readonly verdicts: readonly TagVerdict[];
  readonly resolution?: Resolution;
  readonly moved: boolean;
  readonly note?: string;
  readonly error?: RecordedError;
}

export interface ScanReport {
  readonly image: string;
  /** Some or all of the scan waits for the registry's next budget window (not a fault). */
  readonly deferred?: boolean;
  readonly listing?: TagListing;
  readonly error?: RecordedError;
  readonly targets: readonly TargetReport[];
  /** Where the registry's credentials came from (`anonymous`, `basic`, `token`, `pullSecret ns/name`); set by `resolve`. */
  readonly auth?: string;
}

/** Most tags tried in turn when the best ones lack a required platform or a verified signature. */
const PLATFORM_ATTEMPTS = 10;

/**
 * The registry's request budget is spent for this cycle. That is the budget doing its job, not a
 * registry fault: the scan is deferred to the next window and nothing is recorded, so resolutions
 * are neither marked failed nor moved.
 */
function budgetSpent(err: unknown): boolean {
  return isAppError(err) && err.code === 'REG_BUDGET_EXHAUSTED';
}

function toRecorded(err: unknown, at: string): RecordedError {
  if (!isAppError(err)) return { code: 'INTERNAL', message: describeError(err), at };
  const retry = err.details?.retryAfterMs;
  return { code: err.code, message: err.message, at, ...(typeof retry === 'number' && { retryAfterMs: retry }) };
}

function missingPlatforms(details: ImageDetails, wanted: readonly Platform[]): Platform[] {
  return wanted.filter((w) => !details.platforms.some((have) => platformMatches(w, have)));
}

/**
 * What decides a selection: the policy and the filter (not the pin or the platforms). Watches and
 * environments that share these share one policy run per scan, which keeps CPU and garbage low
 * when thousands of targets read one tag list.
 */
function selectionKey(rule: SelectionRule): string {
  const { policy, filter } = rule;
  const p = policy.kind === 'semver' ? { kind: policy.kind, range: policy.range, pre: policy.includePrerelease } : policy;
  const re = (r: RegExp | undefined) => (r ? `${r.source}/${r.flags}` : '');
  return JSON.stringify([p, re(filter.include), filter.exclude.map((e) => `${e.kind}:${e.source}`), re(filter.pattern), filter.extract ?? '']);
}

/**
 * The repository's tags for this scan. When a target orders by push time, the registry's push-time
 * API is the listing (one request per page, with each tag's push time and digest) instead of the
 * tags list, so newestPush costs no request per tag.
 */
async function listRepository(client: RegistryClient, plan: RepositoryPlan, opts: { signal?: AbortSignal }): Promise<TagListing> {
  if (!plan.targets.some((t) => t.rule.policy.kind === 'newestPush')) return client.listTags(plan.repository, opts);
  if (client.listPushTimes === undefined) throw new AppError('REG_NOT_CONFIGURED', `${client.host} has no push-time API for newestPush; use newestBuild, or set registries[].kind if the host runs Harbor, Quay, ACR, GAR, ECR or Docker Hub`);
  return client.listPushTimes(plan.repository, opts);
}

/** selectTag, remembered for the full listing of one scan (newest build depends on per-tag metadata: not remembered). */
function memoSelect(listing: TagListing): typeof selectTag {
  const memo = new Map<string, Selection>();
  return (tags, rule, metadata) => {
    if (tags !== listing.tags || rule.policy.kind === 'newestBuild') return selectTag(tags, rule, metadata);
    const key = selectionKey(rule);
    let selection = memo.get(key);
    if (!selection) memo.set(key, (selection = selectTag(tags, rule, metadata)));
    return selection;
  };
}

/**
 * Per-scan memo so several watches asking for the same tag or digest cost one request. A tentative
 * load (an early lookup of a pushed tag, made before the tag list said the tag exists) does not
 * stick when it fails: the first caller that needs the value loads it again.
 */
function memo<T>(): (key: string, load: () => Promise<T>, tentative?: boolean) => Promise<T> {
  const inflight = new Map<string, { p: Promise<T>; tentative: boolean }>();
  return (key, load, tentative = false) => {
    const entry = inflight.get(key);
    if (entry && (tentative || !entry.tentative)) return entry.p;
    const p = entry ? entry.p.catch(load) : load();
    inflight.set(key, { p, tentative });
    return p;
  };
}

/** The tags could not be listed: every target records the failure (a spent budget just defers the scan). */
function listingFailed(deps: ScanDeps, plan: RepositoryPlan, err: unknown): ScanReport {
  if (budgetSpent(err)) return { image: plan.image, deferred: true, targets: [] };
  const error = toRecorded(err, new Date(deps.clock.now()).toISOString());
  for (const t of plan.targets) deps.cache.record(t.watch.name, t.environment, plan.image, { kind: 'failed', error });
  return { image: plan.image, error, targets: plan.targets.map((t) => ({ watch: t.watch.name, environment: t.environment, verdicts: [], moved: false, error })) };
}

/** The scan's memoised lookups, as the early lookup uses them. */
interface EarlyLookups {
  digestOf(tag: string, fresh: boolean, tentative: boolean): Promise<string>;
  detailsOf(digest: string, tentative: boolean): Promise<ImageDetails>;
  /** The tag-to-digest memo itself, to fill from a manifest GET by tag. */
  headOnce(tag: string, load: () => Promise<string>, tentative: boolean): Promise<string>;
}

/** The tag's digest (the hash of the manifest received for it) with its details kept by that digest, from one GET. */
function describeTag(deps: ScanDeps, plan: RepositoryPlan, lookups: EarlyLookups, tag: string, read: NonNullable<RegistryClient['describeTag']>): Promise<string> {
  return lookups.headOnce(tag, async () => {
    const details = await read(plan.repository, tag, deps.signal ? { signal: deps.signal } : {});
    deps.metadata.putDetails(details);
    deps.metadata.putTagDigest(plan.image, tag, details.digest);
    return details.digest;
  }, true);
}

/**
 * The tags a push named, looked up before the tag list says they exist: tentative, so a failure is
 * not kept; the scan asks again if it needs the tag. One manifest GET by tag gives the digest and
 * the manifest at once, so the config follows it directly: two round trips beside the tag list,
 * where a HEAD first makes three. A registry may announce a push before it serves the tag
 * (Distribution notifies from inside the manifest write, before the tag's link is written): when
 * the GET by tag fails and the push named the manifest's digest, that manifest is fetched by digest
 * (its bytes checked against it) for the scan's own HEAD to find, never taken as the tag's digest.
 */
function lookUpEarly(deps: ScanDeps, plan: RepositoryPlan, lookups: EarlyLookups): void {
  for (const tag of tagsWorthLookingUpEarly(deps.named ?? [], plan, deps.cache)) {
    const announced = deps.announced?.get(tag);
    const fallback = (): unknown => (announced !== undefined && isDigest(announced) ? lookups.detailsOf(announced, true) : undefined);
    const read = deps.client.describeTag?.bind(deps.client);
    const early = read ? describeTag(deps, plan, lookups, tag, read) : lookups.digestOf(tag, true, true).then((digest) => lookups.detailsOf(digest, true));
    void early.catch(fallback).catch(() => undefined);
  }
}

export async function scanRepository(deps: ScanDeps, plan: RepositoryPlan): Promise<ScanReport> {
  const { client, metadata } = deps;
  const opts = deps.signal ? { signal: deps.signal } : {};
  let listing: TagListing | undefined;
  const headOnce = memo<string>();
  const describeOnce = memo<ImageDetails>();
  const digestOf = (tag: string, fresh: boolean, tentative = false): Promise<string> =>
    headOnce(tag, async () => {
      // a push-time listing names each tag's digest as of this scan: as fresh as a HEAD
      const listed = listing?.pushed?.get(tag)?.digest;
      if (listed !== undefined) {
        metadata.putTagDigest(plan.image, tag, listed);
        return listed;
      }
      const known = fresh ? undefined : metadata.tagDigest(plan.image, tag);
      if (known) return known;
      const head = await client.headManifest(plan.repository, tag, opts);
      metadata.putTagDigest(plan.image, tag, head.digest);
      return head.digest;
    }, tentative);
  const detailsOf = (digest: string, tentative = false): Promise<ImageDetails> =>
    describeOnce(digest, async () => {
      const known = metadata.details(digest);
      if (known) return known;
      try {
        const details = await client.describeImage(plan.repository, digest, opts);
        metadata.putDetails(details);
        return details;
      } catch (err) {
        // A digest that cannot be read (a proxy sent a wrong Docker-Content-Digest, the tag moved)
        // must not stick to its tags: the next scan looks them up again.
        if (!budgetSpent(err)) for (const tag of metadata.tagsFor(plan.image, digest)) metadata.forgetTag(plan.image, tag);
        throw err;
      }
    }, tentative);
  lookUpEarly(deps, plan, { digestOf, detailsOf, headOnce });
  try {
    listing = await listRepository(client, plan, opts);
  } catch (err) {
    return listingFailed(deps, plan, err);
  }
  if (listing.complete) metadata.pruneTags(plan.image, new Set(listing.tags));

  const gate = deps.gate;
  const verdictOnce = memo<Verdict>();
  const verdictOf = (digest: string, rule: SelectionRule): Promise<Verdict | undefined> => {
    const spec = rule.verify;
    if (spec === undefined) return Promise.resolve(undefined);
    if (gate === undefined) return Promise.reject(new AppError('INTERNAL', 'signature verification is configured but this scan has no verifier'));
    return verdictOnce(`${digest} ${JSON.stringify(spec)}`, () => gate.verdict({ client, repository: plan.repository, image: plan.image, digest, spec, ...opts }));
  };

  const refusedBefore = (tag: string, rule: SelectionRule): boolean => {
    const digest = metadata.tagDigest(plan.image, tag);
    if (rule.verify === undefined || gate === undefined || digest === undefined) return false;
    return gate.known({ client, repository: plan.repository, image: plan.image, digest, spec: rule.verify })?.status === 'refused';
  };

  const targets: TargetReport[] = [];
  const select = memoSelect(listing);
  for (const target of plan.targets) {
    const report = await resolveTarget({ ...deps, plan, listing, digestOf, detailsOf, verdictOf, refusedBefore, select }, target);
    targets.push(deps.explain ? report : { ...report, verdicts: [] });
  }
  return { image: plan.image, listing, targets, ...(targets.some((t) => t.deferred) && { deferred: true }) };
}

/** "1.5.0: signature by an unknown key; 1.4.0: no signature (…)", bounded. */
function explainRefusals(refusals: readonly TagVerdict[]): string {
  const shown = refusals.slice(0, 5).map((r) => `${r.tag}: ${r.detail ?? r.rule}`);
  return refusals.length > 5 ? `${shown.join('; ')}; and ${refusals.length - 5} more` : shown.join('; ');
}

/** The no-downgrade rule kept the current tag: say so when its own signature is what was refused. */
function keepNote(note: string, currentTag: string, rejected: readonly TagVerdict[]): string {
  const own = rejected.find((r) => r.tag === currentTag && r.rule === 'verify');
  const others = rejected.filter((r) => r.rule === 'verify' && r.tag !== currentTag);
  const refusedNote = others.length > 0 ? `; refused: ${explainRefusals(others)}` : '';
  if (own) return `kept ${currentTag} (never downgraded), although its signature is refused (${own.detail ?? 'refused'}); no verified tag ranks above it${refusedNote}`;
  return `${note}${refusedNote}`;
}

interface TargetDeps extends ScanDeps {
  readonly plan: RepositoryPlan;
  readonly listing: TagListing;
  digestOf(tag: string, fresh: boolean): Promise<string>;
  detailsOf(digest: string): Promise<ImageDetails>;
  /** The signature verdict for a digest under the rule's `verify` (undefined: no gate). */
  verdictOf(digest: string, rule: SelectionRule): Promise<Verdict | undefined>;
  refusedBefore(tag: string, rule: SelectionRule): boolean;
  readonly select: typeof selectTag;
}

async function createdByTag(deps: TargetDeps, target: Target): Promise<Map<string, string>> {
  const created = new Map<string, string>();
  if (target.rule.policy.kind !== 'newestBuild') return created;
  for (const tag of tagsNeedingMetadata(deps.listing.tags, target.rule)) {
    const details = await deps.detailsOf(await deps.digestOf(tag, false));
    if (details.created) created.set(tag, details.created);
  }
  return created;
}

/** Push time per tag from a push-time listing (empty for a tags list). */
function pushedByTag(listing: TagListing): Map<string, string> {
  return new Map([...(listing.pushed ?? [])].map(([tag, p]) => [tag, p.pushedAt]));
}

/** Why nothing was chosen: every candidate refused by signature, lacking a platform, or none matched. */
function noCandidateError(rejected: readonly TagVerdict[], target: Target, reason: string, at: string): RecordedError {
  const refusals = rejected.filter((r) => r.rule === 'verify');
  if (refusals.length > 0) return { code: 'VERIFY_NONE_VERIFIED', message: `no candidate has a verified signature: ${explainRefusals(refusals)}`, at };
  if (rejected.length > 0) return { code: 'POLICY_NO_PLATFORM', message: `no tag provides ${target.rule.platforms.map(formatPlatform).join(', ')} (lacking: ${rejected.map((r) => r.tag).join(', ')})`, at };
  return { code: 'POLICY_NO_MATCH', message: reason, at };
}

/** The best PLATFORM_ATTEMPTS tags were all set aside (platforms or signatures). */
function attemptsSpentError(rejected: readonly TagVerdict[], target: Target, at: string): RecordedError {
  if (rejected.some((r) => r.rule === 'verify')) return { code: 'VERIFY_NONE_VERIFIED', message: `none of the best ${PLATFORM_ATTEMPTS} tags is selectable: ${explainRefusals(rejected)}`, at };
  return { code: 'POLICY_NO_PLATFORM', message: `no tag among the best ${PLATFORM_ATTEMPTS} provides ${target.rule.platforms.map(formatPlatform).join(', ')}`, at };
}

function resolutionOf(image: string, tag: string, digest: string, details: ImageDetails, rule: SelectionRule, at: string, verdict: Verdict | undefined, pushedAt: string | undefined): Resolution {
  return {
    tag,
    digest,
    ref: pinnedRef(image, tag, digest, rule.pin),
    platforms: details.platforms.map(formatPlatform),
    ...(details.created && { created: details.created }),
    ...(pushedAt !== undefined && { pushedAt }),
    resolvedAt: at,
    ...(verdict?.status === 'verified' && { signature: { key: verdict.key, via: verdict.via } }),
  };
}

function heldOf(held: Extract<Decision, { kind: 'resolve' }>['held']) {
  return held && { tag: held.tag, reason: held.reason, ...(held.by !== undefined && { by: held.by }), ...(held.until !== undefined && { until: held.until }) };
}

async function resolveTarget(deps: TargetDeps, target: Target): Promise<TargetReport> {
  const { cache, clock, plan } = deps;
  const name = target.watch.name;
  const at = new Date(clock.now()).toISOString();
  const current = cache.latest(name, target.environment)?.current;
  const base = { watch: name, environment: target.environment };
  const hold = deps.operationHold?.(name, target.environment) ?? target.hold;
  try {
    const created = await createdByTag(deps, target);
    const pushed = pushedByTag(deps.listing);
    let tags = deps.listing.tags;
    const rejected: TagVerdict[] = [];
    for (let attempt = 0; attempt < PLATFORM_ATTEMPTS; attempt++) {
      const decision: Decision = decideTag({ tags, complete: deps.listing.complete, rule: target.rule, created, pushed, now: clock.now(), select: deps.select, ...(current && { current }), ...(hold && { hold }) });
      // Copying a verdict per listed tag for every target is the largest allocation of a scan: only when explaining.
      const verdicts = deps.explain ? [...rejected, ...decision.verdicts] : rejected;
      const summary = { tags: deps.listing.tags.length, candidates: decision.kind === 'none' ? 0 : decision.candidates, complete: deps.listing.complete };
      if (decision.kind === 'none') {
        const error = noCandidateError(rejected, target, decision.reason, at);
        cache.record(name, target.environment, plan.image, { kind: 'failed', error, summary });
        return { ...base, verdicts, moved: false, error };
      }
      if (decision.kind === 'keep' && current) {
        const note = keepNote(decision.note, current.tag, rejected);
        cache.record(name, target.environment, plan.image, { kind: 'resolved', resolution: current, summary: { ...summary, note }, at });
        return { ...base, verdicts, resolution: current, moved: false, note };
      }
      if (decision.kind !== 'resolve') continue;
      // A tracked mutable tag (digest policy) or a newly chosen tag is looked up fresh; an unchanged
      // selection reuses the digest already known.
      // A tag whose digest was refused before is not looked up again each cycle (a refusal is kept by digest).
      const fresh = target.rule.policy.kind === 'digest' || (decision.tag !== current?.tag && !deps.refusedBefore(decision.tag, target.rule));
      const digest = await deps.digestOf(decision.tag, fresh);
      const details = await deps.detailsOf(digest);
      const missing = missingPlatforms(details, target.rule.platforms);
      if (missing.length > 0) {
        rejected.push({ tag: decision.tag, outcome: 'rejected', rule: 'platforms', detail: `lacks ${missing.map(formatPlatform).join(', ')}` });
        tags = tags.filter((t) => t !== decision.tag);
        continue;
      }
      const verdict = await deps.verdictOf(digest, target.rule);
      if (verdict?.status === 'refused') {
        rejected.push({ tag: decision.tag, outcome: 'rejected', rule: 'verify', detail: verdict.reason });
        tags = tags.filter((t) => t !== decision.tag);
        continue;
      }
      const resolution = resolutionOf(plan.image, decision.tag, digest, details, target.rule, at, verdict, pushed.get(decision.tag));
      const held = heldOf(decision.held);
      const refusals = rejected.filter((r) => r.rule === 'verify');
      const note = refusals.length > 0 ? `refused: ${explainRefusals(refusals)}` : undefined;
      const moved = cache.record(name, target.environment, plan.image, { kind: 'resolved', resolution, summary: note ? { ...summary, note } : summary, at, ...(held && { held }) });
      return { ...base, verdicts, resolution, moved, ...(note && { note }) };
    }
    const error = attemptsSpentError(rejected, target, at);
    cache.record(name, target.environment, plan.image, { kind: 'failed', error });
    return { ...base, verdicts: rejected, moved: false, error };
  } catch (err) {
    if (budgetSpent(err)) return { ...base, verdicts: [], moved: false, deferred: true };
    const error = toRecorded(err, at);
    deps.logger.warn({ watch: name, environment: target.environment, image: plan.image, err: { code: error.code, message: error.message } }, 'resolution failed; last good resolution kept');
    cache.record(name, target.environment, plan.image, { kind: 'failed', error });
    return { ...base, verdicts: [], moved: false, error };
  }
}
