// Bad input at the service's boundaries, against the real process: getparams bodies (hand-written
// hazards and generated mutations), webhook payloads (bad signatures, bad shapes, replays) and
// registry replies (giant tag lists, bogus `Link` headers, invalid JSON) from a peer in front of
// CNCF Distribution (OCI distribution-spec v1.1 "Listing Tags"; Link syntax RFC 8288). Each case:
// a clear JSON error (never a 5xx crash, never a 2xx empty list), and afterwards the process is
// healthy and gives the same answer as before. A tripwire listener named in inputs, webhooks and
// Link headers must never be contacted (no request goes anywhere the config does
// not name).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry } from '../helpers/registry.ts';
import { startProtocolRegistry } from '../helpers/protocol-registry.ts';
import { pushImage } from '../helpers/images.ts';
import { writeConfig } from '../../bench/lib/config.ts';
import { getPath, getParams, imageStates, paramSets, postRaw, snapshotCli, startService, waitReady, type Reply } from '../../bench/lib/service.ts';
import { generatedBodies, handWrittenBodies, validBody } from './lib/bodies.ts';
import { startOddRegistry } from './lib/odd-registry.ts';
import { startTripwire } from './lib/tripwire.ts';
import { FAKE } from './lib/secrets.ts';
import { until } from '../helpers/until.ts';

function isClearError(r: Reply): boolean {
  try {
    const body = JSON.parse(r.text) as { code?: unknown; message?: unknown };
    return typeof body.code === 'string' && typeof body.message === 'string' && body.message.length > 0;
  } catch {
    return false;
  }
}

