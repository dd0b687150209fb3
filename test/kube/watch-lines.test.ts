// Watch bodies read line by line: characters split across chunks, many events per chunk, an event
// split across chunks, and a peer that never sends a newline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readEvents, WatchLineTooLong } from '../../src/kube/watch-lines.ts';

async function* chunks(parts: readonly Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield part;
}

async function eventsOf(parts: readonly Uint8Array[], max?: number): Promise<unknown[]> {
  const seen: unknown[] = [];
  await readEvents(chunks(parts), (e) => seen.push(e), max);
  return seen;
}

test('a multi-byte character split between two chunks is decoded whole', async () => {
  const bytes = Buffer.from(`${JSON.stringify({ type: 'ADDED', object: { note: 'prüfung ✓' } })}\n`);
  const cut = bytes.indexOf(Buffer.from('✓')) + 1; // inside the three bytes of ✓
  const seen = await eventsOf([bytes.subarray(0, cut), bytes.subarray(cut)]);
  assert.deepEqual(seen, [{ type: 'ADDED', object: { note: 'prüfung ✓' } }]);
});

test('several events in one chunk and one event over several chunks arrive in order', async () => {
  const text = `${JSON.stringify({ n: 1 })}\n${JSON.stringify({ n: 2 })}\n\n${JSON.stringify({ n: 3 })}\n`;
  const bytes = Buffer.from(text);
  const seen = await eventsOf([bytes.subarray(0, 10), bytes.subarray(10, 25), bytes.subarray(25)]);
  assert.deepEqual(seen, [{ n: 1 }, { n: 2 }, { n: 3 }]);
});

test('a line that never ends is refused at the bound instead of growing', async () => {
  const endless = Buffer.alloc(4096, 0x61);
  const parts = Array.from({ length: 64 }, () => endless);
  await assert.rejects(eventsOf(parts, 64 * 1024), WatchLineTooLong);
  assert.deepEqual(await eventsOf(parts.slice(0, 8), 64 * 1024), [], 'under the bound nothing is refused, and a cut line is dropped');
});
