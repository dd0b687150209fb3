// The test infrastructure itself: other suites trust these helpers, so their promises are checked here
// against the real Distribution 2.8 (seed determinism, notifications, the token issuer's policy).
import { test } from 'node:test';
import { existsSync } from 'node:fs';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { startRegistry } from '../helpers/registry.ts';
import { seedStandard, pushImage } from '../helpers/images.ts';
import { startTokenIssuer } from '../helpers/token-issuer.ts';
import { until } from '../helpers/until.ts';

test('two registries seeded separately hold byte-identical images (same digests) for the whole table', async (t) => {
  const [a, b] = await Promise.all([startRegistry(), startRegistry()]);
  t.after(() => Promise.all([a.stop(), b.stop()]));
  assert.notEqual(a.host, b.host);
  const [sa, sb] = await Promise.all([seedStandard(a), seedStandard(b)]);
  assert.deepEqual(sa, sb);
  assert.equal(sa.length, 18);
  const byTag = new Map(sa.map((s) => [`${s.repo}:${s.tag}`, s]));
  assert.equal(byTag.get('test/app:stable')?.digest, byTag.get('test/app:2.0.0')?.digest);
  assert.equal(byTag.get('test/multi:latest')?.digest, byTag.get('test/multi:1.0.0')?.digest);
  assert.equal(new Set(sa.filter((s) => s.repo === 'test/app').map((s) => s.digest)).size, 10);
});

test('stop() removes the storage dir and the process', async () => {
  const reg = await startRegistry();
  await reg.stop();
  assert.equal(existsSync(reg.dir), false);
  await assert.rejects(request(`${reg.url}/v2/`));
});

test('notifications: a push reaches the configured endpoint with its headers', async (t) => {
  const events: Array<{ auth: string | undefined; body: { events: Array<{ action: string; target: { repository: string; tag?: string } }> } }> = [];
  const sink = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      events.push({ auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const reg = await startRegistry({ notifications: { url: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/events`, headers: { Authorization: ['Bearer hook-secret'] } } });
  t.after(async () => {
    await reg.stop();
    sink.closeAllConnections();
    await new Promise<void>((r) => sink.close(() => r()));
  });
  await pushImage(reg, 'test/hooked', '1.0.0', { created: '2026-01-01T00:00:00Z' });
  await until(() => events.some((e) => e.body.events.some((x) => x.target.tag === '1.0.0')), { what: 'the registry notification of the push of 1.0.0', everyMs: 50 });
  const push = events.find((e) => e.body.events.some((x) => x.action === 'push' && x.target.tag === '1.0.0'));
  assert.ok(push, 'push event delivered');
  assert.equal(push.auth, 'Bearer hook-secret');
  assert.equal(push.body.events[0]?.target.repository, 'test/hooked');
});

test('token issuer: anonymous pull except private/*, credentials get all, wrong password 401, POST password grant', async (t) => {
  const issuer = await startTokenIssuer({ expiresIn: 42 });
  t.after(() => issuer.stop());
  const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { aud: unknown; exp: number; iss: string; access: Array<{ name: string; actions: string[] }> };
  const basic = 'Basic ' + Buffer.from(`${issuer.username}:${issuer.password}`).toString('base64');
  const get = async (query: string, auth?: string) => {
    const res = await request(`${issuer.realm}?service=${issuer.service}&${query}`, auth ? { headers: { authorization: auth } } : {});
    return { status: res.statusCode, body: (await res.body.json()) as { token: string; expires_in: number } };
  };
  const anon = await get('scope=repository:test/app:pull,push&scope=repository:private/app:pull');
  assert.equal(anon.body.expires_in, 42);
  const c = claims(anon.body.token);
  assert.equal(typeof c.aud, 'string');
  assert.equal(c.iss, issuer.issuer);
  assert.ok(c.exp > Date.now() / 1000);
  assert.deepEqual(c.access.map((a) => [a.name, a.actions]), [['test/app', ['pull']], ['private/app', []]]);
  const authed = await get('scope=repository:private/app:pull,push', basic);
  assert.deepEqual(claims(authed.body.token).access[0]?.actions, ['pull', 'push']);
  assert.equal((await get('scope=repository:test/app:pull', 'Basic ' + Buffer.from(`${issuer.username}:nope`).toString('base64'))).status, 401);
  const post = await request(issuer.realm, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'password', service: issuer.service, username: issuer.username, password: issuer.password, scope: 'repository:private/app:pull', client_id: 'test' }).toString() });
  const pb = (await post.body.json()) as { access_token: string };
  assert.deepEqual(claims(pb.access_token).access[0]?.actions, ['pull']);
  assert.deepEqual(issuer.requests().map((r) => [r.method, r.account, r.status, r.scopes.length]), [['GET', undefined, 200, 2], ['GET', issuer.username, 200, 1], ['GET', issuer.username, 401, 1], ['POST', issuer.username, 200, 1]]);
});
