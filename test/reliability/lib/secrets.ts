// Recognisable fake credentials for the reliability suite, and the search for them. Each value is
// unique enough that any hit in a log line, an error message, a metric or an HTTP answer is a leak.
import { Buffer } from 'node:buffer';

export const FAKE = {
  serviceToken: 'FAKE-svc-token-7Q2xK9pLmN4vR8sT',
  webhookSecret: 'FAKE-webhook-secret-Hj3Lq8Zw5Nc1',
  registryUser: 'fakeuser-B4rT7',
  registryPassword: 'FAKE-registry-pass-Xe6Wd2Gk9Vb0',
} as const;

export interface Needle {
  readonly name: string;
  readonly value: string;
}

/** Each secret, and the forms it takes on the wire (Basic header base64, a JWT's `eyJ` prefix). */
export function needles(extra: readonly Needle[] = []): Needle[] {
  const list: Needle[] = [
    { name: 'service token', value: FAKE.serviceToken },
    { name: 'webhook secret', value: FAKE.webhookSecret },
    { name: 'registry password', value: FAKE.registryPassword },
    { name: 'Basic credentials', value: Buffer.from(`${FAKE.registryUser}:${FAKE.registryPassword}`).toString('base64') },
    // Every registry bearer token is a JWT; their header always starts with base64url('{"').
    { name: 'registry JWT', value: 'eyJ' },
    ...extra,
  ];
  // Fragments too: a message that prints half a secret still leaks it.
  const parts: Needle[] = [];
  for (const n of list) if (n.value.length >= 24) parts.push({ name: `${n.name} (second half)`, value: n.value.slice(Math.floor(n.value.length / 2)) });
  return [...list, ...parts];
}

export interface Hit {
  readonly needle: string;
  readonly where: string;
  readonly excerpt: string;
}

export function findSecrets(haystacks: ReadonlyArray<{ where: string; text: string }>, list: readonly Needle[] = needles()): Hit[] {
  const hits: Hit[] = [];
  for (const h of haystacks) {
    for (const n of list) {
      const i = h.text.indexOf(n.value);
      if (i >= 0) hits.push({ needle: n.name, where: h.where, excerpt: h.text.slice(Math.max(0, i - 60), i + n.value.length + 20) });
    }
  }
  return hits;
}
