// apt-get for the preflights (scripts/ensure-tools.ts, scripts/container-build.ts), one at a time and
// patient with apt's locks. Two preflights starting together on one machine (two checkouts tested side
// by side), or a fresh machine's own apt-daily run at boot, otherwise make apt-get fail at once with
// "Could not get lock" and the suite stops before any test ran.
// - Our own preflights queue on an flock(2) lock of /var/lib/apt (flock(1), util-linux, Essential in
//   Debian); it does not touch apt's own locks, which are fcntl(2) record locks on other files.
// - Against any other apt process, `install` waits for dpkg's frontend lock (DPkg::Lock::Timeout,
//   apt-get(8)); `update` has no such option for the lists lock, so it is retried until a deadline.
import { spawnSync } from 'node:child_process';

const QUEUE = '/var/lib/apt';
const WAIT_SECONDS = 900;
const LOCKED = /Could not get lock|Unable to lock|Unable to acquire the dpkg frontend lock/;

function hasFlock(): boolean {
  return spawnSync('sh', ['-c', 'command -v flock'], { stdio: 'ignore' }).status === 0;
}

function run(args: readonly string[]): { status: number | null; stderr: string } {
  const command = ['apt-get', '-o', `DPkg::Lock::Timeout=${WAIT_SECONDS}`, ...args];
  const [file, ...rest] = hasFlock() ? ['flock', '-w', String(WAIT_SECONDS), QUEUE, ...command] : command;
  const r = spawnSync(file!, rest, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  process.stderr.write(r.stderr ?? '');
  return { status: r.status, stderr: r.stderr ?? '' };
}

function pause(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

/** `apt-get <args>`; while another apt process holds a lock, waits (at most 15 minutes), saying so once. Returns the exit status. */
export function aptGet(args: readonly string[], log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): number {
  const deadline = Date.now() + WAIT_SECONDS * 1000;
  for (let said = false; ; said = true) {
    const r = run(args);
    if (r.status === 0 || !LOCKED.test(r.stderr) || Date.now() > deadline) return r.status ?? 1;
    if (!said) log(`apt-get ${args[0]}: another apt process holds its lock; waiting for it (at most ${WAIT_SECONDS / 60} minutes)`);
    pause(5);
  }
}
