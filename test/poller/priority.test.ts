// The order of due scans when a registry cannot take them all: used first, then the stalest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderDue } from '../../src/poller/priority.ts';

const scan = (name: string, due: number, lastScanAt?: number) => ({ name, due, ...(lastScanAt !== undefined && { lastScanAt }) });

test('watches clusters asked for recently go before the others, however stale the others are', () => {
  const used = new Set(['a', 'c']);
  const order = orderDue([scan('b', 0, 0), scan('a', 50, 900), scan('d', 10, 10), scan('c', 60, 800)], (s) => used.has(s.name));
  assert.deepEqual(order.map((s) => s.name), ['c', 'a', 'b', 'd']);
});

test('ties go to the stalest: never scanned first, then the oldest last scan, then the earliest due', () => {
  const order = orderDue([scan('recent', 0, 500), scan('old', 100, 100), scan('never-late', 300), scan('never-early', 200)], () => true);
  assert.deepEqual(order.map((s) => s.name), ['never-early', 'never-late', 'old', 'recent']);
});

test('the input is left as it was', () => {
  const input = [scan('x', 2, 1), scan('y', 1, 0)];
  orderDue(input, () => false);
  assert.deepEqual(input.map((s) => s.name), ['x', 'y']);
});
