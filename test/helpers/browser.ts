// Debian's Chromium, headless, driven by playwright-core over CDP. A fresh profile per launch in a
// temp dir removed on close; screenshots go to a temp dir removed at the end unless
// UI_ARTEFACTS_DIR asks to keep them (CI uploads that folder). UI_DOCS_SCREENSHOTS=1 also writes the
// README's pictures (docs/ui-*.png) from the same test steps.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ROOT = new URL('../../', import.meta.url).pathname;

export interface Browser {
  readonly context: BrowserContext;
  page(viewport?: { width: number; height: number }): Promise<Page>;
  /** Saves a PNG as a test artefact; `docs` names the README picture it also becomes on request. */
  shot(page: Page, name: string, docs?: string): Promise<void>;
}

export async function launchBrowser(t: TestContext): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'aip-chromium-'));
  const keep = process.env.UI_ARTEFACTS_DIR;
  const artefacts = keep ?? (await mkdtemp(join(tmpdir(), 'aip-shots-')));
  await mkdir(artefacts, { recursive: true });
  const opened: { context?: BrowserContext } = {};
  t.after(async () => {
    await opened.context?.close();
    await rm(profile, { recursive: true, force: true });
    if (!keep) await rm(artefacts, { recursive: true, force: true });
  });
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 } });
  opened.context = context;
  return {
    context,
    async page(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async shot(page, name, docs) {
      await page.screenshot({ path: join(artefacts, `${name}.png`), fullPage: true });
      if (docs && process.env.UI_DOCS_SCREENSHOTS === '1') await page.screenshot({ path: join(ROOT, 'docs', `${docs}.png`), fullPage: false });
    },
  };
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const { source } = (await import('axe-core')).default;
  // Evaluated over CDP, not added as a <script>: the page's CSP rightly forbids inline script.
  await page.evaluate(source);
  // A string, evaluated in the page: the test code itself is compiled without DOM types.
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
