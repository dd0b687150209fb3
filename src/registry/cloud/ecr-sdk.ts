// The AWS SDK clients behind an ECR registry entry (GetAuthorizationToken for the login). Loaded by
// dynamic import, once per registry entry, before the login's deadline starts.
import type { RegistryAuth } from '../../config/types.ts';

export type EcrAuth = Extract<RegistryAuth, { kind: 'ecr' }>;

/** The session name STS records for an assumed role (shows in CloudTrail). */
const SESSION_NAME = 'argocd-image-plugins';

export interface EcrSdk {
  authorization(signal: AbortSignal): Promise<{ token: string | undefined; expiresAt: Date | undefined }>;
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
  return {
    authorization: async (abortSignal) => {
      const data = (await client.send(new sdk.GetAuthorizationTokenCommand({}), { abortSignal })).authorizationData?.[0];
      return { token: data?.authorizationToken, expiresAt: data?.expiresAt };
    },
    destroy: () => client.destroy(),
  };
}
