// A loopback GCE metadata server, as google-auth-library / gcp-metadata reach it through
// GCE_METADATA_HOST, following Google's metadata server documentation
// (https://cloud.google.com/compute/docs/metadata/querying-metadata and
// /compute/docs/access/authenticate-workloads#applications, also what GKE Workload Identity serves):
//   - every request must carry `Metadata-Flavor: Google` (403 otherwise) and every answer carries it;
//   - GET /computeMetadata/v1/instance                       the detection ping
//   - GET /computeMetadata/v1/instance/service-accounts/default/token?scopes=…
//       → {"access_token", "expires_in", "token_type": "Bearer"}
//   - GET /computeMetadata/v1/universe/universe-domain       → googleapis.com
//   - GET /computeMetadata/v1/project/project-id             → the project (ADC asks for it)
//   - GET /computeMetadata/v1/instance/service-accounts/default/email
// Tokens come from `issue()`, so a test decides what the registry will accept.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetadataPeer {
  /** host:port, the value of GCE_METADATA_HOST. */
  readonly host: string;
  /** Token requests served, with the scopes asked for. */
  tokenRequests(): readonly string[];
  setExpiresIn(seconds: number): void;
  stop(): Promise<void>;
}

export async function startMetadataPeer(issue: () => string, expiresIn = 3599): Promise<MetadataPeer> {
  const tokens: string[] = [];
  let lifetime = expiresIn;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://metadata');
    const send = (status: number, body: string, type = 'application/text'): void => {
      res.writeHead(status, { 'metadata-flavor': 'Google', 'content-type': type });
      res.end(body);
    };
    if (req.headers['metadata-flavor'] !== 'Google') return send(403, 'Missing Metadata-Flavor:Google header.');
    if (req.headers['x-forwarded-for'] !== undefined) return send(403, 'X-Forwarded-For is not allowed');
    if (url.pathname === '/computeMetadata/v1/instance' || url.pathname === '/computeMetadata/v1/instance/') return send(200, 'attributes/\nservice-accounts/\n');
    if (url.pathname === '/computeMetadata/v1/universe/universe-domain') return send(200, 'googleapis.com');
    if (url.pathname === '/computeMetadata/v1/project/project-id') return send(200, 'acme-prod');
    if (url.pathname === '/computeMetadata/v1/instance/service-accounts/default/email') return send(200, 'image-reader@acme-prod.iam.gserviceaccount.com');
    if (url.pathname === '/computeMetadata/v1/instance/service-accounts/default/token') {
      tokens.push(url.searchParams.get('scopes') ?? '');
      return send(200, JSON.stringify({ access_token: issue(), expires_in: lifetime, token_type: 'Bearer' }), 'application/json');
    }
    return send(404, 'Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokenRequests: () => [...tokens],
    setExpiresIn: (seconds) => void (lifetime = seconds),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
