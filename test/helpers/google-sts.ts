// A loopback Google Security Token Service for Workload Identity Federation, as its REST reference
// describes `POST https://sts.googleapis.com/v1/token`
// (https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token): an RFC 8693 token exchange,
// form- or JSON-encoded, with grant_type urn:ietf:params:oauth:grant-type:token-exchange, audience
// (the workload identity pool provider), scope, requested_token_type
// urn:ietf:params:oauth:token-type:access_token, subject_token and subject_token_type, answered with
// `{ access_token, issued_token_type, token_type: "Bearer", expires_in }`, errors as
// `{ error, error_description }`. google-auth-library reaches it through the credential
// configuration's `token_url`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StsExchange {
  readonly audience: string | null;
  readonly scope: string | null;
  readonly subjectTokenType: string | null;
  readonly accepted: boolean;
}

export interface GoogleStsPeer {
  /** `http://127.0.0.1:PORT/v1/token` */
  readonly tokenUrl: string;
  exchanges(): readonly StsExchange[];
  stop(): Promise<void>;
}

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

export async function startGoogleStsPeer(options: { audience: string; subjectToken: () => string; accessToken: () => string }): Promise<GoogleStsPeer> {
  const exchanges: StsExchange[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const reply = (status: number, value: unknown) => (res.writeHead(status, { 'content-type': 'application/json' }), res.end(JSON.stringify(value)));
      if (req.method !== 'POST' || req.url !== '/v1/token') return reply(404, { error: 'not_found' });
      const json = String(req.headers['content-type']).startsWith('application/json');
      const form = json ? new URLSearchParams(JSON.parse(body) as Record<string, string>) : new URLSearchParams(body);
      const accepted = form.get('grant_type') === GRANT && form.get('audience') === options.audience && form.get('requested_token_type') === 'urn:ietf:params:oauth:token-type:access_token' && form.get('subject_token') === options.subjectToken();
      exchanges.push({ audience: form.get('audience'), scope: form.get('scope'), subjectTokenType: form.get('subject_token_type'), accepted });
      if (!accepted) return reply(400, { error: 'invalid_grant', error_description: 'The audience or subject token is not valid for this pool provider.' });
      reply(200, { access_token: options.accessToken(), issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 3600 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    tokenUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/token`,
    exchanges: () => [...exchanges],
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
