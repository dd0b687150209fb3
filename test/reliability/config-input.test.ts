// Bad config files: every field of a complete, valid config made wrong in turn (each wrong value
// from a list), parsed as the service parses its file (src/config/load.ts parseConfigText). Each
// must be refused with an issue that names the field (or its parent), never accepted with a
// wrong-typed value, never a throw. Then whole-file hazards through the real `check-config` command
// and through a running service's live reload: refused, the running config stays in force.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { parseConfigText } from '../../src/config/load.ts';
import { startRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/images.ts';
import { configText } from '../../bench/lib/config.ts';
import { getPath, getParams, snapshotCli, startService, waitReady } from '../../bench/lib/service.ts';
import { FAKE } from './lib/secrets.ts';
import { until } from '../helpers/until.ts';

const run = promisify(execFile);

const VALID = {
  server: { listen: '127.0.0.1:8080', tokenFile: '/run/token', webhooks: { secretFile: '/run/webhook' }, refreshApplicationSets: false },
  polling: { intervalSeconds: 120, jitter: 0.1, maxBackoffSeconds: 600 },
  cache: { path: '/var/lib/aip/cache.json' },
  registries: [{ host: 'ghcr.io', url: 'https://ghcr.io', auth: { usernameFile: '/run/u', passwordFile: '/run/p' }, insecure: false, requestsPerSecond: 5, timeoutSeconds: 10, maxConcurrency: 2, requestBudget: 100, maxPages: 10 }],
  watches: [
    {
      name: 'web',
      image: 'ghcr.io/acme/web',
      policy: { semver: { range: '>=1.0.0 <2' } },
      filter: { include: '^v?\\d+\\.\\d+\\.\\d+$', exclude: ['*-debug'] },
      platforms: ['linux/amd64'],
      pin: 'tag+digest',
      environments: { staging: { policy: { semver: { range: '>=1.0.0-0' } } } },
    },
  ],
  clusters: { environmentLabel: 'environment', static: [{ name: 'prod-eu', server: 'https://prod-eu.example:6443', labels: { environment: 'prod' } }] },
};

const WRONG: readonly unknown[] = [null, 0, -1, 1.5, 1e9, '', 'x', true, [], {}, ['x'], { x: 1 }, '__proto__', 'x'.repeat(100_000)];

type Path = (string | number)[];

function leaves(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => leaves(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object') return [prefix, ...Object.entries(value).flatMap(([k, v]) => leaves(v, [...prefix, k]))];
  return [prefix];
}

function at(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);
}

function withValue(root: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

function shape(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function dotted(path: Path): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

test('every config field made wrong in turn is refused with an issue naming it', () => {
  assert.equal(parseConfigText(stringify(VALID), 'valid.yaml').ok, true, 'the base config is valid');
  let cases = 0;
  const problems: string[] = [];
  for (const path of leaves(VALID).filter((p) => p.length > 0)) {
    const original = at(VALID, path);
    const variants: unknown[] = [...WRONG];
    // and an unknown key in every mapping
    if (shape(original) === 'object') variants.push({ ...(original as object), unknownKey: 1 });
    for (const value of variants) {
      if (JSON.stringify(value) === JSON.stringify(original)) continue;
      cases++;
      const text = stringify(withValue(VALID, path, value));
      let result;
      try {
        result = parseConfigText(text, 'case.yaml');
      } catch (err) {
        problems.push(`${dotted(path)} = ${JSON.stringify(value).slice(0, 40)}: threw ${String(err).slice(0, 120)}`);
        continue;
      }
      // `exclude` also takes a single pattern (string) as shorthand for a one-item list.
      const shorthand = path.at(-1) === 'exclude' && typeof value === 'string';
      const typeChanged = shape(value) !== shape(original) && value !== null && !shorthand;
      if (result.ok) {
        if (typeChanged || (shape(value) === 'object' && 'unknownKey' in (value as object))) problems.push(`${dotted(path)} = ${JSON.stringify(value).slice(0, 40)}: accepted`);
        continue;
      }
      const named = dotted(path);
      // the field itself, a parent, a child, or a sibling it conflicts with (e.g. maxBackoffSeconds < intervalSeconds)
      const parent = dotted(path.slice(0, -1));
      const hit = result.issues.some((i) => i.message.length > 0 && (named.startsWith(i.path) || i.path.startsWith(named) || (parent !== '' && i.path.startsWith(`${parent}.`))));
      if (!hit) problems.push(`${named} = ${JSON.stringify(value).slice(0, 40)}: issues name other fields: ${result.issues.map((i) => i.path).join(', ')}`);
    }
  }
  assert.ok(cases > 500, `only ${cases} cases`);
  assert.deepEqual(problems, [], `${problems.length} of ${cases} cases`);
});

test('whole-file hazards: check-config refuses them, and a running service keeps its last good config', async (t) => {
  const cli = await snapshotCli();
  t.after(() => cli.remove());
  const reg = await startRegistry();
  t.after(() => reg.stop());
  await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-07-01T00:00:00Z', label: 'w' });
  const dir = await mkdtemp(join(tmpdir(), 'aip-config-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'cache'));
  await writeFile(join(dir, 'token'), `${FAKE.serviceToken}\n`);
  const base = { dir, tokenFile: join(dir, 'token'), intervalSeconds: 3600, registries: [{ host: reg.host, url: reg.url }], watches: [{ name: 'web', image: `${reg.host}/acme/web`, range: '^1.0.0' }] };
  const good = configText(base);
  const file = join(dir, 'config.yaml');
  await writeFile(file, good);
  const hazards: Array<[string, string | Buffer]> = [
    ['invalid YAML', 'server: [\n  - {'],
    ['tabs', 'server:\n\ttokenFile: x\n'],
    ['alias bomb', `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nwatches: *g\n`],
    ['invalid UTF-8', Buffer.concat([Buffer.from(good), Buffer.from([0xff, 0xfe, 0x00])])],
    ['a JSON array', '[1,2,3]'],
    ['empty', ''],
    ['10 MB of comments', `${'# x\n'.repeat(2_500_000)}`],
    ['duplicate keys', `${good}polling: { intervalSeconds: 5 }\n`],
    ['secret inline', good.replace(`tokenFile: ${join(dir, 'token')}`, `token: "${FAKE.serviceToken}"`)],
  ];
  let cases = 0;
  for (const [name, content] of hazards) {
    const f = join(dir, `hazard-${cases}.yaml`);
    await writeFile(f, content);
    const r = await run(process.execPath, [cli.cli, 'check-config', '--config', f], { maxBuffer: 64 * 1024 * 1024 }).then(
      (ok) => ({ code: 0, out: ok.stdout + ok.stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, out: err.stdout + err.stderr }),
    );
    cases++;
    assert.notEqual(r.code, 0, `${name}: check-config accepted it`);
    assert.ok(r.out.trim().length > 0 && r.out.length < 100_000, `${name}: a short, clear report (${r.out.length} bytes)`);
    assert.ok(!r.out.includes(FAKE.serviceToken), `${name}: the report does not echo a secret`);
  }

  const s = await startService({ cli: cli.cli, config: file });
  t.after(() => s.stop('SIGKILL'));
  await waitReady(s.url);
  const ask = () => getParams(s.url, FAKE.serviceToken, { applicationSetName: 'apps', input: {} });
  const before = await ask();
  assert.equal(before.status, 200);
  let refused = 0;
  const stuck: string[] = [];
  for (const [name, content] of hazards) {
    const seen = s.lines().filter((l) => l.includes('config change refused')).length;
    await writeFile(file, content);
    await until(() => (s.lines().filter((l) => l.includes('config change refused')).length > seen ? true : undefined), { what: `${name}: refusal logged`, deadlineMs: 10_000, retryErrors: true });
    refused++;
    const during = await ask();
    assert.notEqual(during.status, 200, `${name}: getparams does not answer from a config it could not read`);
    assert.ok(during.status >= 500 && /config/i.test(during.text), `${name}: says the config is the problem: ${during.text.slice(0, 200)}`);
    assert.equal((await getPath(s.url, '/healthz')).status, 200, `${name}: still alive`);
    // Reverting the file to the running config must put the service back in service.
    await writeFile(file, good);
    const back = await until(async () => ((await ask()).text === before.text ? true : undefined), { what: `${name}: good config back`, deadlineMs: 3_000, retryErrors: true }).catch(() => false);
    if (!back) {
      stuck.push(name);
      // get going again with a different valid file, so the next hazard starts from a served state
      await writeFile(file, `${good}# revision ${refused}\n`);
      await until(async () => ((await ask()).status === 200 ? true : undefined), { what: `${name}: service back`, deadlineMs: 10_000, retryErrors: true });
    }
  }
  assert.equal(refused, hazards.length);
  t.diagnostic(`${cases} files through check-config, ${refused} live reloads refused`);
  assert.deepEqual(stuck, [], 'after reverting the file to the running config, getparams answers again');
});
