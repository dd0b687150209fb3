// Maps a final registry reply that is not a success to a typed error. Registry error bodies
// (distribution-spec "Error Codes": {"errors":[{"code","message","detail"}]}) are summarised into
// `details` (code and a clipped message), never copied whole.
import type { AppError } from '../shared/errors.ts';
import { parseWwwAuthenticate } from './auth.ts';
import { registryError } from './errors.ts';
import type { HttpReply } from './transport.ts';

export interface ReplyContext {
  readonly host: string;
  readonly repository: string;
  readonly request: string;
}

/** The first registry error code/message in a reply body, if it has one. */
export function registryErrorOf(body: Buffer): { registryCode?: string; registryMessage?: string } {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: unknown; message?: unknown }> };
    const first = parsed.errors?.[0];
    const out: { registryCode?: string; registryMessage?: string } = {};
    if (typeof first?.code === 'string') out.registryCode = first.code.slice(0, 64);
    if (typeof first?.message === 'string') out.registryMessage = first.message.slice(0, 200);
    return out;
  } catch {
    return {};
  }
}

export function replyError(reply: HttpReply, ctx: ReplyContext): AppError {
  const status = reply.status;
  const extra: Record<string, unknown> = registryErrorOf(reply.body);
  const base = { ...ctx, status, extra };
  if (status === 401 || status === 403) {
    const error = parseWwwAuthenticate(reply.headers['www-authenticate'])[0]?.params.error;
    if (error !== undefined) extra.authError = error;
    const why = error === 'insufficient_scope' ? 'the credentials do not grant pull on this repository' : 'authentication failed';
    return registryError('REG_AUTH', `${why} (${status})`, base);
  }
  if (status === 404) return registryError('REG_NOT_FOUND', `not found: ${ctx.request}`, base);
  return registryError('REG_PROTOCOL', `unexpected status ${status} for ${ctx.request}`, base);
}
