// GitHub Container Registry pushes arrive as GitHub `package` (or older `registry_package`)
// webhook events (https://docs.github.com/en/webhooks/webhook-events-and-payloads#package),
// signed with X-Hub-Signature-256: `sha256=<hex HMAC-SHA256 of the raw body>`. Only container
// packages on ghcr.io are acted on; `ping` and other events are accepted and ignored.
import type { ParseOutcome, WebhookFormat } from './types.ts';
import { header, hmacSha256Header, sameSecret } from './verify.ts';

interface PackageBody {
  action?: unknown;
  package?: PackagePart;
  registry_package?: PackagePart;
}

interface PackagePart {
  name?: unknown;
  package_type?: unknown;
  owner?: { login?: unknown };
  package_version?: { container_metadata?: { tag?: { name?: unknown } } };
}

export const ghcrFormat: WebhookFormat = {
  verify(request, secret) {
    return sameSecret(header(request.headers, 'x-hub-signature-256'), hmacSha256Header(request.body, secret));
  },
  parse(payload, request): ParseOutcome {
    const event = header(request.headers, 'x-github-event');
    if (event !== 'package' && event !== 'registry_package') return { ok: true, events: [] };
    const body = payload as PackageBody | null;
    const pkg = body?.package ?? body?.registry_package;
    if (!pkg || typeof pkg.name !== 'string' || typeof pkg.owner?.login !== 'string') return { ok: false, reason: 'package event without package.name / package.owner.login' };
    if (String(pkg.package_type).toLowerCase() !== 'container') return { ok: true, events: [] };
    const tag = pkg.package_version?.container_metadata?.tag?.name;
    // GHCR repository paths are lower-case `<owner>/<package>`.
    const repository = `${pkg.owner.login}/${pkg.name}`.toLowerCase();
    return { ok: true, events: [{ host: 'ghcr.io', repository, action: 'push', ...(typeof tag === 'string' && tag.length > 0 && { tag }) }] };
  },
};
