// The preflight of `npm test`, `npm run demo` and `npm run bench`: every program outside node_modules
// that the tests, the demo and the benchmarks start. Installs the missing Debian packages with
// apt-get when running as root, then reports everything still missing in one message, naming each
// program, what needs it and how to get it, before any test runs. To require another program, add
// one entry to PREREQUISITES.
import { spawnSync } from 'node:child_process';
import { aptGet } from './apt.ts';

export interface Prerequisite {
  /** Programs looked up on PATH; any one of them satisfies the entry. */
  commands: readonly string[];
  /** The Debian package that provides the first command, installed with apt-get when root. */
  debian?: string;
  /** What in the repository needs it. */
  usedBy: string;
  /** How to get it where apt-get cannot. */
  howTo: string;
}

export const PREREQUISITES: readonly Prerequisite[] = [
  { commands: ['kubectl', 'kustomize'], debian: 'kubectl', usedBy: 'kustomize rendering (CMP, manifest and corpus tests, bench/cmp.ts)', howTo: 'kubectl from https://kubernetes.io/docs/tasks/tools/ (apt repository pkgs.k8s.io) or kustomize from https://kubectl.docs.kubernetes.io/installation/kustomize/' },
  { commands: ['docker-registry'], debian: 'docker-registry', usedBy: 'the real OCI registry the registry, poller, service and reliability tests talk to', howTo: 'apt-get install docker-registry (CNCF Distribution 2.8)' },
  { commands: ['htpasswd'], debian: 'apache2-utils', usedBy: "the registry's Basic auth in tests", howTo: 'apt-get install apache2-utils' },
  { commands: ['openssl'], debian: 'openssl', usedBy: 'TLS certificates and token-issuer keys in tests', howTo: 'apt-get install openssl' },
  { commands: ['strace'], debian: 'strace', usedBy: 'test/reliability/posture.test.ts (records every write the service makes)', howTo: 'apt-get install strace' },
  { commands: ['setpriv'], debian: 'util-linux', usedBy: 'test/reliability/posture.test.ts (runs the service as uid 65534)', howTo: 'apt-get install util-linux' },
  { commands: ['chromium'], debian: 'chromium', usedBy: 'the status page and Argo CD extension tests (test/ui/, driven by playwright-core) and bench/ui.ts', howTo: 'apt-get install chromium (Debian\'s build; the tests run it from /usr/bin/chromium)' },
  { commands: ['flock'], debian: 'util-linux', usedBy: 'the CMP tests (one build of dist/ at a time)', howTo: 'apt-get install util-linux' },
];

function has(command: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0;
}

export function missingPrerequisites(list: readonly Prerequisite[] = PREREQUISITES): Prerequisite[] {
  return list.filter((p) => !p.commands.some(has));
}

/** Debian packages apt-get can install here (a package without an install candidate is left out). */
function installable(packages: readonly string[]): string[] {
  return packages.filter((pkg) => /Candidate: (?!\(none\))/.test(spawnSync('apt-cache', ['policy', pkg], { encoding: 'utf8' }).stdout ?? ''));
}

function aptInstall(packages: readonly string[], log: (line: string) => void): void {
  log(`installing Debian packages: ${packages.join(' ')}`);
  aptGet(['update', '-qq'], log);
  const ready = installable(packages);
  if (ready.length > 0) aptGet(['install', '-y', '-qq', '--no-install-recommends', ...ready], log);
}

export function describeMissing(missing: readonly Prerequisite[]): string {
  const lines = missing.map((p) => `  - ${p.commands.join(' or ')}: needed by ${p.usedBy}; get it: ${p.howTo}`);
  const root = process.getuid?.() === 0 ? '' : '\n(run as root and these Debian packages are installed automatically)';
  return `missing programs (${missing.length}), nothing was run:\n${lines.join('\n')}${root}`;
}

/** The entries whose commands include one of `commands` (what a smaller script such as the demo needs). */
export function prerequisitesFor(...commands: string[]): Prerequisite[] {
  return PREREQUISITES.filter((p) => p.commands.some((c) => commands.includes(c)));
}

/** Installs what it can (root only), then throws one error listing everything still missing. */
export function ensureTools(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`), list: readonly Prerequisite[] = PREREQUISITES): void {
  let missing = missingPrerequisites(list);
  const packages = [...new Set(missing.flatMap((p) => (p.debian ? [p.debian] : [])))];
  if (packages.length > 0 && process.getuid?.() === 0 && has('apt-get')) {
    aptInstall(packages, log);
    missing = missingPrerequisites(list);
  }
  if (missing.length > 0) throw new Error(describeMissing(missing));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    ensureTools();
    process.stderr.write(`preflight: ${PREREQUISITES.map((p) => p.commands.join('/')).join(', ')} present\n`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
