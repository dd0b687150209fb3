// Slow and unauthenticated clients, over raw sockets: headers never finished, bodies never finished,
// and a burst of such connections. The server closes each within its configured timeouts, refuses
// connections past maxUnauthenticatedConnections as they arrive, keeps an authenticated keep-alive
// connection usable during the burst, and is back to no open connections and its baseline heap after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { request, Agent } from 'undici';
import { baseConfig, startFixture, TOKEN, controllerRequest } from '../generator/fixture.ts';
import { listenOnce } from '../generator/socket.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const limits = { headersTimeoutSeconds: 1, requestTimeoutSeconds: 3, maxUnauthenticatedConnections: 16 };

function open(base: string, bytes: string): Promise<Socket> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(bytes);
      resolve(socket);
    });
    socket.on('error', () => {});
    socket.once('error', reject);
  });
}

function closed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (c: Buffer) => void (text += c.toString('latin1')));
    if (socket.destroyed) resolve(text);
    else socket.once('close', () => resolve(text));
  });
}

function connections(server: import('node:http').Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

test('headers or bodies never finished are cut at the configured timeouts', async (t) => {
  const fx = await startFixture(t, { config: (dir) => baseConfig(dir, { server: { ...(baseConfig(dir).server as object), ...limits } }) });
  const base = await listenOnce(fx.app);
  const noHeaders = await open(base, 'POST /api/v1/webhooks/distribution HTTP/1.1\r\nHost: x\r\n');
  const noBody = await open(base, 'POST /api/v1/webhooks/distribution HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"events":');
  const [a, b] = await Promise.all([closed(noHeaders), closed(noBody)]);
  // Node answers a request that ran out of time with 408 before closing; either way the socket is gone
  for (const text of [a, b]) assert.ok(text === '' || text.startsWith('HTTP/1.1 408'), text.slice(0, 80));
  assert.equal(await connections(fx.app.server), 0);
});

test('a burst of never-finished bodies: past the cap refused at once, the authenticated client still served, memory back to baseline', async (t) => {
  const fx = await startFixture(t, { config: (dir) => baseConfig(dir, { server: { ...(baseConfig(dir).server as object), ...limits } }) });
  const base = await listenOnce(fx.app);
  // an authenticated keep-alive connection, as the ApplicationSet controller holds one
  const agent = new Agent({ connections: 1, keepAliveTimeout: 60_000 });
  t.after(() => agent.close());
  const ask = async () => {
    const req = controllerRequest('apps');
    const res = await request(`${base}${req.url}`, { method: 'POST', headers: req.headers, body: req.payload, dispatcher: agent });
    await res.body.text();
    return res.statusCode;
  };
  assert.equal(await ask(), 200);
  gc();
  const baseline = process.memoryUsage().heapUsed;

  const partial = `POST /api/v1/webhooks/distribution HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer guess\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n\r\n${'x'.repeat(60_000)}`;
  const sockets = await Promise.all(Array.from({ length: 200 }, () => open(base, partial)));
  const ends = sockets.map((s) => closed(s));
  // the refused ones close as they arrive: wait for those closes (an event), then the accepted ones
  // must all still be open, so none of those closes came from a timeout
  let closedCount = 0;
  const refusedClosed = new Promise<void>((resolve) => ends.forEach((e) => void e.then(() => ++closedCount === 200 - limits.maxUnauthenticatedConnections && resolve())));
  await refusedClosed;
  assert.equal(await connections(fx.app.server), limits.maxUnauthenticatedConnections + 1, 'the cap plus the authenticated connection are open');
  assert.equal(await ask(), 200, 'the authenticated keep-alive connection is served while the cap is full');
  const early = closedCount;
  await Promise.all(ends);
  assert.equal(await connections(fx.app.server), 1, 'only the authenticated keep-alive connection is left');
  gc();
  const growth = process.memoryUsage().heapUsed - baseline;
  t.diagnostic(JSON.stringify({ refusedAtOnce: early, heapGrowthKiB: Math.round(growth / 1024) }));
  assert.ok(growth < 8 * 1024 * 1024, `heap grew ${Math.round(growth / 1024)} KiB`);
});

test('a webhook body over 256 KiB is refused with 413', async (t) => {
  const fx = await startFixture(t);
  const base = await listenOnce(fx.app);
  const res = await request(`${base}/api/v1/webhooks/distribution`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: `{"events":[],"pad":"${'x'.repeat(300 * 1024)}"}` });
  assert.equal(res.statusCode, 413);
  await res.body.text();
});

test('a keep-alive connection carrying many requests gathers no listeners: each request takes its own away when it ends', async (t) => {
  const fx = await startFixture(t);
  const base = await listenOnce(fx.app);
  const sockets = new Set<Socket>();
  fx.app.server.on('connection', (s: Socket) => sockets.add(s));
  // one connection, as the ApplicationSet controller's Go client keeps one per host
  const agent = new Agent({ connections: 1, keepAliveTimeout: 60_000 });
  t.after(() => agent.close());
  const ask = async (): Promise<void> => {
    const req = controllerRequest('apps');
    const res = await request(`${base}${req.url}`, { method: 'POST', headers: req.headers, body: req.payload, dispatcher: agent });
    await res.body.text();
    assert.equal(res.statusCode, 200);
  };
  await ask();
  assert.equal(sockets.size, 1);
  const [socket] = [...sockets];
  const before = socket!.listenerCount('close');
  for (let i = 0; i < 30; i++) await ask();
  assert.equal(sockets.size, 1, 'every request went over the one keep-alive connection');
  assert.equal(socket!.listenerCount('close'), before, 'no close listener is left behind per request');
});
