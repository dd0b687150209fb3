// The status page with progressive delivery, in Debian's Chromium against a running service, the
// real registry and Argo CD Applications on the loopback Kubernetes API peer: a pushed tag moves
// staging's row while prod shows what it waits for, without reload; flipping staging's health
// moves prod's canary wave, then the canary's health moves the next wave. The detail shows each
// cluster's wave and reference, the promotion path, and the operations log with the commands to
// act (the page itself never acts). axe-core, keyboard, 1280 px and 390 px.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { accessibilityProblems, launchBrowser, type Browser } from '../helpers/browser.ts';
import { ARGOCD_TOKEN, startArgoHost } from './argocd-host.ts';
import { PROXY_SECRET, VIEWER_TOKEN } from './live.ts';
import { startPromotionLive, type PromotionLive } from './live-promotion.ts';

const WAIT = { timeout: 60_000 };

const row = (page: Page, id: string) => page.locator(`tr[data-row="${id}"]`);

async function signIn(page: Page): Promise<void> {
  await page.locator('#token').fill(VIEWER_TOKEN);
  await page.keyboard.press('Enter');
}

/** Tab from the top of the page to the watch's link and open it with Enter. */
async function openWithKeyboard(page: Page, name: string): Promise<void> {
  let on = false;
  for (let i = 0; i < 30 && !on; i++) {
    await page.keyboard.press('Tab');
    on = (await page.evaluate(`document.activeElement?.textContent === ${JSON.stringify(name)} && document.activeElement.tagName === 'A'`)) === true;
  }
  assert.ok(on, 'the watch link is reachable with Tab');
  await page.keyboard.press('Enter');
  await page.locator('#detail-title', { hasText: name }).waitFor(WAIT);
}

/** Argo CD's Images tab of the Application deploying to prod-1 (wave 2) and of the ApplicationSet. */
async function extensionShowsPending(t: TestContext, live: PromotionLive, browser: Browser): Promise<void> {
  const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'web-prod-1', namespace: 'argocd' }, spec: { project: 'default', destination: { name: 'prod-1', namespace: 'web' }, source: { repoURL: 'https://git.example/deploy.git', path: 'web' } } };
  const appSet = { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'web', namespace: 'argocd' }, spec: { generators: [{ plugin: { configMapRef: { name: 'argocd-image-plugins' }, input: { parameters: { images: ['web'] } } } }], template: { spec: {} } } };
  const host = await startArgoHost({ service: live.url, extensionName: 'image-plugins', proxyHeaders: { 'X-Image-Plugins-Proxy-Secret': PROXY_SECRET }, views: { app: { application: app, resource: app }, appset: { application: app, resource: appSet } }, allowed: ['argocd:web-prod-1'] });
  t.after(() => host.close());
  await browser.context.addCookies([{ name: 'argocd.token', value: ARGOCD_TOKEN, url: host.url }]);
  const page = await browser.page();
  for (const [view, expected] of [['app', /prod-1 \(prod, wave 2\)[\s\S]*pending\s*1\.1\.0 waits for wave 2/], ['appset', /prod[\s\S]*pending\s*1\.1\.0 → waiting for wave 2/]] as const) {
    await page.goto(`${host.url}/?view=${view}`);
    const tab = page.getByRole('tab', { name: 'Images' });
    await tab.waitFor(WAIT);
    await tab.click();
    const table = page.getByRole('table', { name: 'Images' });
    await table.waitFor(WAIT);
    assert.match(await table.innerText(), expected);
    assert.deepEqual(await accessibilityProblems(page), [], `extension ${view}`);
  }
  await browser.shot(page, 'promotion-extension');
  await page.close();
}

