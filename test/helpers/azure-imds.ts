// A loopback Azure Instance Metadata Service token endpoint for managed identities, as Microsoft
// documents it ("How to use managed identities for Azure resources on an Azure VM to acquire an access
// token", https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token):
// `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=<resource>[&client_id=<id>]`
// with the header `Metadata: true` (400 without it), answering
// `{ access_token, client_id, expires_in, expires_on, ext_expires_in, not_before, resource, token_type }`
// with the numbers as strings. @azure/identity (through MSAL) reaches it through
// AZURE_POD_IDENTITY_AUTHORITY_HOST, its documented override of the IMDS address.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface ImdsCall {
  readonly resource: string | null;
  readonly clientId: string | null;
  readonly apiVersion: string | null;
  readonly metadata: boolean;
}

export interface ImdsPeer {
  /** http://127.0.0.1:PORT, the value of AZURE_POD_IDENTITY_AUTHORITY_HOST */
  readonly url: string;
  calls(): readonly ImdsCall[];
  /** Access tokens handed out so far (the ACR exchange peer accepts these). */
  issued(): readonly string[];
  stop(): Promise<void>;
}

/** `clientId`: the user-assigned identity the VM/node has (a request naming another gets 400). */
export async function startImdsPeer(options: { clientId: string; lifetimeSeconds?: number }): Promise<ImdsPeer> {
  const calls: ImdsCall[] = [];
  const issued: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://imds');
    const reply = (status: number, body: unknown) => (res.writeHead(status, { 'content-type': 'application/json' }), res.end(JSON.stringify(body)));
    // MSAL asks for the path with a trailing slash, which IMDS accepts too
    if (req.method !== 'GET' || url.pathname.replace(/\/$/, '') !== '/metadata/identity/oauth2/token') return reply(404, { error: 'not_found' });
    const call = { resource: url.searchParams.get('resource'), clientId: url.searchParams.get('client_id'), apiVersion: url.searchParams.get('api-version'), metadata: req.headers.metadata === 'true' };
    // MSAL's availability probe and any request without the header: IMDS answers 400
    if (!call.metadata) return reply(400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
    calls.push(call);
    if (call.apiVersion === null || call.resource === null) return reply(400, { error: 'invalid_request', error_description: 'api-version and resource are required' });
    if (call.clientId !== null && call.clientId !== options.clientId) return reply(400, { error: 'invalid_request', error_description: 'Identity not found' });
    const lifetime = options.lifetimeSeconds ?? 86_399;
    const now = Math.floor(Date.now() / 1000);
    const token = `eyJ.imds.${randomUUID()}`;
    issued.push(token);
    reply(200, { access_token: token, client_id: options.clientId, expires_in: String(lifetime), expires_on: String(now + lifetime), ext_expires_in: String(lifetime), not_before: String(now), resource: call.resource, token_type: 'Bearer' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => [...calls],
    issued: () => [...issued],
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
