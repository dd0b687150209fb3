// The opt-in fallback for Applications that no ApplicationSet generates: with no overrides in the
// spec and ARGOCD_IMAGE_PLUGINS_URL set on the sidecar, ask the service for its current resolutions
// (`GET /api/v1/images`, Bearer token). Any failure is an error: rendering with stale tags would be
// a silent lie. Note the price (Argo CD's config-management-plugins.md): the result is not in Argo CD's cache key,
// so the service marks such Applications for a hard refresh when a resolution changes.
import { readFileSync } from 'node:fs';
import { cmpError } from './errors.ts';
import { repositoryKey } from '../image/reference.ts';
import type { FallbackOptions } from './options.ts';

/** One entry of `GET /api/v1/images` (only the fields this client reads). */
export interface ServiceImage {
  readonly watch: string;
  readonly environment: string;
  readonly image: string;
  readonly ref: string | null;
  readonly stale?: boolean;
}

export const FALLBACK_TIMEOUT_MS = 10_000;

function fail(message: string, cause?: unknown): never {
  throw cmpError('CMP_FALLBACK_FAILED', `image service fallback: ${message}; not rendering with possibly stale images`, cause === undefined ? undefined : { cause });
}

function parseBody(body: unknown): ServiceImage[] {
  const images = (body as { images?: unknown } | null)?.images;
  if (!Array.isArray(images)) fail('the answer has no "images" list');
  return images.map((e: unknown, i) => {
    const entry = e as Record<string, unknown> | null;
    if (!entry || typeof entry.image !== 'string' || typeof entry.environment !== 'string' || typeof entry.watch !== 'string' || !(entry.ref === null || typeof entry.ref === 'string')) {
      fail(`images[${i}] lacks watch, environment, image or ref`);
    }
    return { watch: entry.watch, environment: entry.environment, image: entry.image, ref: entry.ref, stale: entry.stale === true };
  });
}

/** GET the current resolutions; throws CMP_FALLBACK_FAILED on any transport, status or body problem. */
export async function fetchResolutions(options: FallbackOptions, fetchImpl: typeof fetch = fetch, budgetMs = FALLBACK_TIMEOUT_MS): Promise<ServiceImage[]> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.tokenFile) {
    let token: string;
    try {
      token = readFileSync(options.tokenFile, 'utf8').trim();
    } catch (cause) {
      return fail(`cannot read the token file ${options.tokenFile} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, cause);
    }
    headers.authorization = `Bearer ${token}`;
  }
  const url = `${options.url}/api/v1/images`;
  let response: Response;
  try {
    response = await fetchImpl(url, { headers, signal: AbortSignal.timeout(Math.min(FALLBACK_TIMEOUT_MS, budgetMs)), redirect: 'error' });
  } catch (cause) {
    const reason = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).name;
    return fail(`${url} is unreachable (${reason})`, cause);
  }
  if (response.status !== 200) {
    const text = (await response.text().catch(() => '')).slice(0, 500);
    return fail(`${url} answered ${response.status}${text ? `: ${text}` : ''}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    return fail(`${url} answered with invalid JSON`, cause);
  }
  return parseBody(body);
}

/**
 * Overrides for the images the Application uses: the entry of its environment, else the watch's
 * `default` entry. An image it uses that has never resolved, or two watches disagreeing, is an error.
 */
export function overridesFromService(images: readonly ServiceImage[], environment: string, used: ReadonlySet<string>): Record<string, string> {
  const byRepository = new Map<string, ServiceImage[]>();
  for (const entry of images) {
    const key = repositoryKey(entry.image);
    if (key === undefined || !used.has(key)) continue;
    if (entry.environment !== environment && entry.environment !== 'default') continue;
    byRepository.set(key, [...(byRepository.get(key) ?? []), entry]);
  }
  const out: Record<string, string> = {};
  for (const [repository, entries] of byRepository) {
    const own = entries.filter((e) => e.environment === environment);
    const chosen = own.length > 0 ? own : entries;
    const refs = new Set(chosen.map((e) => e.ref));
    if (refs.has(null)) fail(`${repository} (watch ${chosen.find((e) => e.ref === null)!.watch}, environment ${environment}) has never resolved`);
    if (refs.size > 1) fail(`watches ${chosen.map((e) => e.watch).join(', ')} resolve ${repository} differently in environment ${environment}`);
    out[repository] = chosen[0]!.ref!;
  }
  return out;
}
