// Demo step: the supply-chain gate. demo/signed:1.4.0 is pushed with a cosign signature (an openssl
// P-256 key in cosign's layout, test/helpers/cosign.ts); later an unsigned, newer 1.5.0 is pushed,
// and the service keeps serving 1.4.0 and says why 1.5.0 was refused.
import { join } from 'node:path';
import { request } from 'undici';
import type { TestRegistry } from '../../test/helpers/registry.ts';
import { pushImage } from '../../test/helpers/images.ts';
import { makeKeyPair, pushCosignSignature, simpleSigningPayload } from '../../test/helpers/cosign.ts';
import { block, line } from './output.ts';

/** How long the unsigned push may take to be scanned; it normally takes well under a second. */
const DEADLINE_MS = 60_000;

/** Pushes demo/signed:1.4.0 and its signature; returns the config lines of its watch. */
export async function seedSigned(reg: TestRegistry, dir: string): Promise<string> {
  const key = makeKeyPair(dir, 'cosign');
  const image = await pushImage(reg, 'demo/signed', '1.4.0', { created: '2026-01-04T00:00:00Z', label: 'signed-1.4.0' });
  await pushCosignSignature(reg, 'demo/signed', image.digest, key, dir, simpleSigningPayload(`${reg.host}/demo/signed:1.4.0`, image.digest));
  line(`pushed ${reg.host}/demo/signed:1.4.0  ${image.digest.slice(0, 19)}…, signed (cosign layout: tag sha256-….sig)`);
  return `  - name: signed
    image: ${reg.host}/demo/signed
    policy: { semver: { range: ">=1.0.0" } }
    verify: { cosign: { publicKeys: [{ file: ${join(dir, 'cosign.pub')} }] } }
`;
}

interface ImageEntry {
  watch: string;
  environment: string;
  tag: string | null;
  signature: { key: string; via: string } | null;
  lastScan: { note?: string } | null;
}

async function signedEntry(url: string, token: string): Promise<ImageEntry | undefined> {
  const res = await request(`${url}/api/v1/images`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`/api/v1/images answered ${res.statusCode}: ${text}`);
  return (JSON.parse(text) as { images: ImageEntry[] }).images.find((e) => e.watch === 'signed' && e.environment === 'default');
}

/** Pushes the unsigned 1.5.0 and waits until the service has scanned it; shows what it serves and why. */
export async function showRefusal(reg: TestRegistry, url: string, token: string, stopping: () => boolean): Promise<void> {
  const before = await signedEntry(url, token);
  line(`served before: signed → ${before?.tag} (verified with ${before?.signature?.key ?? 'nothing'})`);
  await pushImage(reg, 'demo/signed', '1.5.0', { created: '2026-01-11T00:00:00Z', label: 'signed-1.5.0' });
  line(`pushed ${reg.host}/demo/signed:1.5.0, newer and unsigned`);
  const pushedAt = performance.now();
  let entry = before;
  while (!stopping() && performance.now() - pushedAt < DEADLINE_MS) {
    entry = await signedEntry(url, token);
    if (entry?.lastScan?.note?.includes('1.5.0')) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  if (!entry?.lastScan?.note?.includes('1.5.0')) throw new Error(`the unsigned push was not scanned within ${DEADLINE_MS / 1000} s: ${JSON.stringify(entry)}`);
  if (entry.tag !== '1.4.0') throw new Error(`expected 1.4.0 to stay served, got ${entry.tag}`);
  line(`GET /api/v1/images, watch signed, ${(performance.now() - pushedAt).toFixed(0)} ms after the push:`);
  block(JSON.stringify({ tag: entry.tag, signature: entry.signature, lastScan: { note: entry.lastScan.note } }, null, 2));
}
