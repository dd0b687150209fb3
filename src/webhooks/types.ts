// Registry push events, whatever their source, reduced to what the service acts on: which
// repository changed. Everything else in a payload is ignored.

export type WebhookSource = 'distribution' | 'dockerhub' | 'ghcr' | 'harbor' | 'ecr' | 'acr' | 'quay' | 'gar' | 'gitlab';

export const WEBHOOK_SOURCES: readonly WebhookSource[] = ['distribution', 'dockerhub', 'ghcr', 'harbor', 'ecr', 'acr', 'quay', 'gar', 'gitlab'];

export interface PushEvent {
  /** Registry host as the sender names it (`docker.io`, `ghcr.io`, `registry.local:5000`). */
  readonly host: string;
  /** Repository path inside the registry (`library/nginx`). */
  readonly repository: string;
  readonly tag?: string;
  /**
   * The manifest digest the sender says `tag` now names (Distribution's `target.digest`), checked
   * against the digest grammar. A hint only: it lets the re-scan fetch that manifest (whose bytes are
   * checked against it) beside asking the registry what the tag names.
   */
  readonly digest?: string;
  readonly action: 'push' | 'delete';
}

/** The parts of an HTTP request a verifier reads. */
export interface WebhookRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

export type ParseOutcome = { ok: true; events: PushEvent[] } | { ok: false; reason: string };

export interface WebhookFormat {
  /** True when the request proves it knows the shared secret (header, query or signature). */
  verify(request: WebhookRequest, secret: string): boolean;
  parse(payload: unknown, request: WebhookRequest): ParseOutcome;
}
