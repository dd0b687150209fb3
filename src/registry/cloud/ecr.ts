// Amazon ECR login through the AWS SDK: GetAuthorizationToken (private registries,
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html; ECR Public,
// https://docs.aws.amazon.com/AmazonECRPublic/latest/APIReference/API_GetAuthorizationToken.html) with
// the SDK's default credential chain, which covers IRSA (web identity token file + role), EKS Pod
// Identity (container credentials endpoint) and the instance role. With `roleArn` the SDK assumes that
// role through STS first (cross-account pulls). The SDKs honour AWS_ENDPOINT_URL_ECR,
// AWS_ENDPOINT_URL_ECR_PUBLIC and AWS_ENDPOINT_URL_STS (VPC endpoints, and the tests' loopback peers).
// The token decodes to `AWS:<password>`, a Basic pair for the registry, valid 12 hours.
import type { CloudLogin, CloudToken } from './login-cache.ts';
import { connectEcr, type EcrAuth, type EcrSdk } from './ecr-sdk.ts';

export type { EcrAuth };

const MAX_TOKEN_CHARS = 64 * 1024;

/**
 * One SDK client per registry entry, shared by the login and the push-time listing (DescribeImages),
 * so the credential chain (an STS call for IRSA) runs once for both. The SDK is loaded on first use,
 * so only registries that use ECR pay for loading it.
 */
export interface EcrSession {
  ready(): Promise<EcrSdk>;
  close(): void;
}

export function createEcrSession(auth: EcrAuth, load: typeof connectEcr = connectEcr): EcrSession {
  let sdk: Promise<EcrSdk> | undefined;
  let closed = false;
  return {
    ready: () => (sdk ??= load(auth)),
    close() {
      if (closed) return;
      closed = true;
      void sdk?.then((c) => c.destroy(), () => undefined);
    },
  };
}

export function ecrLogin(auth: EcrAuth, session: EcrSession = createEcrSession(auth)): CloudLogin {
  return {
    provider: auth.public ? 'ecr-public' : 'ecr',
    prepare: async () => void (await session.ready()),
    async login(signal) {
      const { token, expiresAt } = await (await session.ready()).authorization(signal);
      return decodeToken(token, expiresAt);
    },
    close: () => session.close(),
  };
}

/** `base64(AWS:<password>)` and its expiry, checked: a malformed answer never reaches a header. */
export function decodeToken(token: string | undefined, expiresAt: Date | undefined): CloudToken {
  if (token === undefined || token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9+/]+=*$/.test(token)) throw new Error('GetAuthorizationToken returned no usable authorizationToken');
  if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) throw new Error('GetAuthorizationToken returned no expiresAt');
  const pair = Buffer.from(token, 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  const username = pair.slice(0, colon);
  const password = pair.slice(colon + 1);
  if (colon <= 0 || password.length === 0 || /\p{Cc}/u.test(pair)) throw new Error('GetAuthorizationToken returned a token that is not user:password');
  return { kind: 'basic', username, password, expiresAt: expiresAt.getTime() };
}
