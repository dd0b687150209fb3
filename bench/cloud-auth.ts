// Cloud login cost (issue "The registries people actually run"). Run: node bench/cloud-auth.ts [--hours 24]
// 100 repositories on one registry entry, each listed every 30 simulated minutes for `--hours`
// simulated hours (the client's clock is moved by hand; every request is real), for each provider:
//   - ecr:    the AWS SDK (IRSA web identity → STS → GetAuthorizationToken) at the loopback AWS peer,
//             the token used as Basic on the real Distribution registry (htpasswd);
//   - google: google-auth-library's ADC at the loopback metadata server, the token used at the real
//             registry's token realm as oauth2accesstoken;
//   - acr:    @azure/identity's workload identity at the loopback Entra ID peer (TLS), the token traded
//             at the ACR front's /oauth2/exchange, the refresh token used at the real registry's realm.
// Counted: login requests that reached the peer (GetAuthorizationToken / metadata token calls / exchanges).
// Baseline, measured in the same run: a login per repository scan (what a client without a token
// cache, or a per-request credential helper, costs), one cycle of 100 fresh clients, per hour.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../src/shared/clock.ts';
import { createLogger } from '../src/shared/log.ts';
import { createRegistryClient } from '../src/registry/client.ts';
import type { RegistryAuth, RegistryConfig } from '../src/config/types.ts';
import { startRegistry, type TestRegistry } from '../test/helpers/registry.ts';
import { pushImage } from '../test/helpers/images.ts';
import { startAwsPeer } from '../test/helpers/aws-peer.ts';
import { irsaEnvironment } from '../test/helpers/aws-env.ts';
import { startMetadataPeer } from '../test/helpers/gce-metadata.ts';
import { registryConfig } from '../test/registry/support.ts';
import { writeFile } from 'node:fs/promises';
import { ACR_USERNAME } from '../src/registry/cloud/acr.ts';
import { startEntraPeer } from '../test/helpers/entra-peer.ts';
import { startAcrPeer } from '../test/helpers/acr-peer.ts';

const REPOS = 100;
const INTERVAL_MS = 30 * 60_000;
const hoursArg = process.argv.indexOf('--hours');
const HOURS = hoursArg > 0 ? Number(process.argv[hoursArg + 1]) : 24;
const logger = createLogger({ level: 'silent' });

async function seed(reg: TestRegistry): Promise<string[]> {
  const repos = Array.from({ length: REPOS }, (_, i) => `bench/r${i}`);
  for (const repo of repos) await pushImage(reg, repo, '1.0.0', { created: '2026-01-01T00:00:00Z' });
  return repos;
}

/** Cycles of one client over the simulated hours; returns registry requests made and logins seen. */
async function cached(config: RegistryConfig, repos: string[], logins: () => number) {
  const clock = manualClock(Date.now());
  const client = createRegistryClient({ config, logger, clock });
  const before = logins();
  let requests = 0;
  try {
    for (let t = 0; t < HOURS * 3600_000; t += INTERVAL_MS) {
      await Promise.all(repos.map((r) => client.listTags(r)));
      requests += repos.length;
      clock.advance(INTERVAL_MS);
    }
  } finally {
    await client.close();
  }
  return { requests, logins: logins() - before };
}

/** One cycle with a fresh client per repository scan: a login each. */
async function perScan(config: RegistryConfig, repos: string[], logins: () => number) {
  const before = logins();
  for (const repo of repos) {
    const client = createRegistryClient({ config, logger });
    try {
      await client.listTags(repo);
    } finally {
      await client.close();
    }
  }
  return logins() - before;
}

function report(provider: string, run: { requests: number; logins: number }, baselinePerCycle: number): void {
  const perHour = run.logins / HOURS;
  const basePerHour = baselinePerCycle * (3600_000 / INTERVAL_MS);
  console.log(`${provider.padEnd(7)} ${String(run.requests).padStart(8)} ${String(run.logins).padStart(7)} ${perHour.toFixed(2).padStart(12)} ${basePerHour.toFixed(0).padStart(16)} ${(basePerHour / perHour).toFixed(0).padStart(8)}x fewer`);
}

