// The browser side, built into <outdir>/ui: the status page (plain TypeScript and DOM, one script
// and one stylesheet, no inline code so the strict Content-Security-Policy holds) and the Argo CD
// extension (extension.js; JSX compiled against the global React argocd-server provides).
import { build, type BuildOptions } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

export async function buildUi(outdir: string): Promise<void> {
  const dir = `${outdir}/ui`;
  mkdirSync(dir, { recursive: true });
  const common: BuildOptions = { bundle: true, format: 'iife', platform: 'browser', target: ['chrome120', 'firefox120', 'safari17'], minify: true, legalComments: 'none', logLevel: 'warning' };
  await build({ ...common, entryPoints: ['web/status/main.ts'], outfile: `${dir}/status.js` });
  await build({ ...common, entryPoints: ['web/status/style.css'], outfile: `${dir}/status.css` });
  await build({ ...common, entryPoints: ['web/extension/main.tsx'], outfile: `${dir}/extension.js`, jsx: 'transform', jsxFactory: 'React.createElement', jsxFragment: 'React.Fragment' });
  copyFileSync('web/status/index.html', `${dir}/index.html`);
}
