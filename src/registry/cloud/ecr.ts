// Amazon ECR login through the AWS SDK: GetAuthorizationToken (private registries,
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html; ECR Public,
// https://docs.aws.amazon.com/AmazonECRPublic/latest/APIReference/API_GetAuthorizationToken.html) with
// the SDK's default credential chain, which covers IRSA (web identity token file + role), EKS Pod
// Identity (container credentials endpoint) and the instance role. With `roleArn` the SDK assumes that
// role through STS first (cross-account pulls). The SDKs honour AWS_ENDPOINT_URL_ECR,
// AWS_ENDPOINT_URL_ECR_PUBLIC and AWS_ENDPOINT_URL_STS (VPC endpoints, and the tests' loopback peers).
// The token decodes to `AWS:<password>`, a Basic pair for the registry, valid 12 hours.
import type { RegistryAuth } from '../../config/types.ts';
import type { CloudLogin, CloudToken } from './login-cache.ts';

type EcrAuth = Extract<RegistryAuth, { kind: 'ecr' }>;
type Fetch = (signal: AbortSignal) => Promise<{ token: string | undefined; expiresAt: Date | undefined }>;

/** The session name STS records for an assumed role (shows in CloudTrail). */
const SESSION_NAME = 'argocd-image-plugins';
const MAX_TOKEN_CHARS = 64 * 1024;

/** The SDK is loaded at the first login, so only registries that use ECR pay for loading it. */
async function connect(auth: EcrAuth): Promise<{ fetch: Fetch; destroy(): void }> {
  const region = auth.region;
  const { fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
  const credentials = auth.roleArn === undefined ? undefined : fromTemporaryCredentials({ params: { RoleArn: auth.roleArn, RoleSessionName: SESSION_NAME }, clientConfig: { region } });
  const config = { region, maxAttempts: 2, ...(credentials && { credentials }) };
  if (auth.public) {
    const sdk = await import('@aws-sdk/client-ecr-public');
    const client = new sdk.ECRPUBLICClient(config);
    return {
      fetch: async (abortSignal) => {
        const data = (await client.send(new sdk.GetAuthorizationTokenCommand({}), { abortSignal })).authorizationData;
        return { token: data?.authorizationToken, expiresAt: data?.expiresAt };
      },
      destroy: () => client.destroy(),
    };
  }
  const sdk = await import('@aws-sdk/client-ecr');
  const client = new sdk.ECRClient(config);
  return {
    fetch: async (abortSignal) => {
      const data = (await client.send(new sdk.GetAuthorizationTokenCommand({}), { abortSignal })).authorizationData?.[0];
      return { token: data?.authorizationToken, expiresAt: data?.expiresAt };
    },
    destroy: () => client.destroy(),
  };
}

export function ecrLogin(auth: EcrAuth): CloudLogin {
  let sdk: Promise<{ fetch: Fetch; destroy(): void }> | undefined;
  let closed = false;
  return {
    provider: auth.public ? 'ecr-public' : 'ecr',
    async login(signal) {
      sdk ??= connect(auth);
      const { token, expiresAt } = await (await sdk).fetch(signal);
      return decodeToken(token, expiresAt);
    },
    close() {
      if (closed) return;
      closed = true;
      void sdk?.then((c) => c.destroy(), () => undefined);
    },
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
