// Docker Hub repository webhooks (https://docs.docker.com/docker-hub/repos/manage/webhooks/): a
// POST with `push_data.tag` and `repository.repo_name`. Docker Hub cannot sign or add headers, so
// the shared secret travels in the webhook URL: `…/api/v1/webhooks/dockerhub?secret=<secret>`
// (the same convention as Argo CD Image Updater).
import type { ParseOutcome, WebhookFormat } from './types.ts';
import { sameSecret } from './verify.ts';

export const dockerHubFormat: WebhookFormat = {
  verify: (request, secret) => sameSecret(request.query.secret, secret),
  parse(payload): ParseOutcome {
    const p = payload as { push_data?: { tag?: unknown }; repository?: { repo_name?: unknown } } | null;
    const name = p?.repository?.repo_name;
    const tag = p?.push_data?.tag;
    if (typeof name !== 'string' || name.length === 0) return { ok: false, reason: 'body has no repository.repo_name (expected a Docker Hub push webhook)' };
    // Official images are named without a namespace on Docker Hub (`nginx` = `library/nginx`).
    const repository = name.includes('/') ? name : `library/${name}`;
    return { ok: true, events: [{ host: 'docker.io', repository, action: 'push', ...(typeof tag === 'string' && { tag }) }] };
  },
};
