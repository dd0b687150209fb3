// The overview of a large service in Debian's Chromium: 120 watches in two environments are shown
// a page of 25 at a time, paged with the keyboard, filtered across every page, free of serious
// accessibility problems and fitting a 390 px wide screen. The state comes from a running service
// whose cache holds the resolutions (no scan is needed for what is shown).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createResolutionCache } from '../../src/cache/store.ts';
import { createClusterSource } from '../../src/clusters/source.ts';
import { buildApp } from '../../src/server/app.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { mustParse, silentLogger, TOKEN } from '../generator/fixture.ts';
import { listenOnce } from '../generator/socket.ts';
import { accessibilityProblems, launchBrowser } from '../helpers/browser.ts';
import { until } from '../helpers/until.ts';

const VIEWER = 'viewer-token-pages-7d10';
const WATCHES = 120;
const WAIT = { timeout: 60_000 };
/** State answers of the service, by kind, for the first page (the phone's are counted after the checks). */
const polls = { ok: 0, notModified: 0 };
const name = (i: number): string => `svc${String(i).padStart(3, '0')}`;

async function serviceOfMany(t: TestContext): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'aip-ui-pages-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'token'), TOKEN);
  writeFileSync(join(dir, 'viewer'), VIEWER);
  const image = (i: number): string => `registry.test:5000/acme/${name(i)}`;
  const config = mustParse({
    server: { tokenFile: join(dir, 'token'), viewerTokenFile: join(dir, 'viewer') },
    registries: [{ host: 'registry.test:5000', url: 'http://127.0.0.1:1', insecure: true }],
    watches: Array.from({ length: WATCHES }, (_, i) => ({ name: name(i), image: image(i), policy: { semver: { range: '>=1.0.0' } }, environments: { staging: {} } })),
  });
  const cache = createResolutionCache();
  const at = new Date().toISOString();
  for (let i = 0; i < WATCHES; i++) {
    for (const env of ['default', 'staging']) {
      const digest = `sha256:${String(i % 10).repeat(64)}`;
      cache.record(name(i), env, image(i), { kind: 'resolved', resolution: { tag: '1.0.0', digest, ref: `${image(i)}:1.0.0@${digest}`, platforms: ['linux/amd64'], resolvedAt: at }, summary: { tags: 1, candidates: 1, complete: true }, at });
    }
  }
  const logger = silentLogger();
  const clusters = createClusterSource({ config: () => config.clusters, logger, clock: systemClock });
  const app = await buildApp({ logger, config: () => config, configError: () => undefined, cache, clusters, clock: systemClock, poller: { isReady: () => true, rescan: async (image) => ({ image, changed: [] }) } });
  t.after(() => app.close());
  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.url !== '/ui/api/state') return;
    if (reply.statusCode === 200) polls.ok++;
    if (reply.statusCode === 304) polls.notModified++;
  });
  return listenOnce(app);
}

const rows = (page: Page) => page.locator('#watches tbody tr');
const range = (page: Page) => page.locator('#page-range').innerText();

test('overview of 120 watches: 25 a page, paged with the keyboard, filtered across pages, accessible, 390 px', async (t) => {
  const url = await serviceOfMany(t);
  const browser = await launchBrowser(t);
  const page = await browser.page();
  await page.goto(`${url}/ui/`);
  await page.locator('#token').fill(VIEWER);
  await page.keyboard.press('Enter');
  await page.locator('tr[data-row="svc000-default"]').waitFor(WAIT);
  assert.equal(await rows(page).count(), 50, '25 watches, two environments each');
  assert.equal(await range(page), 'watches 1–25 of 120 · page 1 of 5');
  assert.equal(await page.locator('tr[data-row="svc025-default"]').count(), 0);
  assert.deepEqual(await accessibilityProblems(page), [], 'overview, first page');

  // Nothing changes in the service, so every poll is a 304; the ages still move, counted by the page.
  const age = page.locator('tr[data-row="svc000-default"] td[data-label="Age"]');
  const before = await age.innerText();
  await until(async () => (await age.innerText()) !== before, { what: 'the age of svc000 to move on the page', deadlineMs: 60_000, everyMs: 250 });
  assert.notEqual(await age.innerText(), before);
  assert.equal(polls.ok, 1, 'one full state, then 304s');
  assert.ok(polls.notModified > 0);

  // Keyboard only: Tab reaches "Next", Enter pages on, and the focus stays on the button.
  let onNext = false;
  for (let i = 0; i < 20 && !onNext; i++) {
    await page.keyboard.press('Tab');
    onNext = (await page.evaluate("document.activeElement?.id === 'page-next'")) === true;
  }
  assert.ok(onNext, 'the Next button is reachable with Tab');
  await page.keyboard.press('Enter');
  await page.locator('tr[data-row="svc025-default"]').waitFor(WAIT);
  assert.equal(await page.locator('tr[data-row="svc000-default"]').count(), 0);
  assert.equal(await page.evaluate('document.activeElement?.id'), 'page-next');
  for (let i = 0; i < 4; i++) await page.keyboard.press('Enter');
  await page.locator('tr[data-row="svc119-staging"]').waitFor(WAIT);
  assert.equal(await range(page), 'watches 101–120 of 120 · page 5 of 5');
  assert.equal(await page.locator('#page-next').getAttribute('aria-disabled'), 'true');
  assert.equal(await rows(page).count(), 40);

  // The filter searches every page and starts again at the first.
  await page.locator('#filter').fill('svc01');
  await page.locator('tr[data-row="svc010-default"]').waitFor(WAIT);
  assert.equal(await rows(page).count(), 20, 'svc010 to svc019');
  assert.equal(await page.locator('#page-range').count(), 0, 'one page needs no pager');

  const phone = await browser.page({ width: 390, height: 844 });
  await phone.goto(`${url}/ui/`);
  await phone.locator('#page-next').waitFor(WAIT);
  assert.ok(((await phone.evaluate('document.documentElement.scrollWidth')) as number) <= 390, 'fits 390 px');
  assert.deepEqual(await accessibilityProblems(phone), [], 'phone');
  await browser.shot(phone, 'overview-pages-390');
});
