// A loopback Microsoft Entra ID token endpoint over TLS (MSAL refuses plain-http authorities), as
// @azure/identity reaches it through AZURE_AUTHORITY_HOST, following the Microsoft identity platform
// documents: OpenID Connect discovery (GET /{tenant}/v2.0/.well-known/openid-configuration) and the
// client credentials flow with a federated client assertion (POST /{tenant}/oauth2/v2.0/token,
// grant_type=client_credentials, client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer,
// https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow#third-case-access-token-request-with-a-federated-credential).
// The certificate is self-signed for 127.0.0.1 by openssl; the test process trusts it through
// tls.setDefaultCACertificates.
import { createServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';

export interface EntraPeer {
  readonly url: string;
  /** Access tokens issued so far, newest last. */
  issued(): readonly string[];
  stop(): Promise<void>;
}

export async function startEntraPeer(options: { tenant: string; clientId: string; assertion: string }): Promise<EntraPeer> {
  const dir = mkdtempSync(join(tmpdir(), 'entra-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'c.pem'), 'utf8');
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), cert]);
  const issued: string[] = [];
  const server = createServer({ key: readFileSync(join(dir, 'k.pem')), cert }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://peer');
      const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}/${options.tenant}`;
      const json = (status: number, payload: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.method === 'GET' && url.pathname === `/${options.tenant}/v2.0/.well-known/openid-configuration`) {
        return json(200, { issuer: `${base}/v2.0`, token_endpoint: `${base}/oauth2/v2.0/token`, authorization_endpoint: `${base}/oauth2/v2.0/authorize`, end_session_endpoint: `${base}/oauth2/v2.0/logout`, jwks_uri: `${base}/discovery/v2.0/keys` });
      }
      if (req.method === 'POST' && url.pathname === `/${options.tenant}/oauth2/v2.0/token`) {
        const form = new URLSearchParams(body);
        const ok = form.get('grant_type') === 'client_credentials' && form.get('client_id') === options.clientId && form.get('client_assertion_type') === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' && form.get('client_assertion') === options.assertion;
        if (!ok) return json(401, { error: 'invalid_client', error_description: 'AADSTS700016: the client assertion is not valid' });
        const token = `aad.${randomUUID()}`;
        issued.push(token);
        return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
      }
      json(404, { error: 'not_found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    issued: () => [...issued],
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