test('status page with promotion: staging moves, prod waits for its gate, waves move as health flips, operations log, keyboard, axe, phone', async (t) => {
  const live = await startPromotionLive(t);
  const browser = await launchBrowser(t);
  const page = await browser.page();
  const csp: string[] = [];
  page.on('console', (m) => void (/Content Security Policy/i.test(m.text()) && csp.push(m.text())));
  await page.goto(`${live.url}/ui/`);
  await signIn(page);
  await row(page, 'web-prod-wave1').locator('.tag', { hasText: '1.0.0' }).waitFor(WAIT);
  assert.match(await row(page, 'web-prod-wave1').innerText(), /prod · wave 1\/2[\s\S]*1 cluster\b/);
  assert.match(await row(page, 'web-prod-wave2').innerText(), /prod · wave 2\/2[\s\S]*2 clusters/);
  let navigations = 0;
  page.on('framenavigated', (f) => void (f === page.mainFrame() && navigations++));

  await live.push('1.1.0', 8);
  await row(page, 'web-staging').locator('.tag', { hasText: '1.1.0' }).waitFor(WAIT);
  await row(page, 'web-prod').locator('.pending', { hasText: '1.1.0 → waiting for the staging gate' }).waitFor(WAIT);
  assert.match(await row(page, 'web-prod').locator('.badge.blocked').innerText(), /1\.1\.0: staging Application argocd\/web-stg-1 \(cluster stg-1\) runs \S+:1\.0\.0, not 1\.1\.0/);
  assert.equal(await row(page, 'web-prod').locator('.tag').innerText(), '1.0.0', 'prod keeps what it runs');

  await live.run('stg-1', '1.1.0', 'Degraded');
  await row(page, 'web-prod').locator('.badge.blocked', { hasText: 'is Synced/Degraded since' }).waitFor(WAIT);
  await live.run('stg-1', '1.1.0');
  await row(page, 'web-prod-wave1').locator('.tag', { hasText: '1.1.0' }).waitFor(WAIT);
  await row(page, 'web-prod-wave2').locator('.step', { hasText: '1.1.0: waiting for wave 2' }).waitFor(WAIT);
  assert.equal(await row(page, 'web-prod-wave2').locator('.tag').innerText(), '1.0.0', 'the second wave waits for the canary');
  assert.equal(navigations, 0, 'every change arrived without a reload');
  assert.deepEqual(await accessibilityProblems(page), [], 'overview during a rollout');
  await browser.shot(page, 'promotion-1280', 'ui-promotion');
  await extensionShowsPending(t, live, browser);

  await page.reload();
  await row(page, 'web-prod').waitFor(WAIT);
  await openWithKeyboard(page, 'web');
  navigations = 0;
  const clusters = page.locator('#clusters');
  assert.match(await clusters.locator('tr[data-cluster="prod-canary"]').innerText(), /prod\s+any\s+1\s+\S+:1\.1\.0@sha256/);
  assert.match(await clusters.locator('tr[data-cluster="prod-1"]').innerText(), /prod\s+any\s+2\s+\S+:1\.0\.0@sha256[\s\S]*1\.1\.0 waits for wave 2/);
  assert.match(await page.locator('#promotion-path').innerText(), /staging → prod[\s\S]*soak 1 s · pause 1 s between waves/);
  assert.match(await page.locator('#operations').innerText(), /argocd-image-plugins promote web --environment prod --tag 1\.1\.0 --reason "REASON"/);
  await page.locator('#ops-empty').waitFor(WAIT);

  await live.run('prod-canary', '1.1.0');
  await clusters.locator('tr[data-cluster="prod-2"]', { hasText: ':1.1.0@' }).waitFor(WAIT);
  const until = new Date(Date.now() + 2 * 3600_000).toISOString();
  assert.equal(await live.operate('hold', { watch: 'web', environment: 'prod', reason: 'INC-7 error rate', until }), 201);
  const hold = page.locator('#ops-log tr', { hasText: 'INC-7 error rate' });
  await hold.waitFor(WAIT);
  assert.match(await hold.innerText(), /hold\s+prod\s+1\.1\.0\s+alice\s+INC-7 error rate\s+\d{4}-/);
  assert.equal(await page.locator('#operations button.copy').first().getAttribute('aria-label'), 'Copy the hold command for hold-default');
  assert.equal(navigations, 0);
  assert.deepEqual(await accessibilityProblems(page), [], 'detail with the operations log');
  await browser.shot(page, 'promotion-detail');

  const phone = await browser.page({ width: 390, height: 844 });
  await phone.goto(`${live.url}/ui/`);
  await row(phone, 'web-prod').locator('.badge.held', { hasText: 'by alice until' }).waitFor(WAIT);
  assert.ok(((await phone.evaluate('document.documentElement.scrollWidth')) as number) <= 390, 'fits 390 px');
  assert.deepEqual(await accessibilityProblems(phone), [], 'phone');
  await browser.shot(phone, 'promotion-390');
  assert.deepEqual(csp, []);
});
