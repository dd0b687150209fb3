// The Argo CD extension in Debian's Chromium, inside a page that provides Argo CD's published
// extension API and React, with argocd-server's proxy extension in front of the running service.
// The "Images" tab shows an Application's watches, what its cluster is served and what is pending,
// and an ApplicationSet's requested watches; RBAC refusals by Argo CD reach the user as an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import type { Page } from 'playwright-core';
import { accessibilityProblems, launchBrowser } from '../helpers/browser.ts';
import { ARGOCD_TOKEN, startArgoHost } from './argocd-host.ts';
import { PROXY_SECRET, startLive } from './live.ts';
import { until } from '../helpers/until.ts';

const WAIT = { timeout: 60_000 };
const NAME = 'image-plugins';

async function openImagesTab(page: Page): Promise<void> {
  const tab = page.getByRole('tab', { name: 'Images' });
  await tab.waitFor(WAIT);
  await tab.focus();
  await page.keyboard.press('Enter');
}

test('extension: the Images tab of an Application and an ApplicationSet, through the proxy extension, with Argo CD RBAC deciding', async (t) => {
  const live = await startLive(t);
  // What the service serves now (through the proxy secret, as argocd-server would ask).
  const ask = async () => (await (await request(`${live.url}/ui/api/extension?cluster=staging`, { headers: { 'x-image-plugins-proxy-secret': PROXY_SECRET, 'argocd-application-name': 'argocd:probe' } })).body.json()) as { watches: { name: string; image: string; served: { ref: string | null } }[] };
  const served = await until(async () => {
    const answer = await ask();
    return answer.watches.some((w) => !w.served.ref) ? undefined : answer;
  }, { what: 'every watch served to the staging cluster', everyMs: 200 });
  const byName = Object.fromEntries(served.watches.map((w) => [w.name, w]));
  const web = byName.web!;
  const worker = byName.worker!;
  const oldWeb = web.served.ref!.replace(/:[^:@]+@sha256:[0-9a-f]+$/, ':1.1.0@sha256:' + '0'.repeat(64));
  const application = (name: string, cluster: string, overrides: Record<string, string>) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: { project: 'team-a', destination: { name: cluster, namespace: 'web' }, source: { repoURL: 'https://git.example/deploy.git', path: 'web', plugin: { name: 'argocd-image-plugins-v1', env: [{ name: 'IMAGE_OVERRIDES', value: JSON.stringify(overrides) }] } } },
  });
  const stagingApp = application('web-staging', 'staging', { [web.image]: oldWeb, [worker.image]: worker.served.ref! });
  const platform = application('platform', 'in-cluster', {});
  const appSet = { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'web', namespace: 'argocd' }, spec: { generators: [{ plugin: { configMapRef: { name: 'argocd-image-plugins' }, input: { parameters: { images: ['web', 'api'] } } } }], template: { spec: {} } } };
  const hidden = application('payments', 'prod-eu', {});
  const host = await startArgoHost({
    service: live.url,
    extensionName: NAME,
    proxyHeaders: { 'X-Image-Plugins-Proxy-Secret': PROXY_SECRET },
    views: { app: { application: stagingApp, resource: stagingApp }, appset: { application: platform, resource: appSet }, denied: { application: hidden, resource: hidden } },
    allowed: ['argocd:web-staging', 'argocd:platform'],
  });
  t.after(() => host.close());
  const browser = await launchBrowser(t);
  await browser.context.addCookies([{ name: 'argocd.token', value: ARGOCD_TOKEN, url: host.url }]);

  const page = await browser.page();
  await page.goto(`${host.url}/?view=app`);
  await openImagesTab(page);
  const table = page.getByRole('table', { name: 'Images' });
  await table.waitFor(WAIT);
  const text = await table.innerText();
  assert.match(text, /web\s+staging \(staging\)/);
  assert.match(text, /pending\s*the spec still has 1\.1\.0 \(sha256:000000000000\); the next ApplicationSet refresh brings 1\.2\.0-rc\.1/);
  assert.match(text, /worker\s+staging \(default\)[^\n]*\n?[^\n]*up to date/);
  assert.doesNotMatch(text, /\bapi\b/, 'only the watches this Application uses');
  assert.equal(await page.getByRole('tab', { name: 'Images' }).getAttribute('aria-selected'), 'true');
  assert.deepEqual(await accessibilityProblems(page), [], 'Application tab');
  await browser.shot(page, 'extension-1280', 'ui-extension');
  // Ages move on the tab's own clock: with every later request to the service left unanswered, the
  // first row's age still changes (the tab renders again on its tick, not only on a new answer).
  await page.route('**/extensions/**', () => undefined);
  const firstAge = page.locator('table[aria-label="Images"] tbody tr').first().locator('td').nth(3);
  const before = await firstAge.innerText();
  await until(async () => ((await firstAge.innerText()) !== before ? true : undefined), { what: `the age "${before}" to move without an answer` });
  const sent = host.forwarded.at(-1)!;
  assert.equal(sent.cookie, undefined, 'Argo CD never forwards its session cookie');
  assert.equal(sent['argocd-application-name'], 'argocd:web-staging');
  assert.equal(sent['argocd-target-cluster-name'], 'staging');

  const setPage = await browser.page({ width: 390, height: 844 });
  await setPage.goto(`${host.url}/?view=appset`);
  await openImagesTab(setPage);
  const setTable = setPage.getByRole('table', { name: 'Images' });
  await setTable.waitFor(WAIT);
  const setText = await setTable.innerText();
  assert.match(setText, /api\s+default/);
  assert.match(setText, /web\s+prod[\s\S]*held[\s\S]*INC-1234/);
  assert.doesNotMatch(setText, /worker/, 'only the watches the ApplicationSet requests');
  assert.ok(((await setPage.evaluate('document.documentElement.scrollWidth')) as number) <= 390, 'the panel fits 390 px (the table scrolls inside it)');
  assert.deepEqual(await accessibilityProblems(setPage), [], 'ApplicationSet tab');
  await browser.shot(setPage, 'extension-390');

  const denied = await browser.page();
  await denied.goto(`${host.url}/?view=denied`);
  await openImagesTab(denied);
  await denied.getByRole('alert').filter({ hasText: '403' }).waitFor(WAIT);
});
