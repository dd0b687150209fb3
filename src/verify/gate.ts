// The supply-chain gate: is this manifest digest signed by one of the configured keys? A digest's
// content never changes, so a verdict is kept by (image, digest, keys): warm cycles send no request.
// "No signature yet" is the one verdict that can change (cosign signs after the push), so it is asked
// again after MISSING_RECHECK_MS. Registry failures are thrown, never turned into a refusal: the
// caller keeps the last verified resolution (docs/verification.md).
import { createHash } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import { registryError } from '../registry/errors.ts';
import { readKeys } from './keys.ts';
import { checkSignature, type Trust } from './check.ts';
import { readTrustedRoot } from './trusted-root.ts';
import { discoverSignatures } from './discover.ts';
import { payloadProblem } from './cosign-format.ts';
import type { Gate, GateCounters, Verdict, VerifyRequest } from './types.ts';

/** How long "no signature" is believed before the registry is asked again. */
export const MISSING_RECHECK_MS = 10 * 60 * 1000;
/** A simple-signing payload is a few hundred bytes; a larger one is not fetched. */
const MAX_PAYLOAD_BYTES = 64 * 1024;
const MAX_ENTRIES = 50_000;

/** Per registry: whether it lacks the referrers API, and the first lookup that is finding out. */
interface RegistryFacts {
  readonly noReferrers: Set<string>;
  readonly firstLookup: Map<string, Promise<unknown>>;
}

async function discover(req: VerifyRequest, reads: NonNullable<VerifyRequest['client']['artifacts']>, facts: RegistryFacts) {
  const host = req.client.host;
  // Lookups that start while the first one on this registry is still learning whether it has the
  // referrers API wait for it, so a cold cycle probes a registry without the API once, not once per repository.
  const first = facts.firstLookup.get(host);
  if (first) await first.catch(() => undefined);
  const lookup = discoverSignatures({ reads, repository: req.repository, digest: req.digest, noReferrersApi: facts.noReferrers.has(host), ...(req.signal && { signal: req.signal }) });
  if (!first) facts.firstLookup.set(host, lookup);
  const discovered = await lookup;
  if (discovered.noReferrersApi) facts.noReferrers.add(host);
  return discovered;
}

async function decide(req: VerifyRequest, trust: Trust, facts: RegistryFacts): Promise<Verdict> {
  const reads = req.client.artifacts;
  if (!reads) throw registryError('REG_NOT_CONFIGURED', 'this registry client cannot read signatures', { host: req.client.host });
  const discovered = await discover(req, reads, facts);
  if (!discovered.found) return { status: 'refused', reason: 'no signature (neither a referrer nor a cosign .sig tag)' };
  let problem: string | undefined;
  for (const signature of discovered.found.signatures) {
    if (signature.payloadSize > MAX_PAYLOAD_BYTES) continue;
    const payload = await reads.blob(req.repository, signature.payloadDigest, req.signal);
    const checked = checkSignature(payload, signature, trust);
    if ('problem' in checked) {
      // The most telling reason wins: a named identity mismatch over a bare "unknown key".
      if (problem === undefined || problem === 'signature by an unknown key') problem = checked.problem;
      continue;
    }
    problem = payloadProblem(payload, req.digest, req.image);
    if (problem === undefined) return { status: 'verified', key: checked.signer, via: discovered.found.via };
  }
  return { status: 'refused', reason: problem ?? 'signature by an unknown key' };
}

/** The keys and the keyless trust root of a rule, read now (rotated Secrets take effect). */
export function readTrust(spec: VerifyRequest['spec'], env?: NodeJS.ProcessEnv): Trust {
  const keys = readKeys(spec.cosign.publicKeys, env);
  const keyless = spec.cosign.keyless;
  return { keys, ...(keyless && { keyless: { spec: keyless, root: readTrustedRoot(keyless.trustedRoot, env) } }) };
}

/** What a verdict depends on besides the digest: the keys' bytes, the identity wanted and the root's content. */
function trustId(trust: Trust): string {
  const hash = createHash('sha256').update(trust.keys.map((k) => k.key.export({ type: 'spki', format: 'der' }).toString('base64')).join(','));
  const keyless = trust.keyless;
  if (keyless) hash.update(JSON.stringify([keyless.spec.issuer, keyless.spec.subject ?? null, keyless.spec.subjectRegExp?.source ?? null, keyless.root.id]));
  return hash.digest('hex');
}

export function createGate(options: { readonly clock: Clock; readonly env?: NodeJS.ProcessEnv }): Gate {
  const cache = new Map<string, { verdict: Verdict; at: number }>();
  const facts: RegistryFacts = { noReferrers: new Set(), firstLookup: new Map() };
  const counters: GateCounters = { verified: 0, refused: 0, lookupFailures: 0 };
  const lookup = (req: VerifyRequest) => {
    const trust = readTrust(req.spec, options.env);
    const cacheKey = `${req.image}@${req.digest}#${trustId(trust)}`;
    const now = options.clock.now();
    const kept = cache.get(cacheKey);
    const fresh = kept && (kept.verdict.status === 'verified' || !kept.verdict.reason.startsWith('no signature') || now - kept.at < MISSING_RECHECK_MS);
    return { trust, cacheKey, now, known: fresh ? kept.verdict : undefined };
  };
  return {
    counters,
    known: (req) => lookup(req).known,
    async verdict(req) {
      const { trust, cacheKey, now, known } = lookup(req);
      if (known) return known;
      let verdict: Verdict;
      try {
        verdict = await decide(req, trust, facts);
      } catch (err) {
        counters.lookupFailures++;
        throw err;
      }
      counters[verdict.status === 'verified' ? 'verified' : 'refused']++;
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(cacheKey, { verdict, at: now });
      return verdict;
    },
  };
}
