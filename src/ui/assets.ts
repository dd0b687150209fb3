// The status page's files, built by `npm run build` into dist/ui/ and read once at start. Only the
// names listed here are served (no path from a request ever reaches the file system).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'status.js': 'text/javascript; charset=utf-8',
  'status.css': 'text/css; charset=utf-8',
};

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/** dist/ui beside the bundled CLI, or dist/ui of the checkout when running from source. */
function defaultDir(): string | undefined {
  const candidates = [new URL('./ui/', import.meta.url), new URL('../../dist/ui/', import.meta.url)];
  const found = candidates.find((u) => existsSync(new URL('index.html', u)));
  return found && fileURLToPath(found);
}

export function loadAssets(dir = defaultDir()): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!dir) return assets;
  for (const [name, type] of Object.entries(FILES)) {
    let body: Buffer;
    try {
      body = readFileSync(`${dir}/${name}`);
    } catch {
      continue;
    }
    assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return assets;
}

/**
 * Strict policy: only this origin's files run, no inline script or style, no framing, no plugins;
 * fetches go back to the service only.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
