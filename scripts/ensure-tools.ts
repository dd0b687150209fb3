// Makes sure the Debian tools the tests and the demo drive are on this machine: the CNCF
// Distribution registry (`docker-registry`), htpasswd for its Basic auth, and openssl for the token
// issuer's key. Installs them with apt-get when missing and we are root; otherwise says what to install.
import { execFileSync, spawnSync } from 'node:child_process';

const TOOLS: Record<string, string> = { 'docker-registry': 'docker-registry', htpasswd: 'apache2-utils', openssl: 'openssl' };

function has(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

export function ensureTools(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): void {
  const missing = Object.entries(TOOLS).filter(([bin]) => !has(bin)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')} (install them with: sudo apt-get install -y ${missing.join(' ')})`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env });
}

if (import.meta.url === `file://${process.argv[1]}`) ensureTools();
