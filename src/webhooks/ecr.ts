// Amazon ECR pushes reach the service as EventBridge events ("ECR Image Action", source aws.ecr:
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html) delivered by an
// EventBridge API destination, whose connection (authorization type API_KEY) sends the shared
// secret in the header it names: configure `X-Webhook-Secret` = <secret>
// (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnectionApiKeyAuthRequestParameters.html).
// Why not SNS: verifying an SNS message means fetching its signing certificate from a URL the message
// names, a request nobody configured; an API destination needs no such fetch (docs/registry.md).
// The body is the event as EventBridge emits it (no input transformer). Other ECR events (scans,
// pull-through cache) are accepted and ignored; so is a push that failed or carries no tag.
import { checkedEvent } from './event.ts';
import type { ParseOutcome, WebhookFormat } from './types.ts';
import { header, sameSecret } from './verify.ts';

interface EcrEvent {
  source?: unknown;
  'detail-type'?: unknown;
  account?: unknown;
  region?: unknown;
  detail?: { result?: unknown; 'repository-name'?: unknown; 'image-tag'?: unknown; 'action-type'?: unknown };
}

const ACCOUNT = /^[0-9]{12}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}$/;
const ACTIONS: Readonly<Record<string, 'push' | 'delete'>> = { PUSH: 'push', DELETE: 'delete' };

/** The registry host of an account and region (China regions use the amazonaws.com.cn domain). */
export function ecrHost(account: string, region: string): string {
  return `${account}.dkr.ecr.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

export const ecrFormat: WebhookFormat = {
  verify: (request, secret) => sameSecret(header(request.headers, 'x-webhook-secret'), secret),
  parse(payload): ParseOutcome {
    const e = payload as EcrEvent | null;
    if (e?.source !== 'aws.ecr' || typeof e['detail-type'] !== 'string') return { ok: false, reason: 'body is not an EventBridge event from aws.ecr (send the event unchanged, without an input transformer)' };
    if (e['detail-type'] !== 'ECR Image Action') return { ok: true, events: [] };
    const d = e.detail;
    const action = typeof d?.['action-type'] === 'string' && Object.hasOwn(ACTIONS, d['action-type']) ? ACTIONS[d['action-type']] : undefined;
    if (!action || d?.result !== 'SUCCESS' || typeof d['image-tag'] !== 'string' || d['image-tag'] === '') return { ok: true, events: [] };
    if (typeof e.account !== 'string' || !ACCOUNT.test(e.account)) return { ok: false, reason: 'account is not a 12-digit AWS account ID' };
    if (typeof e.region !== 'string' || !REGION.test(e.region)) return { ok: false, reason: 'region is not an AWS region name' };
    if (typeof d['repository-name'] !== 'string') return { ok: false, reason: 'detail.repository-name is missing' };
    const checked = checkedEvent(ecrHost(e.account, e.region), d['repository-name'], d['image-tag'], action);
    return checked.ok ? { ok: true, events: [checked.event] } : checked;
  },
};
