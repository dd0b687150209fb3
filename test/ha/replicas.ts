// Several real `serve --ha` processes against the loopback Kubernetes API peer and a real registry:
// each with its own token (so the peer can cut one off), its own cache file, short Lease timings.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { execa, type ResultPromise } from 'execa';
import { request } from 'undici';
import { stringify } from 'yaml';
import { startKubeApi, type KubeApiPeer } from '../helpers/kube-api.ts';

const CLI = new URL('../../dist/cli.mjs', import.meta.url).pathname;
export const TOKEN = 'ha-test-token-5d1e';
export const WEBHOOK_SECRET = 'ha-webhook-secret-9b2c';
/** The operator token (server.operatorTokens, name `alice`) every replica accepts. */
export const OPERATOR_TOKEN = 'ha-operator-token-41f7';
export const TIMING = { lease: 2, renew: 1.5, retry: 0.25 };

export interface ReplicaProcess {
  readonly id: string;
  readonly child: ResultPromise;
  url: string;
  readonly lines: string[];
  exited: boolean;
}

export interface Cluster {
  readonly api: KubeApiPeer;
  readonly dir: string;
  readonly replicas: ReplicaProcess[];
  start(id: string): Promise<ReplicaProcess>;
  leader(): string;
}

export interface ClusterOptions {
  /** Lease timings in seconds (default TIMING). */
  readonly timing?: typeof TIMING;
  /** Per replica id, how far its wall clock is off, in ms (test/helpers/skewed-clock.ts). */
  readonly skewMs?: Readonly<Record<string, number>>;
  /** Per replica id, the registry URL it uses (default the registry's own; a counting proxy, say). */
  readonly registryUrl?: Readonly<Record<string, string>>;
  /** polling.intervalSeconds (default 3600: only webhooks and start-up scans). */
  readonly intervalSeconds?: number;
  /** Run plain `serve` (one replica, file cache only) instead of `serve --ha`. */
  readonly single?: boolean;
  /** Top-level config keys that replace the defaults (clusters, environments…). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Replica ids that get a service account token but are started later, with `start(id)`. */
  readonly spare?: readonly string[];
  /** Write the config file as compact JSON (a YAML subset), for configs near the 1 MiB ConfigMap limit. */
  readonly compact?: boolean;
  /** Per replica id, top-level config keys for that replica only (a config that differs between replicas). */
  readonly perReplica?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Environment variables every replica gets besides the Lease timings (HA_STATE_PUBLISH_BYTES_PER_SECOND, say). */
  readonly env?: Readonly<Record<string, string>>;
  /** Node.js options before the CLI (a benchmark's --cpu-prof, say). */
  readonly nodeArgs?: readonly string[];
}

const SKEWED_CLOCK = new URL('../helpers/skewed-clock.ts', import.meta.url).pathname;

