// A service config file for the reliability runs, written the way users write config.yaml
// (docs/config.md): one registry (the loopback peer), N watches, a few static clusters.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface RunRegistry {
  readonly host: string;
  readonly url: string;
  readonly requestBudget?: number;
  readonly timeoutSeconds?: number;
  readonly requestsPerSecond?: number;
  /** Files holding Basic credentials. */
  readonly basic?: { readonly usernameFile: string; readonly passwordFile: string };
}

export interface RunWatch {
  readonly name: string;
  /** `host/repository` */
  readonly image: string;
  readonly range: string;
}

export interface RunConfig {
  readonly dir: string;
  readonly tokenFile: string;
  readonly webhookSecretFile?: string;
  readonly intervalSeconds: number;
  readonly cachePath?: string;
  readonly registries: readonly RunRegistry[];
  readonly watches: readonly RunWatch[];
  /** Cluster names; all in environment `prod`. Default: two clusters. */
  readonly clusters?: readonly string[];
}

export function configText(c: RunConfig): string {
  const lines = [
    'server:',
    `  tokenFile: ${c.tokenFile}`,
    '  refreshApplicationSets: false',
    ...(c.webhookSecretFile ? ['  webhooks:', `    secretFile: ${c.webhookSecretFile}`] : []),
    `polling: { intervalSeconds: ${c.intervalSeconds}, jitter: 0 }`,
    `cache: { path: ${c.cachePath ?? join(c.dir, 'cache', 'cache.json')} }`,
    'registries:',
  ];
  for (const r of c.registries) {
    lines.push(`  - host: "${r.host}"`, `    url: "${r.url}"`, '    insecure: true');
    if (r.requestBudget !== undefined) lines.push(`    requestBudget: ${r.requestBudget}`);
    if (r.timeoutSeconds !== undefined) lines.push(`    timeoutSeconds: ${r.timeoutSeconds}`);
    if (r.requestsPerSecond !== undefined) lines.push(`    requestsPerSecond: ${r.requestsPerSecond}`);
    if (r.basic) lines.push(`    auth: { usernameFile: ${r.basic.usernameFile}, passwordFile: ${r.basic.passwordFile} }`);
  }
  lines.push('watches:');
  for (const w of c.watches) lines.push(`  - name: ${w.name}`, `    image: ${w.image}`, `    policy: { semver: { range: "${w.range}" } }`);
  lines.push('clusters:', '  static:');
  for (const name of c.clusters ?? ['prod-eu', 'prod-us']) lines.push(`    - { name: ${name}, server: "https://${name}.example:6443", labels: { environment: prod } }`);
  return `${lines.join('\n')}\n`;
}

export async function writeConfig(c: RunConfig, file = join(c.dir, 'config.yaml')): Promise<string> {
  await writeFile(file, configText(c));
  return file;
}
