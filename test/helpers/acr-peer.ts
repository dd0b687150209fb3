// A loopback Azure Container Registry front: `POST /oauth2/exchange` as ACR documents it
// (https://github.com/Azure/acr/blob/main/docs/AAD-OAuth.md: form grant_type=access_token, service,
// tenant, access_token → {"refresh_token"}), everything else passed through to the real Distribution
// registry behind it. Refresh tokens are JWT-shaped with `exp` 3 hours ahead, as ACR's are; each
// exchange makes the registry's token realm accept the new one (the user name ACR uses,
// 00000000-0000-0000-0000-000000000000, with the refresh token as password).
import { createServer, request } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface AcrPeer {
  readonly url: string;
  exchanges(): number;
  stop(): Promise<void>;
}

export async function startAcrPeer(options: { upstream: string; service: string; accessTokens: () => readonly string[]; accept: (refresh: string) => void }): Promise<AcrPeer> {
  let exchanges = 0;
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/oauth2/exchange') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        exchanges += 1;
        const ok = form.get('grant_type') === 'access_token' && form.get('service') === options.service && options.accessTokens().includes(form.get('access_token') ?? '');
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        if (!ok) return res.end('{"errors":[{"code":"UNAUTHORIZED","message":"invalid access token"}]}');
        const payload = Buffer.from(JSON.stringify({ jti: randomUUID(), exp: Math.floor(Date.now() / 1000) + 3 * 3600, grant_type: 'refresh_token' })).toString('base64url');
        const refresh = `eyJhbGciOiJSUzI1NiJ9.${payload}.c2ln`;
        options.accept(refresh);
        res.end(JSON.stringify({ refresh_token: refresh }));
      });
      return;
    }
    const target = new URL(req.url ?? '/', options.upstream);
    const proxied = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    proxied.on('error', () => res.destroy());
    req.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges: () => exchanges,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