async function ecr(): Promise<void> {
  const reg = await startRegistry({ auth: 'basic' });
  const token = 'eyJ.bench.' + randomUUID();
  const role = 'arn:aws:iam::123456789012:role/bench';
  const peer = await startAwsPeer({ webIdentity: { token, roleArn: role }, login: () => reg.basic! });
  const cleanEnv = await irsaEnvironment(peer.url, token, role);
  try {
    const repos = await seed(reg);
    const auth: RegistryAuth = { kind: 'ecr', region: 'eu-west-1', public: false, registryId: '123456789012' };
    const config = registryConfig(reg.url, { host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', auth, requestBudget: 1_000_000 });
    const logins = () => peer.ecr().length;
    report('ecr', await cached(config, repos, logins), await perScan(config, repos, logins));
  } finally {
    await peer.stop();
    await reg.stop();
    await cleanEnv();
  }
}

async function google(): Promise<void> {
  let issued = 'ya29.' + randomUUID();
  const reg = await startRegistry({ auth: 'token', tokenIssuer: { username: 'oauth2accesstoken', password: issued } });
  const peer = await startMetadataPeer(() => issued);
  const dir = await mkdtemp(join(tmpdir(), 'bench-gcloud-'));
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  Object.assign(process.env, { GCE_METADATA_HOST: peer.host, CLOUDSDK_CONFIG: dir, METADATA_SERVER_DETECTION: 'ping-only' });
  try {
    const repos = await seed(reg);
    const config = registryConfig(reg.url, { host: 'europe-west1-docker.pkg.dev', auth: { kind: 'google' }, authRealms: [new URL(reg.token!.realm).origin], requestBudget: 1_000_000 });
    const logins = () => peer.tokenRequests().length;
    report('google', await cached(config, repos, logins), await perScan(config, repos, logins));
  } finally {
    issued = '';
    await peer.stop();
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function azure(): Promise<void> {
  const reg = await startRegistry({ auth: 'token', tokenIssuer: { username: ACR_USERNAME, password: 'none-' + randomUUID() } });
  const dir = await mkdtemp(join(tmpdir(), 'bench-azure-'));
  const assertion = 'eyJ.bench.' + randomUUID();
  await writeFile(join(dir, 'token'), assertion);
  const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const clientId = '11111111-2222-3333-4444-555555555555';
  const entra = await startEntraPeer({ tenant, clientId, assertion });
  const acr = await startAcrPeer({ upstream: reg.url, service: 'acmebench.azurecr.io', accessTokens: () => entra.issued(), accept: (refresh) => reg.token!.issuer.setPassword(refresh) });
  Object.assign(process.env, { AZURE_AUTHORITY_HOST: entra.url, AZURE_TENANT_ID: tenant, AZURE_CLIENT_ID: clientId, AZURE_FEDERATED_TOKEN_FILE: join(dir, 'token') });
  try {
    // seeded through the front with the issuer's current password: an exchange first
    const config = registryConfig(acr.url, { host: 'acmebench.azurecr.io', auth: { kind: 'acr' }, authRealms: [new URL(reg.token!.realm).origin], requestBudget: 1_000_000 });
    const probe = createRegistryClient({ config, logger });
    await probe.listTags('bench/none').catch(() => undefined);
    await probe.close();
    const repos = await seed({ ...reg, token: { ...reg.token!, password: reg.token!.issuer.password } } as TestRegistry);
    report('acr', await cached(config, repos, acr.exchanges), await perScan(config, repos, acr.exchanges));
  } finally {
    await acr.stop();
    await entra.stop();
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(`${REPOS} repositories, listed every ${INTERVAL_MS / 60_000} simulated minutes for ${HOURS} simulated hours`);
console.log('provider  requests  logins  logins/hour  baseline/hour¹  ratio');
await ecr();
await google();
await azure();
console.log('¹ baseline: one login per repository scan, measured over one cycle of fresh clients in this run');
