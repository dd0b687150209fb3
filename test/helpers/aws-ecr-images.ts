// DescribeImages for the loopback AWS peer (aws-peer.ts), as the ECR API reference shapes it
// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html): request
// `{ registryId?, repositoryName, maxResults? (1–1000, default 100), nextToken?, filter?: { tagStatus } }`,
// response `{ imageDetails: [{ registryId, repositoryName, imageDigest, imageTags, imageSizeInBytes,
// imagePushedAt, imageManifestMediaType }], nextToken? }`, timestamps in epoch seconds (awsJson1_1),
// errors `RepositoryNotFoundException` / `InvalidParameterException` with `__type`. Pure.
import type { PeerTag } from './push-api-shapes.ts';

export interface AwsJsonReply {
  readonly status: number;
  readonly body: unknown;
}

const invalid = (message: string): AwsJsonReply => ({ status: 400, body: { __type: 'InvalidParameterException', message } });

/** One page of `repositories[repositoryName]`'s images (tags grouped by digest, in push order). */
export function describeImagesPage(request: Record<string, unknown>, account: string, repositories: ReadonlyMap<string, readonly PeerTag[]>): AwsJsonReply {
  const name = request.repositoryName;
  if (typeof name !== 'string' || name === '') return invalid('repositoryName is required');
  const tags = repositories.get(name);
  const registryId = typeof request.registryId === 'string' ? request.registryId : account;
  if (tags === undefined || registryId !== account) {
    return { status: 400, body: { __type: 'RepositoryNotFoundException', message: `The repository with name '${name}' does not exist in the registry with id '${registryId}'` } };
  }
  const max = request.maxResults ?? 100;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 1000) return invalid('maxResults must be between 1 and 1000');
  const tagStatus = (request.filter as { tagStatus?: unknown } | undefined)?.tagStatus ?? 'ANY';
  const byDigest = new Map<string, PeerTag[]>();
  for (const t of [...tags].sort((a, b) => a.pushedAt.localeCompare(b.pushedAt))) byDigest.set(t.digest, [...(byDigest.get(t.digest) ?? []), t]);
  const images = [...byDigest].map(([digest, ts]) => ({
    registryId, repositoryName: name, imageDigest: digest,
    imageTags: ts.map((t) => t.tag), imageSizeInBytes: 1024,
    // the image's push: the first time these bytes arrived (a later tag on it keeps the time)
    imagePushedAt: Date.parse(ts[0]!.pushedAt) / 1000,
    imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
  }));
  const listed = tagStatus === 'UNTAGGED' ? [] : images;
  let from = 0;
  if (typeof request.nextToken === 'string') {
    from = Number(Buffer.from(request.nextToken, 'base64url').toString('utf8').replace(/^offset:/, ''));
    if (!Number.isInteger(from) || from < 0) return invalid('Invalid NextToken');
  }
  const slice = listed.slice(from, from + max);
  const next = from + max < listed.length ? { nextToken: Buffer.from(`offset:${from + max}`).toString('base64url') } : {};
  return { status: 200, body: { imageDetails: slice, ...next } };
}
