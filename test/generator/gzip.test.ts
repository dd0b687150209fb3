// getparams answers gzip-coded for clients that ask (Argo CD's Go client does), on a real socket:
// the decompressed bytes equal the identity answer, `Vary: Accept-Encoding` is always set, clients
// that do not ask (or refuse gzip) get the identity bytes unchanged, and each answer is compressed
// once and served from memory until the state moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { acceptsGzip } from '../../src/generator/encoding.ts';
import { INLINE_GZIP_BYTES, lazyGzip } from '../../src/generator/compressed.ts';
import { baseConfig, controllerRequest, record, startFixture } from './fixture.ts';
import { send, type WireResponse } from './socket.ts';

function withEncoding(name: string, acceptEncoding: string | undefined, parameters?: Record<string, unknown>) {
  const req = controllerRequest(name, parameters);
  const { 'accept-encoding': _, ...headers } = req.headers;
  return { ...req, headers: acceptEncoding === undefined ? headers : { ...headers, 'accept-encoding': acceptEncoding } };
}

test('Accept-Encoding: gzip by name, x-gzip or *, never with q=0 (RFC 9110 §12.5.3)', () => {
  for (const yes of ['gzip', 'GZIP', 'deflate, gzip;q=0.5', 'x-gzip', '*', 'br, *;q=0.1', ['br', 'gzip']]) assert.equal(acceptsGzip(yes), true, String(yes));
  for (const no of [undefined, '', 'identity', 'br, deflate', 'gzip;q=0', 'gzip; q=0.0, *', '*;q=0', 'gzipx']) assert.equal(acceptsGzip(no), false, String(no));
});

test('small answers: gzip on the wire decompresses to the identity bytes; Vary on both', async (t) => {
  const fx = await startFixture(t);
  const plain = await send(fx.app, withEncoding('web-apps', undefined, { images: ['web'] }));
  const gz = await send(fx.app, withEncoding('web-apps', 'gzip', { images: ['web'] }));
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.wireBytes, Buffer.byteLength(plain.text));
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gz.text, plain.text);
  assert.ok(gz.wireBytes < plain.wireBytes, `${gz.wireBytes} < ${plain.wireBytes}`);
  for (const r of [plain, gz]) {
    assert.match(String(r.headers.vary), /Accept-Encoding/i);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
  }
  for (const refused of ['gzip;q=0', 'identity', 'br']) {
    const r = await send(fx.app, withEncoding('web-apps', refused, { images: ['web'] }));
    assert.equal(r.headers['content-encoding'], undefined, refused);
    assert.equal(r.text, plain.text);
  }
  const error = await send(fx.app, withEncoding('web-apps', 'gzip', { images: ['nope'] }));
  assert.equal(error.status, 400);
  assert.equal(error.json().code, 'GEN_UNKNOWN_WATCH', 'errors stay plain JSON, read without decompressing');
  assert.equal(error.headers['content-encoding'], undefined);
});

async function untilGzip(send1: () => Promise<WireResponse>): Promise<WireResponse> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await send1();
    if (r.headers['content-encoding'] === 'gzip' || Date.now() > deadline) return r;
  }
}

test('large answers: compressed off the request path, then served gzip; a state change compresses the new answer', async (t) => {
  const clusters = Array.from({ length: 800 }, (_, i) => ({ name: `c${i}`, server: `https://c${i}:6443`, labels: { environment: 'prod', region: 'eu' } }));
  const fx = await startFixture(t, { config: (dir) => ({ ...baseConfig(dir), clusters: { static: clusters } }) });
  const identity = await send(fx.app, withEncoding('x', undefined, { images: ['web'] }));
  assert.ok(identity.wireBytes > INLINE_GZIP_BYTES, `answer is ${identity.wireBytes} bytes`);
  const first = await untilGzip(() => send(fx.app, withEncoding('x', 'gzip', { images: ['web'] })));
  assert.equal(first.headers['content-encoding'], 'gzip');
  assert.equal(first.text, identity.text);
  assert.ok(first.wireBytes * 10 <= identity.wireBytes, `${first.wireBytes} bytes is at most a tenth of ${identity.wireBytes}`);

  record(fx.cache, 'web', 'default', 'registry.test:5000/acme/web', '1.5.0');
  const changed = await untilGzip(() => send(fx.app, withEncoding('x', 'gzip', { images: ['web'] })));
  assert.equal(changed.headers['content-encoding'], 'gzip');
  assert.notEqual(changed.text, identity.text);
  assert.equal(changed.text, (await send(fx.app, withEncoding('x', undefined, { images: ['web'] }))).text);
  assert.match(changed.text, /"tag":"1\.5\.0"/);
});

test('one compression per answer: the same bytes are handed out again', async () => {
  const small = lazyGzip('{"output":{"parameters":[]}}');
  const a = small.get();
  assert.ok(a);
  assert.equal(small.get(), a);
  assert.equal(gunzipSync(a).toString(), '{"output":{"parameters":[]}}');
  const text = JSON.stringify({ output: { parameters: Array.from({ length: 4000 }, (_, i) => ({ name: `cluster-${i}` })) } });
  const large = lazyGzip(text);
  assert.equal(large.get(), undefined, 'a large answer is not compressed on the request path');
  large.prepare();
  large.prepare();
  const deadline = Date.now() + 30_000;
  let ready: Buffer | undefined;
  while (!(ready = large.get()) && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(ready, 'compressed within the deadline');
  assert.equal(large.get(), ready);
  assert.equal(gunzipSync(ready).toString(), text);
});
