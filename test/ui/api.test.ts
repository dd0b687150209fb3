// The status page's HTTP surface: the viewer login and its cookie, the Argo CD proxy secret, the
// security headers, the ETag on the polled state, and the data behind the page and the extension.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseConfig, record, startFixture, TOKEN, type Fixture } from '../generator/fixture.ts';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { listenOnce, send } from '../generator/socket.ts';
import type { TestContext } from 'node:test';

const VIEWER = 'viewer-token-3b9d';
const PROXY = 'proxy-secret-8e41';

async function fixture(t: TestContext, server: Record<string, unknown> = {}): Promise<Fixture> {
  return startFixture(t, {
    config: (dir) => {
      writeFileSync(join(dir, 'viewer'), `${VIEWER}\n`);
      writeFileSync(join(dir, 'proxy'), PROXY);
      const base = baseConfig(dir);
      return { ...base, server: { ...(base.server as object), viewerTokenFile: join(dir, 'viewer'), proxySecretFile: join(dir, 'proxy'), ...server } };
    },
  });
}

async function signIn(fx: Fixture, token = VIEWER): Promise<{ status: number; cookie: string }> {
  const res = await send(fx.app, { method: 'POST', url: '/ui/api/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ token }) });
  const set = res.headers['set-cookie'];
  return { status: res.status, cookie: String(Array.isArray(set) ? set[0] : (set ?? '')) };
}

test('the page is served with a strict Content-Security-Policy and no inline script', async (t) => {
  const fx = await fixture(t);
  const page = await send(fx.app, { method: 'GET', url: '/ui/' });
  assert.equal(page.status, 200);
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.doesNotMatch(page.text, /<script>|<script[^>]*>[^<]|\son[a-z]+=|<style/i, 'no inline script, handler or style');
  assert.doesNotMatch(page.text, /https?:\/\//, 'no request to another host');
  const js = await send(fx.app, { method: 'GET', url: '/ui/status.js' });
  assert.equal(js.status, 200);
  assert.match(String(js.headers['content-type']), /javascript/);
  const again = await send(fx.app, { method: 'GET', url: '/ui/status.js', headers: { 'if-none-match': String(js.headers.etag) } });
  assert.equal(again.status, 304);
  assert.equal((await send(fx.app, { method: 'GET', url: '/ui/../dist/cli.mjs' })).status, 404);
});

test('viewing needs the viewer token: the generator token is refused, the session cookie is HttpOnly and SameSite=Strict', async (t) => {
  const fx = await fixture(t);
  const anonymous = await send(fx.app, { method: 'GET', url: '/ui/api/state' });
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.json().code, 'UI_LOGIN_REQUIRED');
  const generator = await signIn(fx, TOKEN);
  assert.equal(generator.status, 401, 'the generator token never opens the page');
  assert.equal(generator.cookie, '');
  const bearer = await send(fx.app, { method: 'GET', url: '/ui/api/state', headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(bearer.status, 401);
  const ok = await signIn(fx);
  assert.equal(ok.status, 204);
  assert.match(ok.cookie, /HttpOnly/);
  assert.match(ok.cookie, /SameSite=Strict/);
  assert.match(ok.cookie, /Path=\/ui\//);
  assert.doesNotMatch(ok.cookie, new RegExp(VIEWER), 'the cookie is not the token');
  const cookie = ok.cookie.split(';')[0]!;
  const state = await send(fx.app, { method: 'GET', url: '/ui/api/state', headers: { cookie } });
  assert.equal(state.status, 200);
  const forged = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  assert.equal((await send(fx.app, { method: 'GET', url: '/ui/api/state', headers: { cookie: forged } })).status, 401);
  // Rotating the viewer token ends every session.
  writeFileSync(join(fx.dir, 'viewer'), 'rotated-viewer-token');
  fx.clock.advance(3000);
  assert.equal((await send(fx.app, { method: 'GET', url: '/ui/api/state', headers: { cookie } })).status, 401);
});

test('without a viewer token the page says how to turn it on', async (t) => {
  const fx = await startFixture(t);
  const res = await send(fx.app, { method: 'GET', url: '/ui/api/state' });
  assert.equal(res.status, 403);
  assert.equal(res.json().code, 'UI_DISABLED');
  assert.match(res.json().message as string, /server\.viewerTokenFile/);
});

test('the state answers 304 while nothing changed and a new body when a resolution moves', async (t) => {
  const fx = await fixture(t);
  const cookie = (await signIn(fx)).cookie.split(';')[0]!;
  const first = await send(fx.app, { method: 'GET', url: '/ui/api/state', headers: { cookie } });
  const etag = String(first.headers.etag);
  const body = first.json() as { watches: { name: string; environments: { environment: string; tag: string | null; badges: { kind: string }[] }[] }[] };
  const web = body.watches.find((w) => w.name === 'web')!;
  assert.deepEqual(web.environments.map((e) => [e.environment, e.tag]), [['default', '1.2.0'], ['staging', '1.3.0-rc.1']]);
  assert.equal((await send(fx.app, { method: 'GET', url: '/ui/api/state', headers: { cookie, 'if-none-match': etag } })).status, 304);
  record(fx.cache, 'web', 'default', 'registry.test:5000/acme/web', '1.4.0');
  const moved = await send(fx.app, { method: 'GET', url: '/ui/api/state', headers: { cookie, 'if-none-match': etag } });
  assert.equal(moved.status, 200);
  assert.notEqual(moved.headers.etag, etag);
});

test('the clock alone does not rebuild the state; a resolution turning stale does, when it is due', async (t) => {
  const fx = await fixture(t);
  const cookie = (await signIn(fx)).cookie.split(';')[0]!;
  const get = (headers: Record<string, string> = {}) => send(fx.app, { method: 'GET', url: '/ui/api/state', headers: { cookie, ...headers } });
  const first = await get();
  // A minute later nothing moved: the same body (the same build time in it), a 304 for the page.
  fx.clock.advance(60_000);
  const later = await get();
  assert.equal(later.text, first.text);
  assert.equal((await get({ 'if-none-match': String(first.headers.etag) })).status, 304);
  // Three poll intervals (300 s each) after the last scan without another, every entry is stale.
  fx.clock.advance(3 * 300_000);
  const stale = await get({ 'if-none-match': String(first.headers.etag) });
  assert.equal(stale.status, 200);
  assert.notEqual(stale.headers.etag, first.headers.etag);
  const web = (stale.json() as { watches: { name: string; environments: { badges: { kind: string }[] }[] }[] }).watches.find((w) => w.name === 'web')!;
  assert.ok(web.environments.every((e) => e.badges.some((b) => b.kind === 'stale')));
});

test('a watch detail lists its history and what each cluster is served', async (t) => {
  const fx = await fixture(t);
  record(fx.cache, 'web', 'default', 'registry.test:5000/acme/web', '1.4.0');
  const cookie = (await signIn(fx)).cookie.split(';')[0]!;
  const res = await send(fx.app, { method: 'GET', url: '/ui/api/watches/web', headers: { cookie } });
  assert.equal(res.status, 200);
  const d = res.json() as { history: { tag: string }[]; clusters: { name: string; environment: string; ref: string | null }[] };
  assert.deepEqual(d.history.map((h) => h.tag).sort(), ['1.2.0', '1.3.0-rc.1', '1.4.0']);
  assert.deepEqual(d.clusters.map((c) => [c.name, c.environment, c.ref?.split('@')[0]]), [['prod-eu_1', 'default', 'registry.test:5000/acme/web:1.4.0'], ['staging', 'staging', 'registry.test:5000/acme/web:1.3.0-rc.1']]);
  assert.equal((await send(fx.app, { method: 'GET', url: '/ui/api/watches/nope', headers: { cookie } })).json().code, 'UI_UNKNOWN_WATCH');
});

test('Argo CD proxy requests are trusted only with the shared secret; the cluster comes from argocd-server', async (t) => {
  const fx = await fixture(t);
  const argo = { 'argocd-application-name': 'argocd:web-staging', 'argocd-project-name': 'team-a', 'argocd-username': 'alice', 'argocd-target-cluster-name': 'staging' };
  const wrong = await send(fx.app, { method: 'GET', url: '/ui/api/extension', headers: { ...argo, 'x-image-plugins-proxy-secret': 'guess' } });
  assert.equal(wrong.status, 403);
  assert.equal(wrong.json().code, 'UI_PROXY_REFUSED');
  const noApp = await send(fx.app, { method: 'GET', url: '/ui/api/extension', headers: { 'x-image-plugins-proxy-secret': PROXY } });
  assert.equal(noApp.status, 403);
  const ok = await send(fx.app, { method: 'GET', url: '/ui/api/extension?watches=web', headers: { ...argo, 'x-image-plugins-proxy-secret': PROXY } });
  assert.equal(ok.status, 200);
  const view = ok.json() as { cluster: string; watches: { name: string; served: { ref: string } }[] };
  assert.equal(view.cluster, 'staging');
  assert.deepEqual(view.watches.map((w) => w.name), ['web']);
  assert.match(view.watches[0]!.served.ref, /:1\.3\.0-rc\.1@/);
  const byServer = await send(fx.app, { method: 'GET', url: '/ui/api/extension?server=https%3A%2F%2Fprod-eu%3A6443', headers: { ...argo, 'x-image-plugins-proxy-secret': PROXY } });
  assert.equal((byServer.json() as { cluster: string }).cluster, 'prod-eu_1');
});

test('the state is gzip-coded for clients that accept it, and the coding is the same JSON', async (t) => {
  const fx = await fixture(t);
  const cookie = (await signIn(fx)).cookie.split(';')[0]!;
  const plain = await send(fx.app, { method: 'GET', url: '/ui/api/state', headers: { cookie } });
  const res = await request(`${await listenOnce(fx.app)}/ui/api/state`, { headers: { cookie, 'accept-encoding': 'gzip' } });
  assert.equal(res.headers['content-encoding'], 'gzip');
  assert.equal(res.headers.vary, 'Accept-Encoding');
  const body = JSON.parse(gunzipSync(Buffer.from(await res.body.arrayBuffer())).toString()) as { watches: unknown };
  assert.deepEqual(body.watches, (plain.json() as { watches: unknown }).watches);
});
