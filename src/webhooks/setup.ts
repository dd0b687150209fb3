// Which webhook to register at each registry a config uses, for `check-config --webhooks`. The kind
// is read from the host the way the vendors name their registries; a host of no known vendor is taken
// for a Distribution-based registry (self-hosted Distribution, Harbor, GitLab self-managed), whose
// alternatives are named. The secret itself is never printed: `<webhook secret>` stands for it.
import type { WebhookSource } from './types.ts';

export interface WebhookSetup {
  readonly host: string;
  /** Undefined when the registry cannot send push events (it is polled). */
  readonly source?: WebhookSource;
  /** Path to register, with the secret placeholder where the sender carries it in the URL. */
  readonly path?: string;
  readonly how: string;
}

const SECRET = '<webhook secret>';
const PATH = '/api/v1/webhooks';

const KINDS: ReadonlyArray<{ test: RegExp; source?: WebhookSource; inUrl?: boolean; how: string }> = [
  { test: /^docker\.io$/, source: 'dockerhub', inUrl: true, how: 'Docker Hub: repository → Webhooks, that URL (Docker Hub cannot sign)' },
  { test: /^ghcr\.io$/, source: 'ghcr', how: `GitHub webhook for the "Packages" event, content type application/json, secret = ${SECRET}` },
  { test: /^quay\.io$/, source: 'quay', inUrl: true, how: 'Quay: repository notification "Push to Repository", method Webhook POST, that URL' },
  { test: /^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/, source: 'ecr', how: `EventBridge rule on "ECR Image Action" → API destination; connection API key X-Webhook-Secret = ${SECRET}` },
  { test: /\.azurecr\.(io|cn|us)$/, source: 'acr', how: `ACR webhook, action push, custom header "Authorization: Bearer ${SECRET}"` },
  { test: /(^|\.)gcr\.io$|-docker\.pkg\.dev$/, source: 'gar', inUrl: true, how: 'Pub/Sub push subscription on the topic "gcr", that URL as push endpoint' },
  { test: /^registry\.gitlab\.com$/, how: 'GitLab.com sends no registry notifications: polled' },
];

export function webhookSetup(host: string): WebhookSetup {
  const lower = host.toLowerCase();
  const kind = KINDS.find((k) => k.test.test(lower));
  if (!kind) {
    return { host, source: 'distribution', path: `${PATH}/distribution`, how: `notification endpoint with header "Authorization: [Bearer ${SECRET}]" (Harbor: ${PATH}/harbor with Auth Header = ${SECRET}; GitLab self-managed: ${PATH}/gitlab)` };
  }
  if (!kind.source) return { host, how: kind.how };
  return { host, source: kind.source, path: `${PATH}/${kind.source}${kind.inUrl ? `?secret=${SECRET}` : ''}`, how: kind.how };
}

/** One line per registry host the watches use, sorted. */
export function webhookSetupLines(hosts: Iterable<string>, secretConfigured: boolean): string[] {
  const lines = [...new Set(hosts)].sort().map((h) => {
    const s = webhookSetup(h);
    return s.path ? `webhook ${h}: POST <service URL>${s.path} (${s.how})` : `webhook ${h}: none (${s.how})`;
  });
  return secretConfigured ? lines : ['webhooks are off: set server.webhooks.secret (or secretFile) first', ...lines];
}
