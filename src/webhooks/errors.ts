// Error codes of the registry webhooks (docs/errors.md lists each).

export type WebhookErrorCode = 'WEBHOOK_DISABLED' | 'WEBHOOK_UNVERIFIED' | 'WEBHOOK_INVALID' | 'WEBHOOK_UNKNOWN_SOURCE';