test('malformed getparams bodies, webhook payloads and registry replies: clear errors, no crash, same answers after, no contact with unnamed hosts', async (t) => {
  const cli = await snapshotCli();
  t.after(() => cli.remove());
  const reg = await startRegistry();
  t.after(() => reg.stop());
  const tripwire = await startTripwire();
  t.after(() => tripwire.stop());
  const odd = await startOddRegistry(reg.url);
  t.after(() => odd.stop());
  const linked = await startProtocolRegistry({ upstream: reg.url, pageSize: 1, linkOrigin: tripwire.url });
  t.after(() => linked.stop());
  const web0 = await pushImage(reg, 'acme/web', '1.0.0', { created: '2026-05-01T00:00:00Z', label: 'web0' });
  await pushImage(reg, 'acme/paged', '1.0.0', { created: '2026-05-01T00:00:00Z', label: 'p0' });
  await pushImage(reg, 'acme/paged', '1.1.0', { created: '2026-05-02T00:00:00Z', label: 'p1' });
  const dir = await mkdtemp(join(tmpdir(), 'aip-input-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'cache'));
  await writeFile(join(dir, 'token'), `${FAKE.serviceToken}\n`);
  await writeFile(join(dir, 'webhook'), `${FAKE.webhookSecret}\n`);
  const config = await writeConfig({
    dir,
    tokenFile: join(dir, 'token'),
    webhookSecretFile: join(dir, 'webhook'),
    intervalSeconds: 3600,
    registries: [
      { host: odd.host, url: odd.url },
      { host: linked.host, url: linked.url },
    ],
    watches: [
      { name: 'web', image: `${odd.host}/acme/web`, range: '^1.0.0' },
      { name: 'paged', image: `${linked.host}/acme/paged`, range: '^1.0.0' },
    ],
  });
  const s = await startService({ cli: cli.cli, config });
  t.after(() => s.stop('SIGKILL'));
  await waitReady(s.url);
  const ask = () => getParams(s.url, FAKE.serviceToken, validBody('web'));
  const good = await ask();
  assert.equal(good.status, 200, good.text);
  assert.equal(paramSets(good)[0]?.images.web?.digest, web0.digest);
  const tally = { getparams: 0, webhooks: 0, registry: 0 };

  // getparams bodies
  const cases = [...handWrittenBodies('web', tripwire.url), ...generatedBodies('web', 300, 11)];
  const wrong: string[] = [];
  const check = (ok: boolean, text: string): void => void (ok || wrong.push(text));
  for (const c of cases) {
    tally.getparams++;
    let r: Reply;
    try {
      r = await postRaw(s.url, '/api/v1/getparams.execute', c.body, { authorization: `Bearer ${FAKE.serviceToken}`, ...(c.contentType && { 'content-type': c.contentType }) });
    } catch (err) {
      // Over the body limit the server answers 413 and closes while we are still sending: the
      // refusal is right; what matters is that the process stays healthy (checked below).
      const code = (err as { code?: string }).code;
      check(c.body.length > 1024 * 1024 && (code === 'EPIPE' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'), `${c.name}: ${String(err)}`);
      continue;
    }
    if (r.status >= 200 && r.status < 300) {
      check(c.mayBeValid === true, `${c.name}: answered ${r.status} to an invalid request`);
      check(paramSets(r).length > 0, `${c.name}: 2xx with an empty list`);
    } else {
      check(r.status >= 400 && r.status < 500, `${c.name}: answered ${r.status}: ${r.text.slice(0, 300)}`);
      check(isClearError(r), `${c.name}: ${r.status} without a clear JSON error: ${r.text.slice(0, 200)}`);
    }
  }
  assert.equal((await getPath(s.url, '/healthz')).status, 200);
  assert.equal((await ask()).text, good.text, 'the same answer after every malformed body');
  const empty = await getParams(s.url, FAKE.serviceToken, { applicationSetName: 'apps', input: { parameters: { images: ['web'], clusterSelector: { matchLabels: { environment: 'nowhere' } } } } });
  assert.notEqual(empty.status, 200, 'no __proto__ body turned allowEmpty on for later requests');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);

  // webhooks: bad signatures, bad shapes, replays
  const event = (tag: string) => JSON.stringify({ events: [{ action: 'push', target: { repository: 'acme/web', tag }, request: { host: odd.host } }] });
  const bad: Array<[string, string, Record<string, string>, number[]]> = [
    ['distribution', event('1.0.0'), {}, [401]],
    ['distribution', event('1.0.0'), { authorization: 'Bearer wrong' }, [401]],
    ['distribution', event('1.0.0'), { authorization: `Bearer ${FAKE.webhookSecret}x` }, [401]],
    ['distribution', event('1.0.0'), { authorization: `Bearer ${FAKE.webhookSecret.slice(0, -1)}` }, [401]],
    ['distribution', event('1.0.0'), { authorization: `Bearer ${FAKE.webhookSecret.toLowerCase()}` }, [401]],
    ['distribution', event('1.0.0'), { authorization: `Basic ${Buffer.from(`x:${FAKE.webhookSecret}`).toString('base64')}` }, [401]],
    ['dockerhub', event('1.0.0'), {}, [401]],
    ['ghcr', event('1.0.0'), { 'x-hub-signature-256': 'sha256=00' }, [401]],
    ['ghcr', event('1.0.0'), { 'x-hub-signature-256': 'md5=abc' }, [401]],
    ['harbor', event('1.0.0'), { authorization: 'wrong' }, [401]],
    ['ecr', JSON.stringify({ source: 'aws.ecr', 'detail-type': 'ECR Image Action', account: '123456789012', region: 'us-west-2', detail: { result: 'SUCCESS', 'action-type': 'PUSH', 'repository-name': 'acme/web', 'image-tag': '1.0.0' } }), {}, [401]],
    ['ecr', '{}', { 'x-webhook-secret': `${FAKE.webhookSecret}x` }, [401]],
    ['ecr', '{"source":"aws.ecr","detail-type":"ECR Image Action","account":"1","region":"us-west-2","detail":{"result":"SUCCESS","action-type":"PUSH","repository-name":"a","image-tag":"b"}}', { 'x-webhook-secret': FAKE.webhookSecret }, [400]],
    ['acr', '{"action":"push","target":{"repository":"acme/web","tag":"1.0.0"},"request":{"host":"x.azurecr.io"}}', { authorization: 'Bearer wrong' }, [401]],
    ['acr', '{"action":"push","target":{"repository":"acme/web","tag":"1.0.0"},"request":{"host":"bad host/x"}}', { authorization: `Bearer ${FAKE.webhookSecret}` }, [400]],
    ['quay', '{"docker_url":"quay.io/acme/web","updated_tags":["1.0.0"]}', {}, [401]],
    [`quay?secret=${FAKE.webhookSecret}`, '{"docker_url":"no-host/x","updated_tags":["a"]}', {}, [400]],
    ['gar?secret=wrong', '{"message":{"data":"e30="}}', {}, [401]],
    [`gar?secret=${FAKE.webhookSecret}`, '{"message":{"data":"%%%"}}', {}, [400]],
    ['gitlab', event('1.0.0'), { authorization: 'Bearer wrong' }, [401]],
    ['nosuch', event('1.0.0'), { authorization: `Bearer ${FAKE.webhookSecret}` }, [404]],
    ['distribution', '{not json', { authorization: `Bearer ${FAKE.webhookSecret}` }, [400]],
    ['distribution', '{"events":"x"}', { authorization: `Bearer ${FAKE.webhookSecret}` }, [400]],
    ['distribution', '[]', { authorization: `Bearer ${FAKE.webhookSecret}` }, [400]],
    ['distribution', '{"__proto__":{"events":[]}}', { authorization: `Bearer ${FAKE.webhookSecret}` }, [400, 202]],
    ['distribution', JSON.stringify({ events: [{ action: 'push', target: { repository: 'acme/web', tag: 1 }, request: { host: tripwire.host } }] }), { authorization: `Bearer ${FAKE.webhookSecret}` }, [202]],
    ['distribution', JSON.stringify({ events: [{ action: 'push', target: { repository: 'acme/web', tag: '9.9.9', url: `${tripwire.url}/v2/acme/web/manifests/9.9.9` }, request: { host: tripwire.host } }] }), { authorization: `Bearer ${FAKE.webhookSecret}` }, [202]],
    ['distribution', JSON.stringify({ events: Array.from({ length: 20_000 }, () => ({ action: 'push', target: { repository: 'x/y', tag: 'z' }, request: { host: tripwire.host } })) }), { authorization: `Bearer ${FAKE.webhookSecret}` }, [202, 413]],
    ['distribution', 'x'.repeat(5 * 1024 * 1024), { authorization: `Bearer ${FAKE.webhookSecret}` }, [400, 413]],
  ];
  for (const [source, body, headers, want] of bad) {
    tally.webhooks++;
    let r: Reply;
    try {
      r = await postRaw(s.url, `/api/v1/webhooks/${source}`, body, { 'content-type': 'application/json', ...headers });
    } catch (err) {
      // 413 sent and the connection closed while the oversized body was still going out
      assert.ok(body.length > 1024 * 1024 && want.includes(413), `webhook ${source} ${JSON.stringify(headers)} body ${body.length} bytes: ${String(err)}`);
      continue;
    }
    assert.ok(want.includes(r.status), `webhook ${source} ${JSON.stringify(headers)}: ${r.status} ${r.text.slice(0, 200)}`);
    if (r.status >= 400) assert.ok(isClearError(r), `webhook ${source}: unclear error ${r.text.slice(0, 200)}`);
  }
  // Replays: a newer tag is resolved, then the old event is replayed; nothing moves back, and each
  // replay costs at most one scan.
  const web1 = await pushImage(reg, 'acme/web', '1.1.0', { created: '2026-05-03T00:00:00Z', label: 'web1' });
  const hook = (body: string) => postRaw(s.url, '/api/v1/webhooks/distribution', body, { authorization: `Bearer ${FAKE.webhookSecret}` });
  assert.equal((await hook(event('1.1.0'))).status, 202);
  await until(async () => (paramSets(await ask())[0]?.images.web?.tag === '1.1.0' ? true : undefined), { what: '1.1.0 served', retryErrors: true });
  const before = odd.paths().filter((p) => p.endsWith('/tags/list')).length;
  const rescansDone = (): number => s.lines().filter((l) => l.includes('push event re-scan f')).length;
  const rescansBefore = rescansDone();
  for (let i = 0; i < 30; i++) {
    assert.equal((await hook(event('1.0.0'))).status, 202);
    tally.webhooks++;
  }
  // Every replay's re-scan has finished (or failed) before its cost is counted.
  await until(() => (rescansDone() >= rescansBefore + 30 ? true : undefined), { what: 'the 30 replays re-scanned', deadlineMs: 30_000, retryErrors: true });
  const scans = odd.paths().filter((p) => p.endsWith('/tags/list')).length - before;
  assert.ok(scans <= 31, `30 replays caused ${scans} tag listings`);
  const afterReplays = await ask();
  assert.equal(paramSets(afterReplays)[0]?.images.web?.digest, web1.digest, 'replayed old events do not move the resolution back');

  // registry replies: each is served to a webhook-triggered scan; the last good must stay.
  const lastGood = afterReplays.text;
  const link = (value: string) => (repo: string, real: string[]) => ({ headers: { link: value }, body: JSON.stringify({ name: repo, tags: real }) });
  const replies: Array<[string, Parameters<typeof odd.setTags>[0], boolean]> = [
    ['giant tag list (200 000 tags)', (repo, real) => ({ body: JSON.stringify({ name: repo, tags: [...real, ...Array.from({ length: 200_000 }, (_, i) => `0.0.${i}`)] }) }), true],
    // cut at maxTagListBytes (16 MiB, all pages together): the tags read before the cap make an incomplete listing
    ['oversized tag list (20 MiB)', (repo) => ({ body: JSON.stringify({ name: repo, tags: ['1.1.0', 'x'.repeat(20 * 1024 * 1024)] }) }), true],
    ['oversized tag list (20 MiB) before any tag', (repo) => ({ body: JSON.stringify({ name: repo, pad: 'x'.repeat(20 * 1024 * 1024), tags: ['1.1.0'] }) }), false],
    ['invalid JSON', () => ({ body: '{"tags":[' }), false],
    ['tags not a list', (repo) => ({ body: JSON.stringify({ name: repo, tags: 'latest' }) }), false],
    ['tags of wrong types', (repo) => ({ body: JSON.stringify({ name: repo, tags: [1, null, {}, '1.1.0'] }) }), false],
    // An empty list is a shorter list: the current tag is kept (with a note), not an error.
    ['empty tag list', (repo) => ({ body: JSON.stringify({ name: repo, tags: [] }) }), true],
    ['Link to another host', link(`<${tripwire.url}/v2/acme/web/tags/list?n=1&last=1.1.0>; rel="next"`), true],
    ['Link scheme-relative to another host', link(`<//${tripwire.host}/v2/acme/web/tags/list>; rel="next"`), true],
    ['Link with credentials', link(`<http://user:pw@${odd.host}/v2/acme/web/tags/list?last=z>; rel="next"`), true],
    ['Link empty target', link('<>; rel="next"'), true],
    ['Link garbage', link('garbage;;; rel=next, <'), true],
    ['Link to a file URL', link('<file:///etc/passwd>; rel="next"'), true],
  ];
  for (const [name, fn, completes] of replies) {
    odd.setTags(fn);
    const was = (await imageStates(s.url, FAKE.serviceToken)).find((x) => x.watch === 'web')?.lastCheckedAt;
    assert.equal((await hook(event('1.1.0'))).status, 202);
    // A scan already under way when the reply changed may finish first with the previous reply: a
    // reply that must fail is waited for until its failure shows (or the deadline passes).
    await until(async () => {
      const st = (await imageStates(s.url, FAKE.serviceToken)).find((x) => x.watch === 'web');
      return st?.lastCheckedAt !== was && (completes || (st?.stale && st.lastError)) ? true : undefined;
    }, { what: `${name}: scan finished`, deadlineMs: 60_000, retryErrors: true });
    tally.registry++;
    const r = await ask();
    assert.equal(r.text, lastGood, `${name}: the last good answer is served`);
    const state = (await imageStates(s.url, FAKE.serviceToken)).find((x) => x.watch === 'web');
    if (!completes) assert.ok(state?.stale && state.lastError, `${name}: flagged stale with its error`);
    assert.equal((await getPath(s.url, '/healthz')).status, 200, `${name}: healthy`);
  }
  odd.setTags(undefined);

  // The paged repository's second page is only reachable through a Link to the tripwire.
  const paged = (await imageStates(s.url, FAKE.serviceToken)).find((x) => x.watch === 'paged');
  assert.ok(paged?.tag !== undefined, 'paged watch resolved from the pages it could read');
  assert.equal(tripwire.connections(), 0, 'nothing contacted a host the config does not name');
  assert.equal(s.child.exitCode, null, 'the process is still running');
  t.diagnostic(`cases: ${tally.getparams} getparams bodies, ${tally.webhooks} webhook requests, ${tally.registry} registry replies`);
  assert.deepEqual(wrong, [], 'every malformed getparams body answered with a clear 4xx');
});
