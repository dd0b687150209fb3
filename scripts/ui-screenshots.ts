// `npm run screenshots`: the README's pictures of the status page and the Argo CD extension
// (docs/ui-status.png, docs/ui-extension.png, docs/ui-promotion.png), taken by the browser tests themselves at the step
// where they assert what the picture shows, so the pictures cannot drift from what the tests check.
import { spawnSync } from 'node:child_process';

const r = spawnSync(process.execPath, ['scripts/test.ts', 'test/ui/status-page.test.ts', 'test/ui/extension.test.ts', 'test/ui/promotion-page.test.ts'], { stdio: 'inherit', env: { ...process.env, UI_DOCS_SCREENSHOTS: '1' } });
process.exit(r.status ?? 1);