export async function startCluster(t: Pick<TestContext, 'after'>, registry: { host: string; url: string }, ids: readonly string[], options: ClusterOptions = {}): Promise<Cluster> {
  const timing = options.timing ?? TIMING;
  const all = [{ verbs: ['*'], resources: ['*'] }];
  const api = await startKubeApi(t, { tokens: Object.fromEntries([...ids, ...(options.spare ?? [])].map((id) => [`sa-${id}`, all])), bookmarkMs: 500 });
  const dir = await mkdtemp(join(tmpdir(), 'aip-ha-'));
  await writeFile(join(dir, 'token'), `${TOKEN}\n`);
  await writeFile(join(dir, 'webhook'), `${WEBHOOK_SECRET}\n`);
  await writeFile(join(dir, 'operator'), `${OPERATOR_TOKEN}\n`);
  const replicas: ReplicaProcess[] = [];
  t.after(async () => {
    for (const r of replicas) r.child.kill('SIGKILL');
    await Promise.allSettled(replicas.map((r) => r.child));
    await rm(dir, { recursive: true, force: true });
  });

  async function start(id: string): Promise<ReplicaProcess> {
    const kubeconfig = join(dir, `kubeconfig-${id}`);
    await writeFile(kubeconfig, stringify({ 'current-context': 'peer', contexts: [{ name: 'peer', context: { cluster: 'peer', user: 'u' } }], clusters: [{ name: 'peer', cluster: { server: api.url } }], users: [{ name: 'u', user: { token: `sa-${id}` } }] }));
    const config = join(dir, `config-${id}.yaml`);
    await writeFile(config, (options.compact ? JSON.stringify : stringify)({
      server: { tokenFile: join(dir, 'token'), operatorTokens: [{ name: 'alice', tokenFile: join(dir, 'operator') }], refreshApplicationSets: false, webhooks: { secretFile: join(dir, 'webhook') } },
      polling: { intervalSeconds: options.intervalSeconds ?? 3600 },
      cache: { path: join(dir, `cache-${id}.json`) },
      registries: [{ host: registry.host, url: options.registryUrl?.[id] ?? registry.url, insecure: true }],
      watches: [{ name: 'web', image: `${registry.host}/acme/web`, policy: { semver: { range: '^1.0.0' } } }],
      clusters: { static: [{ name: 'edge', server: 'https://edge.example:6443' }] },
      ...options.config,
      ...options.perReplica?.[id],
    }));
    const env = { LOG_LEVEL: 'info', KUBECONFIG: kubeconfig, POD_NAME: id, POD_NAMESPACE: 'argocd', HA_LEASE_DURATION_SECONDS: String(timing.lease), HA_RENEW_DEADLINE_SECONDS: String(timing.renew), HA_RETRY_PERIOD_SECONDS: String(timing.retry), ...options.env };
    const skew = options.skewMs?.[id];
    const preload = skew === undefined ? [] : ['--import', SKEWED_CLOCK];
    if (skew !== undefined) Object.assign(env, { CLOCK_SKEW_MS: String(skew) });
    const child = execa(process.execPath, [...(options.nodeArgs ?? []), ...preload, CLI, 'serve', ...(options.single ? [] : ['--ha']), '--config', config, '--listen', '127.0.0.1:0'], { reject: false, env, extendEnv: false });
    const replica: ReplicaProcess = { id, child, url: '', lines: [], exited: false };
    void child.then(() => (replica.exited = true));
    replicas.push(replica);
    replica.url = await new Promise<string>((resolve, reject) => {
      let buffer = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffer += String(chunk);
        let i;
        while ((i = buffer.indexOf('\n')) !== -1) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          replica.lines.push(line);
          const m = /"url":"([^"]+)".*"msg":"listening"/.exec(line);
          if (m) resolve(m[1]!);
        }
      });
      void child.then((r) => reject(new Error(`replica ${id} exited ${r.exitCode}: ${String(r.stderr)}\n${replica.lines.join('\n')}`)));
    });
    return replica;
  }

  for (const id of ids) await start(id);
  return {
    api,
    dir,
    replicas,
    start,
    leader: () => String((api.objects.get('leases', 'argocd', 'argocd-image-plugins')?.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? ''),
  };
}

export interface Answer {
  readonly status: number;
  readonly revision: number | undefined;
  readonly text: string;
}

export async function ask(url: string): Promise<Answer> {
  try {
    const res = await request(`${url}/api/v1/getparams.execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: '{"applicationSetName":"web","input":{}}' });
    const header = res.headers['x-state-revision'];
    return { status: res.statusCode, revision: header === undefined ? undefined : Number(header), text: await res.body.text() };
  } catch (err) {
    return { status: 0, revision: undefined, text: String(err) };
  }
}

export function tagOf(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { output: { parameters: Array<{ images: { web: { tag: string } } }> } }).output.parameters[0]?.images.web.tag;
  } catch {
    return undefined;
  }
}

/**
 * The body of a Distribution push notification for `repository:tag`, with the target fields the
 * registry sends (mediaType, size, digest, length) when `pushed` says what was pushed.
 */
export function pushEnvelope(registryHost: string, repository: string, tag: string, pushed?: { readonly digest: string; readonly mediaType: string; readonly size: number }): string {
  const target = { ...(pushed && { mediaType: pushed.mediaType, size: pushed.size, digest: pushed.digest, length: pushed.size }), repository, tag };
  return JSON.stringify({ events: [{ action: 'push', target, request: { host: registryHost, method: 'PUT' } }] });
}

/** Posts the registry's push notification for `repository:tag` to the replica at `url`; the HTTP status. */
export async function postPush(url: string, registryHost: string, repository: string, tag: string): Promise<number> {
  const res = await request(`${url}/api/v1/webhooks/distribution`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_SECRET}` }, body: JSON.stringify({ events: [{ action: 'push', target: { repository, tag }, request: { host: registryHost } }] }) });
  await res.body.dump();
  return res.statusCode;
}
