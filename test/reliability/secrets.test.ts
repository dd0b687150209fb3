// Secrets stay secret: recognisable fake credentials go in everywhere — the
// service token, the webhook secret, Basic registry credentials (right ones and wrong ones), token
// auth with JWTs from the real token issuer — then every log line, every error message, every
// metric and every HTTP answer (bodies and headers) is searched for them: zero hits. Registries are
// CNCF Distribution on loopback with htpasswd and token auth (distribution spec/auth/token).
// The comparisons of presented tokens go through crypto.timingSafeEqual on equal-length digests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startRegistry } from '../helpers/registry.ts';
import { startProtocolRegistry } from '../helpers/protocol-registry.ts';
import { pushImage } from '../helpers/images.ts';
import { configText, writeConfig } from '../../bench/lib/config.ts';
import { getPath, getParams, postRaw, snapshotCli, startService, type Reply } from '../../bench/lib/service.ts';
import { FAKE, findSecrets, needles } from './lib/secrets.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { WEBHOOK_SOURCES } from '../../src/webhooks/types.ts';
import { until } from '../helpers/until.ts';

const run = promisify(execFile);

test('no credential or token appears in any log line, error, metric or HTTP answer', async (t) => {
  const cli = await snapshotCli();
  t.after(() => cli.remove());
  const basicReg = await startRegistry({ auth: 'basic' });
  t.after(() => basicReg.stop());
  const tokenReg = await startRegistry({ auth: 'token' });
  t.after(() => tokenReg.stop());
  // A second way into the Basic registry, configured with wrong (fake) credentials: every error path.
  const wrongDoor = await startProtocolRegistry({ upstream: basicReg.url });
  t.after(() => wrongDoor.stop());
  await pushImage(basicReg, 'acme/web', '1.0.0', { created: '2026-06-01T00:00:00Z', label: 'b' });
  await pushImage(tokenReg, 'acme/api', '1.0.0', { created: '2026-06-01T00:00:00Z', label: 't' });
  tokenReg.token?.issuer.setExpiresIn(2);
  const dir = await mkdtemp(join(tmpdir(), 'aip-secrets-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'cache'));
  await writeFile(join(dir, 'token'), `${FAKE.serviceToken}\n`);
  await writeFile(join(dir, 'webhook'), `${FAKE.webhookSecret}\n`);
  await writeFile(join(dir, 'user'), `${basicReg.basic!.username}\n`);
  await writeFile(join(dir, 'pass'), `${basicReg.basic!.password}\n`);
  await writeFile(join(dir, 'fakeuser'), `${FAKE.registryUser}\n`);
  await writeFile(join(dir, 'fakepass'), `${FAKE.registryPassword}\n`);
  const base = {
    dir,
    tokenFile: join(dir, 'token'),
    webhookSecretFile: join(dir, 'webhook'),
    intervalSeconds: 1,
    registries: [
      { host: basicReg.host, url: basicReg.url, basic: { usernameFile: join(dir, 'user'), passwordFile: join(dir, 'pass') } },
      { host: wrongDoor.host, url: wrongDoor.url, basic: { usernameFile: join(dir, 'fakeuser'), passwordFile: join(dir, 'fakepass') } },
      { host: tokenReg.host, url: tokenReg.url },
    ],
    watches: [
      { name: 'web', image: `${basicReg.host}/acme/web`, range: '^1.0.0' },
      { name: 'denied', image: `${wrongDoor.host}/acme/web`, range: '^1.0.0' },
      { name: 'api', image: `${tokenReg.host}/acme/api`, range: '^1.0.0' },
    ],
  };
  const config = await writeConfig(base);
  const s = await startService({ cli: cli.cli, config, env: { LOG_LEVEL: 'debug' } });
  t.after(() => s.stop('SIGKILL'));
  const replies: Array<{ where: string; reply: Reply }> = [];
  const keep = async (where: string, p: Promise<Reply>): Promise<Reply> => {
    const reply = await p;
    replies.push({ where, reply });
    return reply;
  };
  await until(async () => ((await getPath(s.url, '/readyz')).status === 200 ? true : undefined), { what: 'first scans', deadlineMs: 20_000, retryErrors: true });
  const good = await keep('getparams', getParams(s.url, FAKE.serviceToken, { applicationSetName: 'apps', input: { parameters: { images: ['web', 'api'] } } }));
  assert.equal(good.status, 200, good.text);
  await keep('getparams denied', getParams(s.url, FAKE.serviceToken, { applicationSetName: 'apps', input: { parameters: { images: ['denied'] } } }));
  for (const wrong of [`${FAKE.serviceToken}x`, FAKE.serviceToken.slice(0, -1), FAKE.serviceToken.toLowerCase(), `$${FAKE.serviceToken}`, FAKE.webhookSecret]) {
    const r = await keep('getparams wrong token', getParams(s.url, wrong, { applicationSetName: 'apps', input: {} }));
    assert.equal(r.status, 401);
  }
  await keep('getparams Basic', postRaw(s.url, '/api/v1/getparams.execute', '{}', { authorization: `Basic ${Buffer.from(`u:${FAKE.serviceToken}`).toString('base64')}` }));
  await keep('images', getPath(s.url, '/api/v1/images', FAKE.serviceToken));
  await keep('images wrong token', getPath(s.url, '/api/v1/images', FAKE.webhookSecret));
  for (const source of WEBHOOK_SOURCES) {
    await keep(`webhook ${source} wrong`, postRaw(s.url, `/api/v1/webhooks/${source}?secret=${FAKE.serviceToken}`, '{"events":[]}', { authorization: `Bearer ${FAKE.serviceToken}`, 'x-hub-signature-256': `sha256=${FAKE.serviceToken}`, 'x-webhook-secret': FAKE.serviceToken }));
  }
  await keep('webhook good', postRaw(s.url, '/api/v1/webhooks/distribution', JSON.stringify({ events: [{ action: 'push', target: { repository: 'acme/api', tag: '1.0.0' }, request: { host: tokenReg.host } }] }), { authorization: `Bearer ${FAKE.webhookSecret}` }));
  // Tokens expire (2 s) and are renewed, and the wrong credentials fail more than once: wait for both.
  const refusals = (): number => s.lines().filter((l) => l.includes('"denied"') || l.includes('REG_AUTH')).length;
  await until(() => ((tokenReg.token?.issuer.requests().length ?? 0) >= 3 && refusals() >= 2 ? true : undefined), { what: 'tokens renewed and wrong credentials refused twice', deadlineMs: 30_000, retryErrors: true });
  // An invalid config change that writes a secret inline: the refusal must not echo it.
  await writeFile(config, configText(base).replace(`tokenFile: ${join(dir, 'token')}`, `token: "${FAKE.serviceToken}"`));
  await until(() => (s.lines().some((l) => l.includes('config change refused')) ? true : undefined), { what: 'config refused', deadlineMs: 10_000, retryErrors: true });
  await keep('getparams while config invalid', getParams(s.url, FAKE.serviceToken, { applicationSetName: 'apps', input: {} }));
  await keep('readyz while config invalid', getPath(s.url, '/readyz'));
  await keep('metrics', getPath(s.url, '/metrics'));
  await keep('healthz', getPath(s.url, '/healthz'));
  const check = await run(process.execPath, [cli.cli, 'check-config', '--config', config]).catch((err: { stdout: string; stderr: string }) => err);
  await writeConfig(base);
  const exit = await s.stop('SIGTERM');
  assert.equal(exit.code, 0, s.stderr());

  const haystacks = [
    ...s.lines().map((text, i) => ({ where: `log line ${i}`, text })),
    { where: 'stderr', text: s.stderr() },
    { where: 'check-config output', text: `${check.stdout}\n${check.stderr}` },
    ...replies.map(({ where, reply }) => ({ where, text: `${JSON.stringify(reply.headers)}\n${reply.text}` })),
  ];
  const list = needles([
    { name: 'real registry password', value: basicReg.basic!.password },
    { name: 'token issuer password', value: tokenReg.token!.password },
  ]);
  const hits = findSecrets(haystacks, list);
  t.diagnostic(`searched ${haystacks.length} log lines and answers (${haystacks.reduce((n, h) => n + h.text.length, 0)} bytes) for ${list.length} secrets and fragments`);
  assert.deepEqual(hits, []);
  // The search must be able to fail: the token file's own content is a hit.
  assert.equal(findSecrets([{ where: 'self-check', text: `token ${FAKE.serviceToken}` }], list).length, 2);
  // And the run exercised what it claims: tokens were issued, wrong credentials were refused.
  assert.ok((tokenReg.token?.issuer.requests().length ?? 0) >= 2, 'registry tokens were issued and renewed');
  assert.ok(s.lines().some((l) => l.includes('"denied"') || l.includes('REG_AUTH')), 'the wrong credentials were tried and refused');
  assert.ok(replies.some((r) => r.where === 'metrics' && r.reply.text.length > 1000), 'metrics were read');
});

test('presented tokens and webhook secrets are compared with crypto.timingSafeEqual on equal-length digests', async () => {
  const crypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  const original = crypto.timingSafeEqual;
  const calls: Array<[number, number]> = [];
  crypto.timingSafeEqual = ((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    calls.push([a.byteLength, b.byteLength]);
    return original(a, b);
  }) as typeof original;
  syncBuiltinESMExports();
  try {
    const { createTokenCheck } = await import('../../src/server/auth.ts');
    const { sameSecret } = await import('../../src/webhooks/verify.ts');
    const check = createTokenCheck({ source: () => ({ env: 'T' }), clock: systemClock, env: { T: FAKE.serviceToken } });
    const presented = ['x', FAKE.serviceToken.slice(0, -1), `${FAKE.serviceToken}${'y'.repeat(1000)}`, FAKE.serviceToken];
    for (const p of presented) check(`Bearer ${p}`);
    assert.equal(check(`Bearer ${FAKE.serviceToken}`), undefined, 'the right token passes');
    assert.ok(check('Bearer x'), 'a wrong token is refused');
    for (const p of presented) sameSecret(p, FAKE.webhookSecret);
    assert.ok(calls.length >= presented.length * 2 + 2, `timingSafeEqual called ${calls.length} times`);
    assert.ok(calls.every(([a, b]) => a === b && a === 32), `every comparison on two 32-byte digests, whatever the presented length: ${JSON.stringify(calls)}`);
  } finally {
    crypto.timingSafeEqual = original;
    syncBuiltinESMExports();
  }
});
