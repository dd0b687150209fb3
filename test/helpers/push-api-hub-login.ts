// Docker Hub's API login for the push-time peer, as the Docker Hub API reference describes "Create
// access token" (https://docs.docker.com/reference/api/hub/latest/operations/AuthCreateAccessToken/):
// `POST /v2/auth/token` with JSON `{ identifier, secret }` answers 200 `{ access_token }`, a JWT that
// expires in 10 minutes, or 401 for wrong credentials. The API then takes `Authorization: Bearer <it>`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

export interface HubTokens {
  /** Logins answered (successful or not). */
  logins(): number;
  /** Every token issued so far is refused from now on (a revoked session). */
  revokeAll(): void;
  /** Change the accepted secret (a rotated password: logins with the old one fail). */
  setSecret(secret: string): void;
  valid(authorization: string | undefined): boolean;
  serve(req: IncomingMessage, res: ServerResponse): void;
}

export function createHubTokens(login: { identifier: string; secret: string } | undefined): HubTokens {
  const live = new Set<string>();
  let logins = 0;
  let secret = login?.secret;
  return {
    logins: () => logins,
    revokeAll: () => live.clear(),
    setSecret: (s) => void (secret = s),
    valid: (authorization) => authorization?.startsWith('Bearer ') === true && live.has(authorization.slice(7)),
    serve(req, res) {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        logins += 1;
        let sent: { identifier?: unknown; secret?: unknown } = {};
        try {
          sent = JSON.parse(body) as typeof sent;
        } catch {
          // an unreadable body is a wrong login
        }
        const ok = login !== undefined && String(req.headers['content-type']).startsWith('application/json') && sent.identifier === login.identifier && sent.secret === secret;
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        if (!ok) return res.end(JSON.stringify({ detail: 'Incorrect authentication credentials' }));
        const payload = Buffer.from(JSON.stringify({ sub: login.identifier, jti: randomUUID(), exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
        const token = `eyJhbGciOiJSUzI1NiJ9.${payload}.c2ln`;
        live.add(token);
        res.end(JSON.stringify({ access_token: token }));
      });
    },
  };
}
