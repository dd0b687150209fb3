// The shared wait: answers with the probe's first value, names what it waited for when the deadline
// passes, fails at once on a probe error unless told that errors are part of waiting, and wakes on
// an event instead of the next poll when given one.
import test from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { until } from './until.ts';

test('returns the first answer that is neither undefined nor false', async () => {
  let calls = 0;
  const value = await until(() => (++calls < 3 ? (calls === 1 ? undefined : false) : { calls }), { what: 'the third call', everyMs: 1 });
  assert.deepEqual(value, { calls: 3 });
});

test('the timeout names what was awaited and, when errors were retried, the last one', async () => {
  await assert.rejects(until(() => false, { what: 'the moon', deadlineMs: 30, everyMs: 5 }), /timed out after 30 ms waiting for the moon$/);
  let n = 0;
  const failing = (): never => {
    throw new Error(`refused ${++n}`);
  };
  await assert.rejects(until(failing, { what: () => `the port (${n} tries)`, deadlineMs: 30, everyMs: 5, retryErrors: true }), (err: Error) => /waiting for the port \(\d+ tries\) \(last error: refused \d+\)$/.test(err.message) && n > 1);
});

test('a probe error fails the wait at once unless retrying errors was asked for', async () => {
  let calls = 0;
  await assert.rejects(until(() => {
    calls++;
    throw new Error('broken probe');
  }, { what: 'anything', deadlineMs: 10_000 }), /^Error: broken probe$/);
  assert.equal(calls, 1);
  let tries = 0;
  assert.equal(await until(() => {
    if (++tries < 3) throw new Error('not listening yet');
    return 'up';
  }, { what: 'the service', everyMs: 1, retryErrors: true }), 'up');
});

test('an event wakes the wait before the next poll, and the listener is removed afterwards', async () => {
  const changes = new EventEmitter();
  let probes = 0;
  let ready = false;
  const waiting = until(() => (probes++, ready), {
    what: 'the change event',
    deadlineMs: 120_000,
    everyMs: 60_000,
    wake: (again) => {
      changes.on('change', again);
      return () => void changes.off('change', again);
    },
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(probes, 1, 'asked once, then asleep until the next poll or event');
  ready = true;
  changes.emit('change');
  // Only promise callbacks run before the next turn of the loop: the probe was asked by the event, not a timer.
  await new Promise((r) => setImmediate(r));
  assert.equal(probes, 2);
  assert.equal(await waiting, true);
  assert.equal(changes.listenerCount('change'), 0);
});
