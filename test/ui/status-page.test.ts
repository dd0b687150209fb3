// The status page in Debian's Chromium against a running service and the real registry: sign-in
// with the viewer token (never the generator token), rows per watch and environment with badges,
// a pushed tag appearing without reload, a watch's detail with candidate verdicts, keyboard use,
// axe-core with no serious violations, the strict CSP holding, and a 390 px wide screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { accessibilityProblems, launchBrowser } from '../helpers/browser.ts';
import { GENERATOR_TOKEN, startLive, VIEWER_TOKEN } from './live.ts';

const WAIT = { timeout: 60_000 };

function row(page: Page, id: string) {
  return page.locator(`tr[data-row="${id}"]`);
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.locator('#token').fill(token);
  await page.keyboard.press('Enter');
}

test('status page: sign in, every watch per environment, a pushed tag appears without reload, detail, keyboard, accessibility, phone width', async (t) => {
  const live = await startLive(t);
  const browser = await launchBrowser(t);
  const page = await browser.page();
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  const response = await page.goto(`${live.url}/ui/`);
  assert.match(response!.headers()['content-security-policy'] ?? '', /default-src 'self'/);

  await page.locator('#token').waitFor(WAIT);
  assert.deepEqual(await accessibilityProblems(page), [], 'login form');
  await signIn(page, GENERATOR_TOKEN);
  await page.locator('#login-error', { hasText: 'not the viewer token' }).waitFor(WAIT);
  await signIn(page, VIEWER_TOKEN);

  await row(page, 'web-default').locator('.tag', { hasText: '1.1.0' }).waitFor(WAIT);
  await row(page, 'web-staging').locator('.tag', { hasText: '1.2.0-rc.1' }).waitFor(WAIT);
  await row(page, 'web-prod').locator('.badge.held', { hasText: 'INC-1234' }).waitFor(WAIT);
  assert.match(await row(page, 'web-default').innerText(), /linux\/amd64, linux\/arm64/);
  assert.match(await row(page, 'web-default').locator('code').innerText(), /^argocd-image-plugins resolve --watch web$/);
  assert.match(await row(page, 'web-staging').locator('code').innerText(), /--watch web --environment staging$/);
  assert.match(await page.locator('#registries').innerText(), new RegExp(live.reg.host.replace(/\./g, '\\.')));
  // a registry without rate-limit headers, nothing waiting (from the first budget sample after its first request)
  await page.locator('#registries .limits', { hasText: /^ready$/ }).waitFor(WAIT);

  let navigations = 0;
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) navigations++;
  });
  await live.pushWeb('1.3.0');
  await row(page, 'web-default').locator('.tag', { hasText: '1.3.0' }).waitFor(WAIT);
  assert.equal(navigations, 0, 'the row changed without a reload');
  await page.locator('#announce', { hasText: 'web (default) now serves 1.3.0' }).waitFor(WAIT);
  assert.deepEqual(await accessibilityProblems(page), [], 'overview');
  await browser.shot(page, 'status-1280', 'ui-status');

  // Keyboard only: the skip link comes first, then the watch links lead to the detail.
  await page.reload();
  await row(page, 'web-default').waitFor(WAIT);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate('document.activeElement?.className'), 'skip');
  let onWeb = false;
  for (let i = 0; i < 25 && !onWeb; i++) {
    await page.keyboard.press('Tab');
    onWeb = (await page.evaluate("document.activeElement?.textContent === 'web' && document.activeElement.tagName === 'A'")) === true;
  }
  assert.ok(onWeb, 'the watch link is reachable with Tab');
  await page.keyboard.press('Enter');
  await page.locator('#detail-title', { hasText: 'web' }).waitFor(WAIT);
  const candidates = page.locator('#candidates');
  await candidates.locator('.verdict.selected').first().waitFor(WAIT);
  assert.match(await candidates.innerText(), /default: chooses 1\.3\.0/);
  assert.match(await candidates.innerText(), /staging: chooses 1\.3\.0/);
  assert.match(await page.locator('#clusters').innerText(), /prod-us\s+prod\s+linux\/arm64/);
  assert.match(await page.locator('.timeline').innerText(), /default: 1\.3\.0/);
  assert.deepEqual(await accessibilityProblems(page), [], 'detail');
  await browser.shot(page, 'status-detail');

  // A phone: 390 px wide, no sideways scrolling, same content.
  const phone = await browser.page({ width: 390, height: 844 });
  await phone.goto(`${live.url}/ui/`);
  await row(phone, 'web-default').locator('.tag', { hasText: '1.3.0' }).waitFor(WAIT);
  assert.ok(((await phone.evaluate('document.documentElement.scrollWidth')) as number) <= 390, 'fits 390 px');
  assert.deepEqual(await accessibilityProblems(phone), [], 'phone');
  await browser.shot(phone, 'status-390');
  assert.deepEqual(cspViolations, []);
});
