// The CLI's side of the operations API: one request, bounded in time and in what it reads back.
// The server URL is what the operator named (http or https only); the token is read from the
// environment or a file, never from argv.
import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { opsError } from '../../operations/errors.ts';
import type { Invocation } from './args.ts';

const TIMEOUT_MS = 30_000;
const MAX_ANSWER = 8 * 1024 * 1024;

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function tokenOf(invocation: Invocation, env: NodeJS.ProcessEnv): Promise<string> {
  const t = invocation.token;
  const value = 'env' in t ? env[t.env] : await readFile(t.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw opsError('OPS_AUTH_REQUIRED', `cannot read the token file ${t.file} (${err.code ?? 'error'})`);
  });
  const token = value?.trim();
  if (!token) throw opsError('OPS_AUTH_REQUIRED', 'env' in t ? `set ${t.env} to your operator token, or use --token-file` : `the token file ${t.file} is empty`);
  return token;
}

function baseUrl(server: string): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw opsError('OPS_UNREACHABLE', `--server "${server.slice(0, 128)}" is not a URL (write e.g. http://argocd-image-plugins.argocd:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw opsError('OPS_UNREACHABLE', `--server must be http:// or https://, got ${url.protocol}`);
  return url;
}

export async function call(invocation: Invocation, env: NodeJS.ProcessEnv): Promise<Answer> {
  const token = await tokenOf(invocation, env);
  const base = baseUrl(invocation.server);
  const status = invocation.command === 'status';
  const path = status ? `/api/v1/operations/status?${new URLSearchParams(invocation.body as Record<string, string>).toString()}` : `/api/v1/operations/${invocation.command}`;
  const url = new URL(path.replace(/\?$/, ''), base);
  let res;
  try {
    res = await request(url, {
      method: status ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, ...(!status && { 'content-type': 'application/json' }) },
      ...(!status && { body: JSON.stringify(invocation.body) }),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
  } catch (err) {
    throw opsError('OPS_UNREACHABLE', `cannot reach ${base.origin}: ${(err as Error).message}`);
  }
  const text = await res.body.text();
  if (text.length > MAX_ANSWER) throw opsError('OPS_UNREACHABLE', `the answer from ${base.origin} is larger than ${MAX_ANSWER} bytes`);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw opsError('OPS_UNREACHABLE', `${base.origin} answered ${res.statusCode} with something that is not JSON: is --server the generator service?`);
  }
  return { status: res.statusCode, body };
}
