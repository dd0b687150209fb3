// A loopback AWS peer for ECR logins: STS (aws-sts.ts) and the ECR / ECR Public JSON APIs, reached by
// the AWS SDK through AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL_ECR_PUBLIC.
// ECR follows the awsJson1_1 protocol (POST /, `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.
// GetAuthorizationToken`, `Content-Type: application/x-amz-json-1.1`, errors with `__type`) and the
// ECR API reference (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html:
// `authorizationData[].authorizationToken` = base64 `user:password`, `expiresAt` in epoch seconds);
// ECR Public the same with target `SpencerFrontendService.GetAuthorizationToken` and a single
// `authorizationData` object. Signed requests (Signature Version 4,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html) must
// name a live session's access key in the credential scope and carry its session token; the scope's
// region and service are recorded so tests see which regional endpoint was asked. DescribeImages
// (push times) is answered by aws-ecr-images.ts from the repositories a test sets.
// EKS Pod Identity: GET /v1/credentials with the pod's token as Authorization, answered in the
// container credentials format (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html
// and the SDKs' container credential provider: AccessKeyId, SecretAccessKey, Token, Expiration).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newSession, stsError, stsSuccess, type StsCall, type StsSession } from './aws-sts.ts';
import { describeImagesPage } from './aws-ecr-images.ts';
import type { PeerTag } from './push-api-shapes.ts';

export interface AwsPeerOptions {
  /** The web identity token (IRSA) the peer accepts, and the role it may assume. */
  readonly webIdentity?: { readonly token: string; readonly roleArn: string };
  /** The EKS Pod Identity agent: the token it accepts and the role it hands out credentials for. */
  readonly podIdentity?: { readonly token: string; readonly roleArn: string };
  /** Roles AssumeRole may assume (cross-account). */
  readonly assumable?: readonly string[];
  /** The registry login each GetAuthorizationToken hands out (read on every call, so tests rotate it). */
  readonly login: () => { username: string; password: string };
  /** Lifetime of authorization tokens, seconds (ECR: 12 h). */
  readonly tokenSeconds?: number;
}

export interface EcrCall {
  readonly target: string;
  readonly region: string;
  readonly service: string;
  readonly role: string;
  /** DescribeImages: the request as sent (repositoryName, maxResults, nextToken, filter). */
  readonly request?: Record<string, unknown>;
}

export interface AwsPeer {
  readonly url: string;
  sts(): readonly StsCall[];
  ecr(): readonly EcrCall[];
  /** Static credentials (an instance role, or Pod Identity's container endpoint) the peer accepts. */
  addSession(roleArn: string): StsSession;
  setTokenSeconds(seconds: number): void;
  /** The images DescribeImages lists for a repository of account `123456789012` (or the account named). */
  setImages(repository: string, tags: readonly PeerTag[]): void;
  /** The next `n` DescribeImages calls are refused as ECR refuses a caller over its rate: 400 `ThrottlingException`. */
  throttleDescribeImages(n: number): void;
  stop(): Promise<void>;
}

