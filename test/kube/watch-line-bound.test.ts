// A watch whose server never ends an event line (test/helpers/kube-api-endless-line.ts): the client
// stops reading at its bound (MAX_WATCH_LINE_BYTES) with KUBE_WATCH_LINE_TOO_LONG instead of buffering
// what the peer sends, hangs up, and the watch starts again and sees the object. Plain replies are
// bounded the same way (src/kube/reply.ts).
import { test } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import assert from 'node:assert/strict';
import type { WatchEventType } from '../../src/kube/objects.ts';
import { MAX_WATCH_LINE_BYTES } from '../../src/kube/watch-lines.ts';
import { readReply } from '../../src/kube/reply.ts';
import { createEndlessLines } from '../helpers/kube-api-endless-line.ts';
import { startKubeApi } from '../helpers/kube-api.ts';
import { objectClientFor } from '../helpers/pull-secret.ts';
import { until } from '../helpers/until.ts';

test('an endless watch line is cut at the bound with KUBE_WATCH_LINE_TOO_LONG, and the watch starts again', async (t) => {
  const api = await startKubeApi(t);
  const kube = objectClientFor(api.url, api.token);
  t.after(() => kube.close());
  await kube.objects.create('configmaps', 'ns', { metadata: { name: 'state' }, data: { a: '1' } });
  api.endlessLines.arm();
  const seen: Array<[WatchEventType, unknown]> = [];
  const errors: Array<{ code?: string; message?: string }> = [];
  const abort = new AbortController();
  const done = kube.objects.watch('configmaps', 'ns', 'state', (type, o) => seen.push([type, o.data]), { signal: abort.signal, retryMs: 20, onError: (e) => errors.push(e as { code?: string }) });
  t.after(async () => {
    abort.abort();
    await done;
  });
  const cut = await until(() => errors.find((e) => e.code === 'KUBE_WATCH_LINE_TOO_LONG'), { what: 'the watch to refuse the endless line', deadlineMs: 60_000 });
  assert.match(cut.message ?? '', new RegExp(`configmaps ns/state.*${MAX_WATCH_LINE_BYTES} bytes`));
  await until(() => seen.length > 0, { what: 'the object, once the watch started again' });
  assert.deepEqual(seen[0], ['ADDED', { a: '1' }]);
  // The peer would send 64 MiB; the client hung up long before (the bound plus what was in flight).
  await until(() => api.endlessLines.answers[0]?.hungUp, { what: () => `the client to hang up on the endless answer (${api.endlessLines.answers[0]?.sent} bytes sent)` });
});

test('a reply body past its bound is refused with KUBE_REPLY_TOO_LARGE, unread beyond it', async (t) => {
  const endless = createEndlessLines();
  endless.arm();
  const server = createServer((req, res) => endless.serve(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const res = await request(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await assert.rejects(readReply(res, 'a list', 1024 * 1024), { code: 'KUBE_REPLY_TOO_LARGE', message: /reply for a list is larger than 1048576 bytes/ });
  await until(() => endless.answers[0]?.hungUp, { what: () => `the client to hang up (${endless.answers[0]?.sent} bytes sent)` });
});
