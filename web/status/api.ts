// Talking to the service: same origin, the session cookie goes along by itself. The state is
// polled with If-None-Match, so an unchanged state costs a 304 with no body.
import type { CandidatesView, StateView, WatchDetail } from '../../src/ui/types.ts';

export type Fetched<T> = { kind: 'ok'; value: T; etag: string | null } | { kind: 'same' } | { kind: 'login'; message: string } | { kind: 'error'; message: string };

async function getJson<T>(path: string, etag?: string | null): Promise<Fetched<T>> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { accept: 'application/json', ...(etag && { 'if-none-match': etag }) }, cache: 'no-store', credentials: 'same-origin' });
  } catch (err) {
    return { kind: 'error', message: `the service cannot be reached (${(err as Error).message})` };
  }
  if (res.status === 304) return { kind: 'same' };
  const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
  if (res.status === 401) return { kind: 'login', message: body.message ?? 'sign in' };
  if (!res.ok) return { kind: 'error', message: `${body.code ?? res.status}: ${body.message ?? res.statusText}` };
  return { kind: 'ok', value: body as T, etag: res.headers.get('etag') };
}

export const getState = (etag: string | null) => getJson<StateView>('api/state', etag);
export const getWatch = (name: string) => getJson<WatchDetail>(`api/watches/${encodeURIComponent(name)}`);
export const getCandidates = (name: string) => getJson<CandidatesView>(`api/watches/${encodeURIComponent(name)}/candidates`);

export async function login(token: string): Promise<string | undefined> {
  const res = await fetch('api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }), credentials: 'same-origin' });
  if (res.ok) return undefined;
  const body = (await res.json().catch(() => ({}))) as { message?: string };
  return body.message ?? `sign-in failed (${res.status})`;
}

export async function logout(): Promise<void> {
  await fetch('api/logout', { method: 'POST', credentials: 'same-origin' });
}
