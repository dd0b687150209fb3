// `check-config --webhooks`: which webhook to register at each registry the watches use, as a real
// process. The secret is never printed; a placeholder stands where the sender carries it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { webhookSetup } from '../../src/webhooks/setup.ts';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const HOSTS = ['nginx', 'ghcr.io/acme/tool', 'quay.io/acme/op', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api', 'acme.azurecr.io/shop/web', 'europe-west1-docker.pkg.dev/p/r/web', 'registry.gitlab.com/acme/worker', 'registry.example.com:5000/team/app'];

function configText(dir: string, withSecret: boolean): string {
  const watches = HOSTS.map((image, i) => `  - { name: w${i}, image: ${image}, policy: { semver: { range: "^1" } } }`).join('\n');
  const server = withSecret ? `server:\n  webhooks: { secretFile: ${join(dir, 'webhook-secret')} }\n` : '';
  return `${server}watches:\n${watches}\n`;
}

test('check-config --webhooks names the route and the setup per registry kind, never the secret', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'aip-webhooks-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'webhook-secret'), 'very-secret-value');
  writeFileSync(join(dir, 'config.yaml'), configText(dir, true));
  const r = await execa(process.execPath, [CLI, 'check-config', '--webhooks', join(dir, 'config.yaml')], { reject: false });
  assert.equal(r.exitCode, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'ok: 8 watches, 8 registries');
  const route = (host: string) => lines.find((l) => l.startsWith(`webhook ${host}:`)) ?? assert.fail(`no line for ${host}:\n${r.stdout}`);
  assert.match(route('docker.io'), /POST <service URL>\/api\/v1\/webhooks\/dockerhub\?secret=<webhook secret>/);
  assert.match(route('ghcr.io'), /\/api\/v1\/webhooks\/ghcr \(GitHub webhook/);
  assert.match(route('quay.io'), /\/api\/v1\/webhooks\/quay\?secret=<webhook secret>/);
  assert.match(route('123456789012.dkr.ecr.eu-west-1.amazonaws.com'), /\/api\/v1\/webhooks\/ecr .*X-Webhook-Secret/);
  assert.match(route('acme.azurecr.io'), /\/api\/v1\/webhooks\/acr .*Authorization: Bearer <webhook secret>/);
  assert.match(route('europe-west1-docker.pkg.dev'), /\/api\/v1\/webhooks\/gar\?secret=<webhook secret>/);
  assert.match(route('registry.gitlab.com'), /none \(GitLab\.com sends no registry notifications/);
  assert.match(route('registry.example.com:5000'), /\/api\/v1\/webhooks\/distribution .*Harbor.*GitLab self-managed/);
  assert.equal(lines.length, 9);
  assert.doesNotMatch(r.stdout, /very-secret-value/);

  writeFileSync(join(dir, 'config.yaml'), configText(dir, false));
  const off = await execa(process.execPath, [CLI, 'check-config', '--webhooks', join(dir, 'config.yaml')], { reject: false });
  assert.equal(off.exitCode, 0, off.stderr);
  assert.equal(off.stdout.split('\n')[1], 'webhooks are off: set server.webhooks.secret (or secretFile) first');
  const plain = await execa(process.execPath, [CLI, 'check-config', join(dir, 'config.yaml')], { reject: false });
  assert.equal(plain.stdout, 'ok: 8 watches, 8 registries', 'without --webhooks the output is unchanged');
});

test('registry kinds from hosts: China ECR, gcr.io regions, ACR clouds; near-misses are Distribution', () => {
  assert.equal(webhookSetup('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn').source, 'ecr');
  assert.equal(webhookSetup('eu.gcr.io').source, 'gar');
  assert.equal(webhookSetup('gcr.io').source, 'gar');
  assert.equal(webhookSetup('acme.azurecr.cn').source, 'acr');
  for (const host of ['1234.dkr.ecr.us-east-1.amazonaws.com', 'notgcr.io', 'quay.io.evil.example', 'ghcr.io:444']) assert.equal(webhookSetup(host).source, 'distribution', host);
});
