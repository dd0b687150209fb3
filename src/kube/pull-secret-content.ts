// What a pull Secret holds, as the service reads it: only `kubernetes.io/dockerconfigjson` Secrets
// (https://kubernetes.io/docs/concepts/configuration/secret/#docker-config-secrets), whose
// `.dockerconfigjson` data value is a base64 Docker config file. Pure.
import { MAX_DOCKER_CONFIG_BYTES, parseDockerConfig, type DockerConfigResult } from '../registry/docker-config.ts';
import type { KubeObject } from './objects.ts';

export const PULL_SECRET_TYPE = 'kubernetes.io/dockerconfigjson';

export function readPullSecretObject(secret: KubeObject): DockerConfigResult {
  if (secret.type !== PULL_SECRET_TYPE) return { ok: false, reason: `is of type ${JSON.stringify(secret.type ?? 'Opaque')}, not ${PULL_SECRET_TYPE} (create it with kubectl create secret docker-registry)` };
  const data = secret.data as Record<string, unknown> | undefined;
  const encoded = data?.['.dockerconfigjson'];
  if (typeof encoded !== 'string' || encoded === '') return { ok: false, reason: 'has no .dockerconfigjson data' };
  if (encoded.length > (MAX_DOCKER_CONFIG_BYTES * 4) / 3 + 4 || !/^[A-Za-z0-9+/]*=*$/.test(encoded)) return { ok: false, reason: 'has a .dockerconfigjson value that is not base64 or is too large' };
  const parsed = parseDockerConfig(Buffer.from(encoded, 'base64').toString('utf8'));
  return parsed.ok ? parsed : { ok: false, reason: `has a .dockerconfigjson that ${parsed.reason}` };
}
