// The environment the AWS SDK reads for an IRSA pod (web identity token file + role ARN), pointed at
// the loopback AWS peer through the SDK's endpoint overrides, with shared config files and the
// instance metadata service out of reach, so the default credential chain can only use the peer.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLEARED = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_ENDPOINT_URL'];

/** Sets process.env for an IRSA pod talking to `peerUrl`; returns a function that removes the token dir. */
export async function irsaEnvironment(peerUrl: string, token: string, roleArn: string): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'irsa-'));
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, token);
  for (const name of CLEARED) delete process.env[name];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_STS: peerUrl,
    AWS_ENDPOINT_URL_ECR: peerUrl,
    AWS_ENDPOINT_URL_ECR_PUBLIC: peerUrl,
    AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    AWS_ROLE_ARN: roleArn,
    AWS_ROLE_SESSION_NAME: 'irsa-test',
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  return () => rm(dir, { recursive: true, force: true });
}
