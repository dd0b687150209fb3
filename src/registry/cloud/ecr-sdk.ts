// The AWS SDK clients behind an ECR registry entry: GetAuthorizationToken for the login and, on private
// registries, DescribeImages for push times
// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html). Loaded by
// dynamic import, once per registry entry, outside any request's deadline.
import type { RegistryAuth } from '../../config/types.ts';

export type EcrAuth = Extract<RegistryAuth, { kind: 'ecr' }>;

/** The session name STS records for an assumed role (shows in CloudTrail). */
const SESSION_NAME = 'argocd-image-plugins';

export interface EcrImage {
  readonly digest?: string | undefined;
  readonly tags: readonly string[];
  readonly pushedAt?: Date | undefined;
}

export interface EcrSdk {
  authorization(signal: AbortSignal): Promise<{ token: string | undefined; expiresAt: Date | undefined }>;
  /** One DescribeImages page of tagged images (private registries only). */
  describeImages?(input: { repository: string; nextToken?: string; maxResults: number }, signal: AbortSignal): Promise<{ images: EcrImage[]; nextToken?: string | undefined }>;
  destroy(): void;
}

export async function connectEcr(auth: EcrAuth): Promise<EcrSdk> {
  const region = auth.region;
  const { fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
  const credentials = auth.roleArn === undefined ? undefined : fromTemporaryCredentials({ params: { RoleArn: auth.roleArn, RoleSessionName: SESSION_NAME }, clientConfig: { region } });
  const config = { region, maxAttempts: 2, ...(credentials && { credentials }) };
  if (auth.public) {
    const sdk = await import('@aws-sdk/client-ecr-public');
    const client = new sdk.ECRPUBLICClient(config);
    return {
      authorization: async (abortSignal) => {
        const data = (await client.send(new sdk.GetAuthorizationTokenCommand({}), { abortSignal })).authorizationData;
        return { token: data?.authorizationToken, expiresAt: data?.expiresAt };
      },
      destroy: () => client.destroy(),
    };
  }
  const sdk = await import('@aws-sdk/client-ecr');
  const client = new sdk.ECRClient(config);
  // DescribeImages pages are registry requests: each takes a slot of the entry's request budget and
  // rate-limit windows (push-ecr.ts), so the SDK must not send a retry nobody counted. A client of
  // its own with maxAttempts 1, sharing the login client's credentials (one STS session); a
  // throttled page fails the scan and the poller's backoff is the retry, through the budget again.
  const pages = new sdk.ECRClient({ region, maxAttempts: 1, credentials: client.config.credentials });
  return {
    authorization: async (abortSignal) => {
      const data = (await client.send(new sdk.GetAuthorizationTokenCommand({}), { abortSignal })).authorizationData?.[0];
      return { token: data?.authorizationToken, expiresAt: data?.expiresAt };
    },
    async describeImages({ repository, nextToken, maxResults }, abortSignal) {
      const input = { repositoryName: repository, maxResults, filter: { tagStatus: 'TAGGED' as const }, ...(auth.registryId && { registryId: auth.registryId }), ...(nextToken !== undefined && { nextToken }) };
      const out = await pages.send(new sdk.DescribeImagesCommand(input), { abortSignal });
      const images = (out.imageDetails ?? []).map((d) => ({ digest: d.imageDigest, tags: d.imageTags ?? [], pushedAt: d.imagePushedAt }));
      return { images, nextToken: out.nextToken };
    },
    destroy: () => (client.destroy(), pages.destroy()),
  };
}
