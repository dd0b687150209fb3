// newestPush needs a registry that says when each tag was pushed. That is known from the config
// alone (the registry's kind), so a watch asking it of a registry without such an API is refused
// when the config loads, not at its first scan. Pure.
import { hasPushTimeApi, registryKind } from './registry-kind.ts';
import type { RegistryConfig, SelectionRule, Watch } from './types.ts';
import { child, report, type IssueSink } from './reader.ts';
import { ECR_PUBLIC_HOST } from './parse-ecr.ts';

function rulesOf(watch: Watch, path: string): Array<{ rule: SelectionRule; path: string }> {
  // an environment that inherits the watch's policy is reported once, at the watch
  const overrides = Object.entries(watch.environments).filter(([, rule]) => rule.policy !== watch.rule.policy);
  return [{ rule: watch.rule, path: child(path, 'policy') }, ...overrides.map(([env, rule]) => ({ rule, path: child(child(child(path, 'environments'), env), 'policy') }))];
}

export function checkPushTimePolicies(sink: IssueSink, watches: readonly Watch[], registries: readonly RegistryConfig[]): void {
  const byHost = new Map(registries.map((r) => [r.host, r]));
  watches.forEach((watch, index) => {
    const registry = byHost.get(watch.registry);
    if (registry === undefined) return;
    const kind = registryKind(registry);
    // ECR's push times come from DescribeImages, an AWS API: it needs the AWS identity of auth.ecr
    const ecrWithoutSdk = kind === 'ecr' && (registry.auth.kind !== 'ecr' || registry.auth.public);
    if (hasPushTimeApi(kind) && !ecrWithoutSdk) return;
    for (const { rule, path } of rulesOf(watch, `watches[${index}]`)) {
      if (rule.policy.kind !== 'newestPush') continue;
      if (ecrWithoutSdk) {
        report(sink, child(path, 'newestPush'), `${watch.registry} (kind "ecr") tells push times through the AWS API DescribeImages, which needs auth: { ecr: {} } on this private registry (its AWS identity, also used to log in; ECR Public has no such API here); or use newestBuild: {}`);
        continue;
      }
      report(sink, child(path, 'newestPush'), noPushTimeMessage(watch.registry, kind));
    }
  });
}

function noPushTimeMessage(host: string, kind: string): string {
  const alternative = "use newestBuild: {} (orders by the image's created time)";
  // ECR Public's DescribeImages is another API (ecr-public) that this service does not read
  if (host === ECR_PUBLIC_HOST) return `${host} (ECR Public) has no push-time API this service reads (DescribeImages is read for private ECR registries only); ${alternative}`;
  const what = kind === 'distribution' ? `${host} is a plain Distribution registry (kind "distribution"), which` : `${host} (kind "${kind}")`;
  return `${what} has no API that tells when a tag was pushed; ${alternative}, or set registries[].kind if this host runs Harbor, Quay, ACR, GAR, ECR or Docker Hub`;
}