const ECR_TARGET = 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken';
const ECR_PUBLIC_TARGET = 'SpencerFrontendService.GetAuthorizationToken';
const DESCRIBE_IMAGES = 'AmazonEC2ContainerRegistry_V20150921.DescribeImages';
const ACCOUNT = '123456789012';
const SCOPE = /Credential=([A-Z0-9]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/;

export async function startAwsPeer(options: AwsPeerOptions): Promise<AwsPeer> {
  const sessions = new Map<string, StsSession>();
  const stsCalls: StsCall[] = [];
  const ecrCalls: EcrCall[] = [];
  const repositories = new Map<string, readonly PeerTag[]>();
  let tokenSeconds = options.tokenSeconds ?? 12 * 3600;
  let throttle = 0;

  /** The live session that signed `req`, with the credential scope's region and service. */
  function caller(req: IncomingMessage): { session: StsSession; region: string; service: string } | undefined {
    const m = SCOPE.exec(String(req.headers.authorization ?? ''));
    const session = m ? sessions.get(m[1]!) : undefined;
    if (!m || !session || session.expiresAt < Date.now() || req.headers['x-amz-security-token'] !== session.sessionToken) return undefined;
    return { session, region: m[3]!, service: m[4]! };
  }

  function sts(req: IncomingMessage, form: URLSearchParams) {
    const action = form.get('Action') ?? '';
    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? 'session';
    if (form.get('Version') !== '2011-06-15') return stsError(400, 'InvalidAction', 'unsupported Version');
    if (action === 'AssumeRoleWithWebIdentity') {
      stsCalls.push({ action, roleArn, signedBy: undefined });
      const wi = options.webIdentity;
      if (!wi || form.get('WebIdentityToken') !== wi.token) return stsError(400, 'InvalidIdentityToken', 'the web identity token is not valid');
      if (roleArn !== wi.roleArn) return stsError(403, 'AccessDenied', 'not authorized to perform sts:AssumeRoleWithWebIdentity');
    } else if (action === 'AssumeRole') {
      const who = caller(req);
      stsCalls.push({ action, roleArn, signedBy: who?.session.accessKeyId });
      if (!who) return stsError(403, 'InvalidClientTokenId', 'the security token included in the request is invalid');
      if (!(options.assumable ?? []).includes(roleArn)) return stsError(403, 'AccessDenied', `${who.session.roleArn} is not authorized to perform sts:AssumeRole on ${roleArn}`);
    } else return stsError(400, 'InvalidAction', `unknown action ${action}`);
    const session = newSession(roleArn, 3600);
    sessions.set(session.accessKeyId, session);
    return stsSuccess(action, session, sessionName);
  }

  function ecr(req: IncomingMessage, target: string, body: string) {
    const json = (status: number, body: unknown) => ({ status, body: JSON.stringify(body), type: 'application/x-amz-json-1.1' });
    const who = caller(req);
    if (!who) return json(400, { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    if (target === DESCRIBE_IMAGES) {
      const request = JSON.parse(body || '{}') as Record<string, unknown>;
      ecrCalls.push({ target, region: who.region, service: who.service, role: who.session.roleArn, request });
      if (throttle > 0 && throttle--) return json(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
      const page = describeImagesPage(request, ACCOUNT, repositories);
      return json(page.status, page.body);
    }
    ecrCalls.push({ target, region: who.region, service: who.service, role: who.session.roleArn });
    const { username, password } = options.login();
    const token = Buffer.from(`${username}:${password}`).toString('base64');
    const expiresAt = Math.floor(Date.now() / 1000) + tokenSeconds;
    if (target === ECR_PUBLIC_TARGET) return json(200, { authorizationData: { authorizationToken: token, expiresAt } });
    return json(200, { authorizationData: [{ authorizationToken: token, expiresAt, proxyEndpoint: `https://${who.region}.example` }] });
  }

  function podIdentity(req: IncomingMessage): { status: number; body: string; type: string } {
    const pi = options.podIdentity;
    if (!pi || req.headers.authorization !== pi.token) return { status: 401, body: '{"code":"AccessDeniedException"}', type: 'application/json' };
    const session = newSession(pi.roleArn, 3600);
    sessions.set(session.accessKeyId, session);
    const body = { AccessKeyId: session.accessKeyId, SecretAccessKey: session.secretAccessKey, Token: session.sessionToken, AccountId: pi.roleArn.split(':')[4], Expiration: new Date(session.expiresAt).toISOString() };
    return { status: 200, body: JSON.stringify(body), type: 'application/json' };
  }

  function route(req: IncomingMessage, body: string): { status: number; body: string; type?: string } {
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method === 'GET' && req.url === '/v1/credentials') return podIdentity(req);
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/') return { status: 404, body: '' };
    if (target === ECR_TARGET || target === ECR_PUBLIC_TARGET || target === DESCRIBE_IMAGES) {
      if (!String(req.headers['content-type']).startsWith('application/x-amz-json-1.1')) return { status: 400, body: '{"__type":"SerializationException"}' };
      return ecr(req, target, body);
    }
    if (target !== '') return { status: 400, body: JSON.stringify({ __type: 'UnknownOperationException' }) };
    return sts(req, new URLSearchParams(body));
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const out = route(req, Buffer.concat(chunks).toString('utf8'));
      res.writeHead(out.status, { 'content-type': out.type ?? 'text/xml', 'x-amzn-requestid': 'peer' });
      res.end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sts: () => [...stsCalls],
    ecr: () => [...ecrCalls],
    addSession(roleArn) {
      const session = newSession(roleArn, 3600);
      sessions.set(session.accessKeyId, session);
      return session;
    },
    setTokenSeconds: (seconds) => void (tokenSeconds = seconds),
    setImages: (repository, tags) => void repositories.set(repository, tags),
    throttleDescribeImages: (n) => void (throttle = n),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
