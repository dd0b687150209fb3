// `registries[].auth.ecr: { region?, roleArn? }`: log in to Amazon ECR with the AWS SDK's credential
// chain. The region and account come from the host, whose grammar AWS documents for private
// registries (https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html:
// `<account>.dkr.ecr.<region>.amazonaws.com`, `.amazonaws.com.cn` in China, `dkr.ecr-fips` for FIPS)
// and for ECR Public (`public.ecr.aws`, whose GetAuthorizationToken only answers in us-east-1,
// https://docs.aws.amazon.com/AmazonECR/latest/public/public-registries.html). A region that does
// not match the host would send the login to the wrong endpoint, so it is refused here, not at the
// first scan.
import type { RegistryAuth } from './types.ts';
import { child, readOptionalMapping, readString, report, type IssueSink } from './reader.ts';

const PRIVATE_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
export const ECR_PUBLIC_HOST = 'public.ecr.aws';
const ECR_PUBLIC_REGION = 'us-east-1';
/** AWS region names: `us-east-1`, `us-gov-west-1`, `ap-southeast-3`, `cn-north-1`, `eu-central-2`. */
const REGION = /^[a-z]{2}(?:-[a-z]+){1,2}-\d{1,2}$/;
/** IAM role ARN (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html), paths allowed. */
const ROLE_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export type EcrAuth = Extract<RegistryAuth, { kind: 'ecr' }>;

/** The account and region an ECR host names, or undefined when it is not an ECR host. */
export function ecrHost(host: string): { registryId?: string; region: string; public: boolean } | undefined {
  if (host === ECR_PUBLIC_HOST) return { region: ECR_PUBLIC_REGION, public: true };
  const m = PRIVATE_HOST.exec(host);
  if (!m || !REGION.test(m[2]!)) return undefined;
  return { registryId: m[1]!, region: m[2]!, public: false };
}

export function readEcr(sink: IssueSink, value: unknown, path: string, host: string): EcrAuth | undefined {
  const m = readOptionalMapping(sink, value, path, ['region', 'roleArn']);
  if (m === undefined) return undefined;
  const fromHost = ecrHost(host);
  if (fromHost === undefined) {
    report(sink, path, `"${host}" is not an ECR registry host; write the host as <account>.dkr.ecr.<region>.amazonaws.com or public.ecr.aws (put a proxy address in url), or remove auth.ecr`);
    return undefined;
  }
  let ok = true;
  const fail = (at: string, why: string): void => {
    report(sink, at, why);
    ok = false;
  };
  const region = m.region === undefined ? undefined : readString(sink, m.region, child(path, 'region'));
  if (m.region !== undefined && region === undefined) ok = false;
  if (region !== undefined && !REGION.test(region)) fail(child(path, 'region'), `"${region}" is not an AWS region name (e.g. "eu-west-1")`);
  else if (region !== undefined && region !== fromHost.region) {
    const why = fromHost.public ? 'ECR Public logins are only served in us-east-1' : `the host names region "${fromHost.region}"`;
    fail(child(path, 'region'), `"${region}" does not match: ${why}; remove region (it is read from the host)`);
  }
  const roleArn = m.roleArn === undefined ? undefined : readString(sink, m.roleArn, child(path, 'roleArn'));
  if (m.roleArn !== undefined && roleArn === undefined) ok = false;
  if (roleArn !== undefined && !ROLE_ARN.test(roleArn)) fail(child(path, 'roleArn'), `"${roleArn}" is not an IAM role ARN (write arn:aws:iam::<12-digit account>:role/<name>)`);
  if (!ok) return undefined;
  return {
    kind: 'ecr',
    region: fromHost.region,
    public: fromHost.public,
    ...(fromHost.registryId !== undefined && { registryId: fromHost.registryId }),
    ...(roleArn !== undefined && { roleArn }),
  };
}
