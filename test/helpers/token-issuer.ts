// A loopback token server for the Docker registry token authentication scheme, as CNCF Distribution
// 2.8 verifies it offline (https://distribution.github.io/distribution/spec/auth/token/ and
// /spec/auth/jwt/, /spec/auth/oauth/):
//   GET  /token?service=S&scope=repository:NAME:ACTIONS[&scope=…][&account=U]   (optional Basic credentials)
//   POST /token   form: grant_type=password|refresh_token, service, scope (space separated), username, password
// Tokens are RS256 JWTs whose header carries `x5c` (standard base64 of the DER certificate that is also
// the registry's `rootcertbundle`). Distribution 2.8 needs `aud` as a STRING and `exp` set.
// Policy: valid Basic credentials get every requested action; anonymous callers get `pull` except on
// `private/*` and on `registry:catalog:*` (denied entries come back with `actions: []`, as Docker Hub does);
// a wrong password gets 401. Every request is recorded so tests can assert which scopes were asked for.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, createPrivateKey, randomUUID, sign, timingSafeEqual, type KeyObject } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';

const run = promisify(execFile);

export interface TokenIssuerOptions {
  /** Where the key and certificate go; a fresh temp dir (removed by stop()) when absent. */
  readonly dir?: string;
  readonly service?: string;
  readonly issuer?: string;
  readonly username?: string;
  readonly password?: string;
  /** `expires_in` and `exp - iat` of issued tokens, in seconds (default 300). */
  readonly expiresIn?: number;
}

export interface TokenRequestRecord {
  readonly method: 'GET' | 'POST';
  readonly service: string | undefined;
  readonly scopes: readonly string[];
  /** The Basic / password-grant user name, or undefined for an anonymous caller. */
  readonly account: string | undefined;
  readonly grantType: string | undefined;
  readonly status: number;
}

export interface TokenIssuer {
  /** The realm URL for the registry config: http://127.0.0.1:PORT/token */
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  readonly username: string;
  readonly password: string;
  /** PEM certificate file: the registry's `rootcertbundle`. */
  readonly certFile: string;
  requests(): readonly TokenRequestRecord[];
  clearRequests(): void;
  setExpiresIn(seconds: number): void;
  /** Changes the password Basic callers must present from now on (a rotated or revoked credential). */
  setPassword(password: string): void;
  stop(): Promise<void>;
}

interface Access {
  type: string;
  name: string;
  actions: string[];
}

/** Starts the issuer on 127.0.0.1 with a fresh RSA key and self-signed certificate made by openssl. */
export async function startTokenIssuer(options: TokenIssuerOptions = {}): Promise<TokenIssuer> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'token-issuer-')));
  const service = options.service ?? 'test-registry';
  const issuer = options.issuer ?? 'test-token-issuer';
  const username = options.username ?? 'tester';
  let password = options.password ?? 'token-pass-' + randomUUID();
  let expiresIn = options.expiresIn ?? 300;
  const keyFile = join(dir, 'signing.key');
  const certFile = join(dir, 'bundle.crt');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', `/CN=${issuer}`, '-keyout', keyFile, '-out', certFile]);
  const key = createPrivateKey(await readFile(keyFile));
  const certPem = await readFile(certFile, 'utf8');
  // x5c: standard base64 (not base64url) of exactly one DER certificate
  const header = { typ: 'JWT', alg: 'RS256', x5c: [certPem.replace(/-----[^-]+-----|\s/g, '')] };
  const records: TokenRequestRecord[] = [];

  function checkPassword(user: string, pass: string): boolean {
    const a = createHash('sha256').update(`${user}\0${pass}`).digest();
    const b = createHash('sha256').update(`${username}\0${password}`).digest();
    return timingSafeEqual(a, b);
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method === 'POST' ? 'POST' : 'GET';
    const form = method === 'POST' ? new URLSearchParams(body) : url.searchParams;
    const scopes = form.getAll('scope').flatMap((s) => s.split(' ')).filter((s) => s.length > 0);
    let account: string | undefined;
    let pass: string | undefined;
    const grantType = method === 'POST' ? (form.get('grant_type') ?? undefined) : undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
      account = decoded.slice(0, decoded.indexOf(':'));
      pass = decoded.slice(decoded.indexOf(':') + 1);
    } else if (grantType === 'password') {
      account = form.get('username') ?? undefined;
      pass = form.get('password') ?? undefined;
    } else if (grantType === 'refresh_token') {
      account = form.get('refresh_token') === `refresh-${password}` ? username : '';
      pass = account === username ? password : '';
    }
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      records.push({ method, service: form.get('service') ?? undefined, scopes, account, grantType, status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    if (url.pathname !== '/token' || (method === 'POST' && grantType !== 'password' && grantType !== 'refresh_token')) {
      reply(400, { errors: [{ code: 'UNSUPPORTED', message: 'unsupported token request' }] });
      return;
    }
    if (form.get('service') !== service) {
      reply(400, { errors: [{ code: 'UNSUPPORTED', message: 'unknown service' }] });
      return;
    }
    const authenticated = account !== undefined && pass !== undefined && checkPassword(account, pass);
    if (account !== undefined && !authenticated) {
      reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'incorrect username or password' }] }, { 'www-authenticate': 'Basic realm="test-token"' });
      return;
    }
    const access = scopes.map((s) => grant(s, authenticated)).filter((a): a is Access => a !== undefined);
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: issuer, sub: authenticated ? account : '', aud: service, exp: now + expiresIn, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const token = jwt(header, claims, key);
    const issuedAt = new Date(now * 1000).toISOString();
    if (method === 'POST') {
      const out: Record<string, unknown> = { access_token: token, expires_in: expiresIn, issued_at: issuedAt, scope: scopes.join(' ') };
      if (form.get('access_type') === 'offline' && authenticated) out.refresh_token = `refresh-${password}`;
      reply(200, out);
    } else {
      reply(200, { token, access_token: token, expires_in: expiresIn, issued_at: issuedAt });
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    username,
    get password() {
      return password;
    },
    certFile,
    requests: () => [...records],
    clearRequests: () => void records.splice(0),
    setExpiresIn: (seconds: number) => void (expiresIn = seconds),
    setPassword: (next: string) => void (password = next),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `type:name:actions` (the name may itself hold ':' for registry:catalog:*): what this caller may do. */
function grant(scope: string, authenticated: boolean): Access | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  const type = scope.slice(0, first);
  const name = scope.slice(first + 1, last);
  const wanted = scope.slice(last + 1).split(',').filter((a) => a.length > 0);
  if (authenticated) return { type, name, actions: wanted };
  const anonymousOk = type === 'repository' && !name.startsWith('private/');
  return { type, name, actions: anonymousOk ? wanted.filter((a) => a === 'pull') : [] };
}

function jwt(header: object, claims: object, key: KeyObject): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}
