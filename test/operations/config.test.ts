// server.operatorTokens: names recorded as who acted, each with its own token source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/parse.ts';
import { baseConfig } from '../generator/fixture.ts';

function issues(operatorTokens: unknown): string[] {
  const base = baseConfig('/s');
  const r = parseConfig({ ...base, server: { ...(base.server as object), operatorTokens } });
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
}

test('operator tokens: a name and one token source each, names unique and well-formed', () => {
  const base = baseConfig('/s');
  const ok = parseConfig({ ...base, server: { ...(base.server as object), operatorTokens: [{ name: 'alice', tokenFile: '/s/alice' }, { name: 'ci.bot', token: { env: 'OPS_TOKEN' } }] } });
  assert.ok(ok.ok);
  assert.deepEqual(ok.config.server.operatorTokens, [{ name: 'alice', token: { file: '/s/alice' } }, { name: 'ci.bot', token: { env: 'OPS_TOKEN' } }]);
  const none = parseConfig(base);
  assert.deepEqual(none.ok && none.config.server.operatorTokens, [], 'none by default: operations are off');
  assert.deepEqual(issues([{ name: 'a', tokenFile: '/x' }, { name: 'a', tokenFile: '/y' }]), ['server.operatorTokens[1].name: "a" is named twice; every operator token needs its own name']);
  assert.match(issues([{ name: 'bad name', tokenFile: '/x' }])[0]!, /is not a name/);
  assert.match(issues([{ name: 'a' }])[0]!, /give the token as tokenFile/);
  assert.match(issues([{ name: 'a', token: 'literal' }])[0]!, /secrets are never written in the config/);
  assert.match(issues([{ name: 'a', tokenFile: '/x', by: 'x' }])[0]!, /by/);
});
