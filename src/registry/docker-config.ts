// A Docker config file (`.dockerconfigjson`, the payload of a `kubernetes.io/dockerconfigjson` Secret,
// https://kubernetes.io/docs/concepts/configuration/secret/#docker-config-secrets) and the credentials
// it holds for one registry host. Keys are matched as the docker CLI does (cli/config/credentials:
// ConvertToHostname): the scheme and any path are dropped, so `https://registry.example/v1/`,
// `registry.example/team` and `registry.example` all name `registry.example`; Docker Hub's key is
// `https://index.docker.io/v1/` and `index.docker.io`, `registry-1.docker.io` and `docker.io` name it
// too. When several keys name one host, a key that is exactly the host wins, then one without a path,
// then the first in sorted order, so the choice does not depend on JSON key order. Pure.

export interface DockerLogin {
  readonly username: string;
  readonly password: string;
}

/** Per host: the login, or why the entry for that host cannot be used (other hosts' entries stay usable). */
export type DockerConfigResult = { readonly ok: true; readonly logins: ReadonlyMap<string, DockerLogin | string> } | { readonly ok: false; readonly reason: string };

/** A Secret's data is at most 1 MiB (Kubernetes' limit); a config larger than that is not one. */
export const MAX_DOCKER_CONFIG_BYTES = 1024 * 1024;
const MAX_FIELD = 8192;
const DOCKER_HUB_KEYS = new Set(['index.docker.io', 'registry-1.docker.io', 'docker.io']);

/** The registry host a config key names, as image references spell it (lower case, port kept). */
export function hostOfKey(key: string): string {
  const bare = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const host = (bare.split('/')[0] ?? '').toLowerCase();
  return DOCKER_HUB_KEYS.has(host) ? 'docker.io' : host;
}

/** 0: the key is the host; 1: a URL of the host (or Docker Hub's `/v1/` key); 2: a key with a path. */
function rank(key: string, host: string): number {
  if (key === host) return 0;
  const bare = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '');
  return bare.includes('/') && !/^index\.docker\.io\/v1$/i.test(bare) ? 2 : 1;
}

function loginOf(entry: unknown, key: string): DockerLogin | string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return `auths["${key}"] is not an object`;
  const e = entry as Record<string, unknown>;
  const text = (name: string): string | undefined => (typeof e[name] === 'string' && e[name] !== '' ? (e[name] as string) : undefined);
  const auth = text('auth');
  if (auth !== undefined) {
    if (auth.length > MAX_FIELD || !/^[A-Za-z0-9+/]+=*$/.test(auth)) return `auths["${key}"].auth is not base64`;
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return `auths["${key}"].auth does not decode to "username:password"`;
    return checked({ username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }, key);
  }
  const username = text('username');
  const password = text('password');
  if (username !== undefined && password !== undefined) return checked({ username, password }, key);
  if (text('identitytoken') !== undefined) return `auths["${key}"] holds only an identitytoken (a credential helper's refresh token), which is not supported; store username and password`;
  return `auths["${key}"] has neither auth nor username + password`;
}

/** Values go into a Basic header: no control characters, bounded, no ':' in the user name (RFC 7617). */
function checked(login: DockerLogin, key: string): DockerLogin | string {
  const bad = (s: string): boolean => s.length > MAX_FIELD || [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (bad(login.username) || login.username.includes(':')) return `auths["${key}"] has an unusable username`;
  if (bad(login.password) || login.password === '') return `auths["${key}"] has an unusable password`;
  return login;
}

/** Parses `.dockerconfigjson` text into the login for each host (the best-ranked key per host). */
export function parseDockerConfig(text: string): DockerConfigResult {
  if (Buffer.byteLength(text) > MAX_DOCKER_CONFIG_BYTES) return { ok: false, reason: `is larger than ${MAX_DOCKER_CONFIG_BYTES} bytes` };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'is not JSON' };
  }
  const auths = (doc as { auths?: unknown } | null)?.auths;
  if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) return { ok: false, reason: 'has no "auths" object (expected {"auths": {"<host>": {"auth": "<base64 user:password>"}}})' };
  const best = new Map<string, { key: string; rank: number; login: DockerLogin | string }>();
  for (const key of Object.keys(auths).sort()) {
    const host = hostOfKey(key);
    if (host === '') continue;
    const r = rank(key, host);
    const have = best.get(host);
    if (have && have.rank <= r) continue;
    best.set(host, { key, rank: r, login: loginOf((auths as Record<string, unknown>)[key], key) });
  }
  return { ok: true, logins: new Map([...best].map(([host, b]) => [host, b.login])) };
}
